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
		if t := fw.tasks[rt.GetTaskId().GetValue()]; t != nil {
			fw.send(updateEvent(latestStatus(t, m.nowSeconds())))
			continue
		}
		// The task's agent is transitionary (admitted in the recovered
		// registry, not re-registered yet): like Mesos, say nothing until it
		// re-registers, rather than call a task unknown that it may report.
		if id := rt.GetAgentId().GetValue(); (id != "" && m.recoveredAgents[id] != nil) || (id == "" && len(m.recoveredAgents) > 0) {
			continue
		}
		fw.send(updateEvent(m.unknownTaskStatus(fw, rt.GetTaskId(), rt.GetAgentId())))
	}
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
func latestStatus(t *task, now float64) *mesospb.TaskStatus {
	s := masterStatus(t.info.GetTaskId(), t.info.GetAgentId(), t.info.GetState(), mesospb.TaskStatus_REASON_RECONCILIATION, reconciliationMessage, now)
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

// unknownTaskStatus is what Mesos 1.x answers for a task it does not know:
// for partition-aware frameworks it depends on what the master knows of
// the agent; everyone else gets TASK_LOST.
func (m *Master) unknownTaskStatus(fw *framework, taskID *mesospb.TaskID, agentID *mesospb.AgentID) *mesospb.TaskStatus {
	state := mesospb.TaskState_TASK_LOST
	if fw.capable(mesospb.FrameworkInfo_Capability_PARTITION_AWARE) {
		id := agentID.GetValue()
		_, unreachable := m.unreachableAgents[id]
		_, gone := m.goneAgents[id]
		switch {
		case id == "":
			state = mesospb.TaskState_TASK_UNKNOWN
		case m.agents[id] != nil:
			state = mesospb.TaskState_TASK_GONE
		case gone:
			state = mesospb.TaskState_TASK_GONE_BY_OPERATOR
		case unreachable:
			state = mesospb.TaskState_TASK_UNREACHABLE
		default:
			state = mesospb.TaskState_TASK_UNKNOWN
		}
	}
	return masterStatus(taskID, agentID, state, mesospb.TaskStatus_REASON_RECONCILIATION, "Reconciliation: task is unknown", m.nowSeconds())
}
