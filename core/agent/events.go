package agent

import (
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
)

// handleEvent applies one event of the master's stream.
func (a *Agent) handleEvent(conn *masterConn, ev *agentmasterpb.AgentEvent) {
	if a.master != conn {
		return // a stream the agent has given up
	}
	switch ev.GetType() {
	case agentmasterpb.AgentEvent_PING:
		a.sendToMaster(&agentmasterpb.AgentCall{
			Type: agentmasterpb.AgentCall_PONG.Enum(),
			Pong: &agentmasterpb.AgentCall_Pong{Sequence: proto.Uint64(ev.GetPing().GetSequence())},
		})
	case agentmasterpb.AgentEvent_RUN_TASK:
		rt := ev.GetRunTask()
		a.runTask(rt.GetFramework(), rt.GetTask())
	case agentmasterpb.AgentEvent_RUN_TASK_GROUP:
		rg := ev.GetRunTaskGroup()
		a.runTaskGroup(rg.GetFramework(), rg.GetExecutor(), rg.GetTaskGroup())
	case agentmasterpb.AgentEvent_KILL_TASK:
		k := ev.GetKillTask()
		a.killTask(k.GetFrameworkId().GetValue(), k.GetTaskId().GetValue(), k.GetKillPolicy())
	case agentmasterpb.AgentEvent_ACKNOWLEDGE:
		ack := ev.GetAcknowledge()
		a.acknowledge(ack.GetFrameworkId().GetValue(), ack.GetTaskId().GetValue(), ack.GetUuid())
	case agentmasterpb.AgentEvent_SHUTDOWN_FRAMEWORK:
		a.shutdownFramework(ev.GetShutdownFramework().GetFrameworkId().GetValue())
	case agentmasterpb.AgentEvent_FRAMEWORK_MESSAGE:
		m := ev.GetFrameworkMessage()
		a.frameworkMessage(m.GetFrameworkId().GetValue(), m.GetExecutorId().GetValue(), m.GetData())
	case agentmasterpb.AgentEvent_UPDATE_FRAMEWORK:
		a.updateFramework(ev.GetUpdateFramework().GetFramework())
	case agentmasterpb.AgentEvent_APPLY_OPERATIONS:
		a.applyOperations(ev.GetApplyOperations())
	case agentmasterpb.AgentEvent_RECONCILE_TASKS:
		r := ev.GetReconcileTasks()
		a.reconcileTasks(r.GetFrameworkId().GetValue(), r.GetTaskIds())
	case agentmasterpb.AgentEvent_SHUTDOWN:
		msg := ev.GetShutdown().GetMessage()
		a.log.Warn("Agent asked to shut down by the master", "master", a.masterInfo.GetPid(), "message", msg)
		a.shutdownAgent(msg, errShutdown)
	case agentmasterpb.AgentEvent_SHUTDOWN_EXECUTOR:
		s := ev.GetShutdownExecutor()
		a.shutdownExecutorByMaster(s.GetFrameworkId().GetValue(), s.GetExecutorId().GetValue())
	case agentmasterpb.AgentEvent_ACKNOWLEDGE_OPERATION_STATUS:
		a.acknowledgeOperationStatus(ev.GetAcknowledgeOperationStatus())
	case agentmasterpb.AgentEvent_SUBSCRIBED:
		// Only the first event of a stream; nothing to do again.
	default:
		a.log.Warn("ignoring an unknown event from the master", "type", ev.GetType().String())
	}
}
