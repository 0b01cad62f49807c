package master

import (
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// reconcile answers a RECONCILE call. With tasks named, each gets its latest
// known state, or what Mesos says of a task it does not know; with none
// named (implicit reconciliation), every task of the framework is reported.
// Reconciliation updates carry reason REASON_RECONCILIATION and no uuid.
func (m *Master) reconcile(fw *framework, tasks []*schedulerpb.Call_Reconcile_Task) {
	if len(tasks) == 0 {
		for _, t := range fw.tasks {
			fw.send(updateEvent(latestStatus(t, m.nowSeconds())))
		}
		return
	}
	for _, rt := range tasks {
		m.reconcileTask(fw, rt.GetTaskId(), rt.GetAgentId())
	}
}

// reconcileTask answers for one task, as Mesos's explicit reconciliation
// (master.cpp, Master::reconcile) does, or says nothing while the answer
// could still change.
func (m *Master) reconcileTask(fw *framework, taskID *mesospb.TaskID, agentID *mesospb.AgentID) {
	if t := fw.tasks[taskID.GetValue()]; t != nil {
		fw.send(updateEvent(latestStatus(t, m.nowSeconds())))
		return
	}
	// The task's agent is transitionary (admitted in the recovered
	// registry, not re-registered yet): like Mesos, say nothing until it
	// re-registers, rather than call a task unknown that it may report.
	// Without an agent id any such agent might hold it.
	if id := agentID.GetValue(); (id != "" && m.recoveredAgents[id] != nil) || (id == "" && len(m.recoveredAgents) > 0) {
		return
	}
	fw.send(updateEvent(m.unknownTaskStatus(fw, taskID, agentID)))
}

func updateEvent(s *mesospb.TaskStatus) *schedulerpb.Event {
	return &schedulerpb.Event{Type: schedulerpb.Event_UPDATE.Enum(), Update: &schedulerpb.Event_Update{Status: s}}
}

// reconciliationMessage is what Mesos says of a known task's state when
// reconciling.
const reconciliationMessage = "Reconciliation: Latest task state"

// latestStatus is the task's latest state, restated for reconciliation as
// Mesos does: a new status from the master (SOURCE_MASTER,
// REASON_RECONCILIATION, "Reconciliation: Latest task state", no uuid,
// stamped now) that carries over from the latest status only the
// executor, health, check and container status and unreachable time,
// not its message, source, reason or data.
//
// The state is that of the status update being delivered to the framework
// (status_update_state) when there is one, as Mesos reports it: a task
// that finished while its RUNNING update waits for an acknowledgement is
// RUNNING to its framework until the FINISHED update reaches it, so that
// reconciliation never runs ahead of the updates the framework acknowledges.
func latestStatus(t *task, now float64) *mesospb.TaskStatus {
	state := t.info.GetState()
	if t.info.StatusUpdateState != nil {
		state = t.info.GetStatusUpdateState()
	}
	s := masterStatus(t.info.GetTaskId(), t.info.GetAgentId(), state, mesospb.TaskStatus_REASON_RECONCILIATION, reconciliationMessage, now)
	if t.info.ExecutorId != nil {
		s.ExecutorId = proto.CloneOf(t.info.GetExecutorId())
	}
	if n := len(t.info.GetStatuses()); n > 0 {
		last := t.info.GetStatuses()[n-1]
		s.Healthy = last.Healthy
		if last.CheckStatus != nil {
			s.CheckStatus = proto.CloneOf(last.GetCheckStatus())
		}
		if last.ContainerStatus != nil {
			s.ContainerStatus = proto.CloneOf(last.GetContainerStatus())
		}
		if last.UnreachableTime != nil {
			s.UnreachableTime = proto.CloneOf(last.GetUnreachableTime())
		}
	}
	return s
}

// unknownTaskStatus is what Mesos 1.x answers for a task it does not know,
// by what it knows of the agent named (master.cpp, Master::reconcile):
// registered, TASK_GONE; unreachable, TASK_UNREACHABLE with the time it
// became so; gone, TASK_GONE_BY_OPERATOR; unknown or unnamed,
// TASK_UNKNOWN. Frameworks that are not PARTITION_AWARE get TASK_LOST
// instead, with the same message.
func (m *Master) unknownTaskStatus(fw *framework, taskID *mesospb.TaskID, agentID *mesospb.AgentID) *mesospb.TaskStatus {
	id := agentID.GetValue()
	unreachableSince, unreachable := m.unreachableAgents[id]
	_, gone := m.goneAgents[id]
	var state mesospb.TaskState
	var message string
	switch {
	case id != "" && m.agents[id] != nil:
		state, message = mesospb.TaskState_TASK_GONE, "Reconciliation: Task is unknown to the agent"
	case id != "" && unreachable:
		state, message = mesospb.TaskState_TASK_UNREACHABLE, "Reconciliation: Task is unreachable"
	case id != "" && gone:
		state, message = mesospb.TaskState_TASK_GONE_BY_OPERATOR, "Reconciliation: Task is gone"
	default:
		state, message = mesospb.TaskState_TASK_UNKNOWN, "Reconciliation: Task is unknown"
	}
	if !fw.capable(mesospb.FrameworkInfo_Capability_PARTITION_AWARE) {
		state = mesospb.TaskState_TASK_LOST
	}
	if id == "" {
		agentID = nil
	}
	s := masterStatus(taskID, agentID, state, mesospb.TaskStatus_REASON_RECONCILIATION, message, m.nowSeconds())
	if unreachable && id != "" && m.agents[id] == nil {
		s.UnreachableTime = &mesospb.TimeInfo{Nanoseconds: proto.Int64(unreachableSince.UnixNano())}
	}
	return s
}
