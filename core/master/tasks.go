package master

import (
	"bytes"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// task is the master's record of one task. info is the mesos.v1.Task the
// state endpoints show; its state is the latest state the master knows.
type task struct {
	id        string
	agentID   string
	info      *mesospb.Task
	resources resources.Resources
	// recovered is set once the task's resources went back to the pool
	// (on its first terminal state), so they are never returned twice.
	recovered bool
	// json is the task as the state endpoints write it (task_json.go):
	// a large cluster's tasks mostly do not change between two polls of
	// /master/state, and rendering 100k of them each time would dominate
	// the document's cost. Whatever changes the task's state or statuses
	// marks it stale.
	json taskJSONCache
}

func isTerminal(s mesospb.TaskState) bool {
	switch s {
	case mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_KILLED,
		mesospb.TaskState_TASK_ERROR, mesospb.TaskState_TASK_LOST, mesospb.TaskState_TASK_DROPPED,
		mesospb.TaskState_TASK_GONE, mesospb.TaskState_TASK_GONE_BY_OPERATOR:
		return true
	}
	return false
}

// addTask records a task launched (or found running) on an agent.
func (m *Master) addTask(fw *framework, a *agent, t *task) {
	fw.tasks[t.id] = t
	a.addTask(t)
	a.addUsed(fw.id, t.resources)
}

// recoverTask returns a task's resources to the pool, once.
func (m *Master) recoverTask(fw *framework, t *task) {
	if t.recovered {
		return
	}
	t.recovered = true
	if a := m.agents[t.agentID]; a != nil {
		a.subtractUsed(t.info.GetFrameworkId().GetValue(), t.resources)
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
			FrameworkId: fw.id, AgentId: a.id, Resources: t.resources.Protos(),
		}}})
		m.allocateSoon()
		m.checkDrained(a)
	}
}

// completeTask moves a task to the framework's bounded history.
func (m *Master) completeTask(fw *framework, t *task) {
	m.recoverTask(fw, t)
	delete(fw.tasks, t.id)
	if a := m.agents[t.agentID]; a != nil {
		a.removeTask(t)
	}
	fw.completedTasks = append(fw.completedTasks, t)
	if extra := len(fw.completedTasks) - m.cfg.MaxCompletedTasksPerFramework; extra > 0 {
		fw.completedTasks = slices.Delete(fw.completedTasks, 0, extra)
	}
}

// recordStatus updates the task's record with a status, as Mesos's
// updateTask does: a terminal task keeps its state, a status repeating the
// last one's state replaces it, and the first terminal state counts in the
// metrics. Operator event streams get a TASK_UPDATED.
func (m *Master) recordStatus(fw *framework, t *task, status *mesospb.TaskStatus, latest mesospb.TaskState) {
	t.json.stale = true
	prev := t.info.GetState()
	terminated := !isTerminal(prev) && isTerminal(latest)
	if !isTerminal(prev) {
		t.info.State = latest.Enum()
	}
	if len(status.GetUuid()) > 0 {
		t.info.StatusUpdateState = status.State
		t.info.StatusUpdateUuid = status.Uuid
	}
	// The state endpoints show the statuses without their (possibly large)
	// data, as Mesos does.
	kept := proto.Clone(status).(*mesospb.TaskStatus)
	kept.Data = nil
	if n := len(t.info.Statuses); n > 0 && t.info.Statuses[n-1].GetState() == status.GetState() {
		t.info.Statuses[n-1] = kept
	} else {
		t.info.Statuses = append(t.info.Statuses, kept)
	}
	if terminated {
		m.metrics.taskTerminated(t.info.GetState(), status)
		if fw != nil {
			fw.metrics.taskTerminated(t.info.GetState())
		}
	}
	// Operator streams hear of a change of state only (a retried or
	// repeated status is no news), and of every check or health check
	// result, as Mesos's updateTask decides; the event carries the status
	// as received, data included.
	changed := !isTerminal(prev) && latest != prev
	switch status.GetReason() {
	case mesospb.TaskStatus_REASON_TASK_CHECK_STATUS_UPDATED, mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED:
		changed = true
	}
	if fw != nil && changed {
		m.publishTaskUpdated(fw.id, t, status)
	}
}

// statusUpdate takes an update from an agent, records it, and forwards it to
// the framework, which acknowledges it through the master.
func (m *Master) statusUpdate(a *agent, su *agentmasterpb.AgentCall_StatusUpdate) {
	status := proto.Clone(su.GetStatus()).(*mesospb.TaskStatus)
	if status.AgentId == nil {
		status.AgentId = agentIDProto(a.id)
	}
	fwID := su.GetFrameworkId().GetValue()
	fw := m.frameworks[fwID]
	if fw == nil {
		m.metrics.inc("master/invalid_status_updates")
		// The framework is gone: acknowledge on its behalf so the agent
		// stops resending, as Mesos does for removed frameworks.
		if len(status.GetUuid()) > 0 {
			a.send(acknowledgeEvent(fwID, status.GetTaskId().GetValue(), status.GetUuid()))
		}
		return
	}
	latest := status.GetState()
	if su.LatestState != nil {
		latest = su.GetLatestState()
	}
	if t := fw.tasks[status.GetTaskId().GetValue()]; t != nil {
		m.metrics.inc("master/valid_status_updates")
		m.recordStatus(fw, t, status, latest)
		if isTerminal(latest) {
			m.recoverTask(fw, t)
		}
		if len(status.GetUuid()) == 0 && isTerminal(status.GetState()) {
			m.completeTask(fw, t) // nothing to acknowledge
		}
	}
	m.metrics.statusUpdates++
	fw.send(&schedulerpb.Event{
		Type:   schedulerpb.Event_UPDATE.Enum(),
		Update: &schedulerpb.Event_Update{Status: status},
	})
}

// acknowledge forwards a framework's acknowledgement to the agent and, for
// a terminal update, retires the task. As Mesos's Master::acknowledge, an
// acknowledgement for an agent that is not registered or is disconnected
// is dropped (the agent resends the update, which the framework
// acknowledges again); one for a task the master does not know still goes
// to the agent, whose status update manager may hold its updates.
func (m *Master) acknowledge(fw *framework, agentID, taskID string, id []byte) {
	a := m.agents[agentID]
	if a == nil || !a.connected() {
		m.metrics.inc("master/invalid_status_update_acknowledgements")
		m.log.Warn("dropping status update acknowledgement: its agent is not registered or disconnected",
			"framework", fw.id, "task", taskID, "agent", agentID)
		return
	}
	if t := a.tasks[fw.id][taskID]; t != nil && bytes.Equal(t.info.GetStatusUpdateUuid(), id) && isTerminal(t.info.GetStatusUpdateState()) {
		m.completeTask(fw, t)
	}
	a.send(acknowledgeEvent(fw.id, taskID, id))
	m.metrics.inc("master/valid_status_update_acknowledgements")
}

func acknowledgeEvent(frameworkID, taskID string, id []byte) *agentmasterpb.AgentEvent {
	return &agentmasterpb.AgentEvent{
		Type: agentmasterpb.AgentEvent_ACKNOWLEDGE.Enum(),
		Acknowledge: &agentmasterpb.AgentEvent_Acknowledge{
			FrameworkId: frameworkIDProto(frameworkID),
			TaskId:      &mesospb.TaskID{Value: proto.String(taskID)},
			Uuid:        id,
		},
	}
}

// transitionByMaster moves a task to a state the master decided (the agent
// was lost, the task could not be launched) and tells the framework. Such
// updates carry no uuid: there is nothing for the framework to acknowledge.
func (m *Master) transitionByMaster(fw *framework, t *task, state mesospb.TaskState, reason mesospb.TaskStatus_Reason, message string) {
	status := masterStatus(t.info.GetTaskId(), t.info.GetAgentId(), state, reason, message, m.nowSeconds())
	m.recordStatus(fw, t, status, state)
	if fw == nil {
		return
	}
	if isTerminal(state) {
		m.completeTask(fw, t)
	} else {
		// TASK_UNREACHABLE: the task may come back with its agent, but its
		// resources are gone with the agent.
		m.recoverTask(fw, t)
	}
	fw.send(&schedulerpb.Event{Type: schedulerpb.Event_UPDATE.Enum(), Update: &schedulerpb.Event_Update{Status: status}})
}

// finishTask ends a task of a framework that is being removed; nobody is
// told (the framework is going away).
func (m *Master) finishTask(fw *framework, t *task, state mesospb.TaskState, message string) {
	status := masterStatus(t.info.GetTaskId(), t.info.GetAgentId(), state, mesospb.TaskStatus_REASON_FRAMEWORK_REMOVED, message, m.nowSeconds())
	m.recordStatus(fw, t, status, state)
	m.completeTask(fw, t)
}

func masterStatus(taskID *mesospb.TaskID, agentID *mesospb.AgentID, state mesospb.TaskState, reason mesospb.TaskStatus_Reason, message string, now float64) *mesospb.TaskStatus {
	return &mesospb.TaskStatus{
		TaskId:    proto.Clone(taskID).(*mesospb.TaskID),
		AgentId:   agentID,
		State:     state.Enum(),
		Source:    mesospb.TaskStatus_SOURCE_MASTER.Enum(),
		Reason:    reason.Enum(),
		Message:   proto.String(message),
		Timestamp: proto.Float64(now),
	}
}

func (m *Master) nowSeconds() float64 {
	return float64(m.cfg.Now().UnixNano()) / 1e9
}

// executorExited retires an executor: its resources return to the pool and
// its framework hears of it through a FAILURE event.
func (m *Master) executorExited(a *agent, e *agentmasterpb.AgentCall_ExecutorExited) {
	fwID, execID := e.GetFrameworkId().GetValue(), e.GetExecutorId().GetValue()
	info := a.removeExecutor(fwID, execID)
	fw := m.frameworks[fwID]
	if info != nil {
		if r, err := resources.FromProtos(info.GetResources()); err == nil && !r.IsEmpty() {
			a.subtractUsed(fwID, r)
			if fw != nil {
				m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
					FrameworkId: fwID, AgentId: a.id, Resources: r.Protos(),
				}}})
				m.allocateSoon()
			}
		}
	}
	if fw == nil {
		return
	}
	delete(fw.executors[a.id], execID)
	fw.send(&schedulerpb.Event{
		Type: schedulerpb.Event_FAILURE.Enum(),
		Failure: &schedulerpb.Event_Failure{
			AgentId:    agentIDProto(a.id),
			ExecutorId: e.GetExecutorId(),
			Status:     e.Status,
		},
	})
}

// executorMessage passes an executor's message on to its scheduler.
func (m *Master) executorMessage(a *agent, msg *agentmasterpb.AgentCall_FrameworkMessage) {
	fw := m.frameworks[msg.GetFrameworkId().GetValue()]
	if fw == nil {
		m.metrics.inc("master/invalid_executor_to_framework_messages")
		return
	}
	m.metrics.frameworkMessages++
	m.metrics.inc("master/valid_executor_to_framework_messages")
	fw.send(&schedulerpb.Event{
		Type: schedulerpb.Event_MESSAGE.Enum(),
		Message: &schedulerpb.Event_Message{
			AgentId:    agentIDProto(a.id),
			ExecutorId: msg.GetExecutorId(),
			Data:       msg.GetData(),
		},
	})
}

// reconcileAgent brings the master's view of a re-registering agent in line
// with what the agent reports running.
func (m *Master) reconcileAgent(a *agent, s *agentmasterpb.AgentCall_Subscribe) {
	for _, info := range s.GetFrameworks() {
		id := info.GetId().GetValue()
		if id != "" && m.frameworks[id] == nil && m.isCompletedFramework(id) {
			// Torn down while the agent was away: its executors and tasks
			// there must go too (Mesos's reconcileKnownSlave).
			m.log.Info("agent re-registered with a completed framework; shutting it down there", "agent", a.id, "framework", id)
			a.sendShutdownFramework(id)
			continue
		}
		if id == "" || m.frameworks[id] != nil {
			continue
		}
		// A framework of a previous master: known now through its agent,
		// waiting for its scheduler to resubscribe.
		fw := &framework{
			id: id, info: proto.Clone(info).(*mesospb.FrameworkInfo), registeredTime: m.cfg.Now(),
			offers: map[string]*offer{}, tasks: map[string]*task{},
			executors: map[string]map[string]*mesospb.ExecutorInfo{},
			recovered: true,
		}
		m.frameworks[id] = fw
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: id, Info: fw.info, Active: false,
		}}})
		m.publishFramework(fw, masterpb.Event_FRAMEWORK_ADDED)
	}
	for _, e := range s.GetExecutors() {
		fwID := e.GetFrameworkId().GetValue()
		fw := m.frameworks[fwID]
		if fw == nil || a.executors[fwID][e.GetExecutorId().GetValue()] != nil {
			continue
		}
		a.addExecutor(fwID, e)
		if fw.executors[a.id] == nil {
			fw.executors[a.id] = map[string]*mesospb.ExecutorInfo{}
		}
		fw.executors[a.id][e.GetExecutorId().GetValue()] = e
		if r, err := resources.FromProtos(e.GetResources()); err == nil {
			a.addUsed(fwID, r)
		}
	}
	reported := map[string]bool{}
	for _, rt := range s.GetTasks() {
		fwID := rt.GetFrameworkId().GetValue()
		reported[fwID+"/"+rt.GetTaskId().GetValue()] = true
		fw := m.frameworks[fwID]
		if fw == nil {
			continue
		}
		if t := fw.tasks[rt.GetTaskId().GetValue()]; t != nil {
			// A task the master kept while its agent was unreachable
			// (partition-aware frameworks) comes back with the agent.
			if t.agentID == a.id && a.tasks[fwID][t.id] == nil {
				t.recovered = false
				if !isTerminal(rt.GetState()) {
					t.info.State = rt.State
					t.json.stale = true
				}
				m.addTask(fw, a, t)
			}
			continue
		}
		r, err := resources.FromProtos(rt.GetResources())
		if err != nil {
			m.log.Warn("agent reported a task with invalid resources", "agent", a.id, "task", rt.GetTaskId().GetValue(), "error", err)
			continue
		}
		info := proto.Clone(rt).(*mesospb.Task)
		info.AgentId = agentIDProto(a.id)
		t := &task{id: rt.GetTaskId().GetValue(), agentID: a.id, info: info, resources: r}
		m.addTask(fw, a, t)
		m.publishTaskAdded(t)
		if isTerminal(info.GetState()) {
			m.recoverTask(fw, t)
		}
	}
	// Kills the agent may have missed while it was disconnected go again
	// for the tasks it still runs (Mesos's reconcileKnownSlave).
	for _, rt := range s.GetTasks() {
		fwID := rt.GetFrameworkId().GetValue()
		if policy, killed := a.killedTasks[fwID+"/"+rt.GetTaskId().GetValue()]; killed && !isTerminal(rt.GetState()) {
			a.send(killTaskEvent(fwID, rt.GetTaskId(), policy))
		}
	}
	// Tasks the master launched there that the agent does not know were
	// lost on the way (the agent restarted before it got them).
	for fwID, tasks := range a.tasks {
		fw := m.frameworks[fwID]
		for id, t := range tasks {
			if reported[fwID+"/"+id] || isTerminal(t.info.GetState()) {
				continue
			}
			state := mesospb.TaskState_TASK_LOST
			if fw != nil && fw.capable(mesospb.FrameworkInfo_Capability_PARTITION_AWARE) {
				state = mesospb.TaskState_TASK_DROPPED
			}
			m.transitionByMaster(fw, t, state, mesospb.TaskStatus_REASON_RECONCILIATION, "Task was not found on the agent when it re-registered")
		}
	}
}
