package master

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// agent is the master's record of one agent.
type agent struct {
	id           string
	info         *mesospb.AgentInfo
	capabilities []*mesospb.AgentInfo_Capability
	version      string
	address      *mesospb.Address
	pid          string

	sub       *subscriber // nil while disconnected
	active    bool
	regTime   time.Time
	reregTime time.Time

	// total is what the agent offers the cluster: its --resources with the
	// checkpointed operations applied, plus its revocable estimate.
	total          resources.Resources
	checkpointed   resources.Resources
	oversubscribed resources.Resources
	// used is what tasks and executors hold, by framework; offered is what
	// outstanding offers hold.
	used    map[string]resources.Resources
	offered resources.Resources

	tasks     map[string]map[string]*task // framework id -> task id
	executors map[string]map[string]*mesospb.ExecutorInfo
	// killedTasks are the tasks (framework id + "/" + task id) frameworks
	// asked to kill, with the kill policy asked for: the kill goes again to
	// an agent that re-registers still running one (it may have missed it
	// while disconnected), as Mesos's Slave::killedTasks. Scheduler-side:
	// see scheduler_calls.go.
	killedTasks map[string]*mesospb.KillPolicy

	pingSeq    uint64
	unanswered int
	pingTimer  *time.Timer

	// drainStart is when DRAIN_AGENT began (estimated_drain_start_time);
	// markingDrained is set while the registry records it drained.
	drainStart     time.Time
	markingDrained bool
}

func (a *agent) connected() bool { return a.sub != nil }

func (a *agent) disconnect() {
	if a.sub != nil {
		a.sub.close()
		a.sub = nil
	}
}

func (a *agent) send(ev *agentmasterpb.AgentEvent) bool {
	if a.sub == nil {
		return false
	}
	if !a.sub.send(ev) {
		a.sub = nil
		return false
	}
	return true
}

func (a *agent) hasFramework(frameworkID string) bool {
	return len(a.tasks[frameworkID]) > 0 || len(a.executors[frameworkID]) > 0
}

func (a *agent) sendShutdownFramework(frameworkID string) {
	a.send(&agentmasterpb.AgentEvent{
		Type:              agentmasterpb.AgentEvent_SHUTDOWN_FRAMEWORK.Enum(),
		ShutdownFramework: &agentmasterpb.AgentEvent_ShutdownFramework{FrameworkId: frameworkIDProto(frameworkID)},
	})
}

func (a *agent) addUsed(frameworkID string, r resources.Resources) {
	a.used[frameworkID] = a.used[frameworkID].Add(r)
}

func (a *agent) subtractUsed(frameworkID string, r resources.Resources) {
	left := a.used[frameworkID].Subtract(r)
	if left.IsEmpty() {
		delete(a.used, frameworkID)
		return
	}
	a.used[frameworkID] = left
}

func (a *agent) addTask(t *task) {
	fwID := t.info.GetFrameworkId().GetValue()
	if a.tasks[fwID] == nil {
		a.tasks[fwID] = map[string]*task{}
	}
	a.tasks[fwID][t.id] = t
}

func (a *agent) removeTask(t *task) {
	fwID := t.info.GetFrameworkId().GetValue()
	delete(a.killedTasks, fwID+"/"+t.id)
	delete(a.tasks[fwID], t.id)
	if len(a.tasks[fwID]) == 0 {
		delete(a.tasks, fwID)
	}
}

func (a *agent) addExecutor(frameworkID string, e *mesospb.ExecutorInfo) {
	if a.executors[frameworkID] == nil {
		a.executors[frameworkID] = map[string]*mesospb.ExecutorInfo{}
	}
	a.executors[frameworkID][e.GetExecutorId().GetValue()] = e
}

func (a *agent) removeExecutor(frameworkID, executorID string) *mesospb.ExecutorInfo {
	e := a.executors[frameworkID][executorID]
	delete(a.executors[frameworkID], executorID)
	if len(a.executors[frameworkID]) == 0 {
		delete(a.executors, frameworkID)
	}
	return e
}

// free is what is neither used nor offered. used keeps the allocation
// info of each framework's resources; total and offered do not carry it.
func (a *agent) free() resources.Resources {
	free := a.total.Subtract(a.offered)
	for _, used := range a.used {
		free = free.Subtract(used.Unallocate())
	}
	return free
}

// computeTotal applies the checkpointed resources (dynamic reservations,
// persistent volumes) to the agent's --resources, as Mesos does: each
// checkpointed resource replaces the plain resource it was made from.
func computeTotal(base, checkpointed, oversubscribed resources.Resources) resources.Resources {
	total := base
	for r := range checkpointed.All() {
		converted := resources.New(r.Proto())
		total = total.Subtract(resources.New(checkpointBase(r.Proto()))).Add(converted)
	}
	return total.Add(oversubscribed)
}

// checkpointBase is the plain resource a checkpointed one was made from:
// without its dynamic reservations and without persistence.
func checkpointBase(p *mesospb.Resource) *mesospb.Resource {
	c := withoutPersistence(p)
	for n := len(c.Reservations); n > 0 && c.Reservations[n-1].GetType() == mesospb.Resource_ReservationInfo_DYNAMIC; n-- {
		c.Reservations = c.Reservations[:n-1]
	}
	return c
}

// schedulePing arms the agent's next ping. A ping the agent has not
// answered counts as a miss; too many in a row make it unreachable.
func (m *Master) schedulePing(a *agent) {
	if a.pingTimer != nil {
		a.pingTimer.Stop()
	}
	a.pingTimer = m.afterFunc(m.cfg.AgentPingTimeout, func() {
		if m.agents[a.id] != a {
			return
		}
		if a.unanswered >= m.cfg.MaxAgentPingTimeouts {
			m.log.Warn("agent missed too many pings", "agent", a.id, "missed", a.unanswered)
			m.markUnreachable(a, "agent missed "+itoa(a.unanswered)+" pings")
			return
		}
		a.pingSeq++
		a.unanswered++
		a.send(&agentmasterpb.AgentEvent{
			Type: agentmasterpb.AgentEvent_PING.Enum(),
			Ping: &agentmasterpb.AgentEvent_Ping{Sequence: proto.Uint64(a.pingSeq)},
		})
		m.schedulePing(a)
	})
}

func (m *Master) agentPong(a *agent) { a.unanswered = 0 }

// agentDisconnected runs when an agent's stream breaks: its offers are
// withdrawn and it gets no more until it subscribes again. Its tasks are
// kept; pings keep counting, so an agent that stays away becomes
// unreachable.
func (m *Master) agentDisconnected(a *agent, sub *subscriber) {
	if a.sub != sub || m.agents[a.id] != a {
		return
	}
	a.sub = nil
	m.deactivateAgent(a)
	m.log.Info("agent disconnected", "agent", a.id, "hostname", a.info.GetHostname())
}

func (m *Master) deactivateAgent(a *agent) {
	if !a.active {
		return
	}
	a.active = false
	m.rescindAgentOffers(a)
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: a.id, Active: false}}})
}

// removal says why an agent leaves: unreachable agents may come back
// (their tasks become TASK_UNREACHABLE for partition-aware frameworks);
// removed ones (unregistered, marked gone, their machine brought down) do
// not (TASK_GONE_BY_OPERATOR). Other frameworks see TASK_LOST either way.
type removal int

const (
	removedUnreachable removal = iota
	removedForGood
)

// removeAgent drops an agent and everything on it.
func (m *Master) removeAgent(a *agent, why string, how removal) {
	if a.pingTimer != nil {
		a.pingTimer.Stop()
	}
	m.rescindAgentOffers(a)
	for fwID, tasks := range a.tasks {
		fw := m.frameworks[fwID]
		partitionAware := fw != nil && fw.capable(mesospb.FrameworkInfo_Capability_PARTITION_AWARE)
		for _, t := range tasks {
			state, reason := mesospb.TaskState_TASK_LOST, mesospb.TaskStatus_REASON_AGENT_REMOVED
			switch {
			case partitionAware && how == removedUnreachable:
				state = mesospb.TaskState_TASK_UNREACHABLE
			case partitionAware:
				state, reason = mesospb.TaskState_TASK_GONE_BY_OPERATOR, mesospb.TaskStatus_REASON_AGENT_REMOVED_BY_OPERATOR
			}
			m.transitionByMaster(fw, t, state, reason, why)
		}
	}
	for fwID, execs := range a.executors {
		if fw := m.frameworks[fwID]; fw != nil {
			for execID := range execs {
				delete(fw.executors[a.id], execID)
			}
		}
	}
	a.disconnect()
	delete(m.agents, a.id)
	delete(m.inverseOfferStatuses, a.id)
	m.forgetAgentOperations(a, how)
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: a.id}}})
	m.sendAgentLost(a.id)
	m.publishAgentRemoved(a.id)
	m.agentLostHook(a.info)
	m.log.Warn("agent removed", "agent", a.id, "hostname", a.info.GetHostname(), "reason", why)
}
