package agent

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/uuid"
)

// statusUpdate takes a task's status (from its executor, or made by the
// agent) into the status update manager, which checkpoints it and sends
// it to the master until acknowledged (Mesos's Slave::statusUpdate). from
// is the executor that sent it, to be acknowledged once the update is
// safe with the agent; nil for the agent's own updates.
func (a *Agent) statusUpdate(frameworkID string, status *mesospb.TaskStatus, from *executor) {
	status = proto.Clone(status).(*mesospb.TaskStatus)
	status = a.decorateStatus(frameworkID, status)
	if status.AgentId == nil {
		status.AgentId = a.agentIDProto()
	}
	if status.Timestamp == nil {
		status.Timestamp = proto.Float64(nowSeconds())
	}
	if len(status.GetUuid()) == 0 {
		status.Uuid = uuid.New().Bytes()
	}
	taskID := status.GetTaskId().GetValue()
	fw := a.frameworks[frameworkID]
	if fw == nil {
		a.log.Warn("Ignoring status update of an unknown framework", "task", taskID, "framework", frameworkID, "state", status.GetState().String())
		a.metrics.invalidStatusUpdates++
		return
	}
	u := &agentmasterpb.AgentCall_StatusUpdate{
		FrameworkId: &mesospb.FrameworkID{Value: proto.String(frameworkID)},
		ExecutorId:  status.ExecutorId,
		Status:      status,
	}
	e := fw.executorOfTask(taskID)
	if e == nil {
		// The agent made the update for a task it does not know (a kill of
		// an unknown task), or the task is already done with: the update
		// still goes to the master, without a checkpoint.
		a.log.Warn("Could not find the executor for status update", "task", taskID, "framework", frameworkID, "state", status.GetState().String())
		a.metrics.validStatusUpdates++
		if _, err := a.updates.Update(u, ""); err != nil {
			a.log.Error("failed to handle status update", "task", taskID, "error", err)
		}
		a.acknowledgeExecutor(from, status)
		return
	}
	if status.GetState() == mesospb.TaskState_TASK_RUNNING {
		a.fillContainerStatus(e, status)
	}
	t := e.updateTaskState(status)
	path := ""
	if e.checkpoint {
		if p, err := a.taskUpdatesPath(e, taskID); err == nil {
			path = p
		} else {
			a.log.Warn("cannot checkpoint the task's updates", "task", taskID, "error", err)
		}
	}
	fresh, err := a.updates.Update(u, path)
	if err != nil {
		a.log.Error("failed to handle status update", "task", taskID, "framework", frameworkID, "error", err)
		a.metrics.invalidStatusUpdates++
		return
	}
	a.metrics.validStatusUpdates++
	if fresh && t != nil && isTerminal(status.GetState()) {
		a.metrics.countTerminal(status.GetState())
		a.updateContainer(e)
	}
	a.acknowledgeExecutor(from, status)
}

// acknowledgeExecutor tells an executor its update is safe with the agent
// (ACKNOWLEDGED), so it stops resending it.
func (a *Agent) acknowledgeExecutor(e *executor, status *mesospb.TaskStatus) {
	if e == nil || status.GetSource() != mesospb.TaskStatus_SOURCE_EXECUTOR {
		return
	}
	e.send(&executorpb.Event{
		Type: executorpb.Event_ACKNOWLEDGED.Enum(),
		Acknowledged: &executorpb.Event_Acknowledged{
			TaskId: status.GetTaskId(),
			Uuid:   status.GetUuid(),
		},
	})
}

// agentUpdate sends a status the agent decided (SOURCE_AGENT).
func (a *Agent) agentUpdate(fw *framework, executorID *mesospb.ExecutorID, taskID string, state mesospb.TaskState, reason mesospb.TaskStatus_Reason, message string) {
	a.statusUpdate(fw.id, &mesospb.TaskStatus{
		TaskId:     &mesospb.TaskID{Value: proto.String(taskID)},
		State:      state.Enum(),
		Source:     mesospb.TaskStatus_SOURCE_AGENT.Enum(),
		Reason:     reason.Enum(),
		Message:    proto.String(message),
		ExecutorId: executorID,
		Uuid:       uuid.New().Bytes(),
	}, nil)
}

// fillContainerStatus adds what the agent knows of the task's container
// to a TASK_RUNNING status: its id and, when no isolator gave the
// container an address, the agent's IP (as Mesos does), which service
// discovery reads.
func (a *Agent) fillContainerStatus(e *executor, status *mesospb.TaskStatus) {
	cs := &mesospb.ContainerStatus{}
	if e.containerStatus != nil {
		proto.Merge(cs, e.containerStatus)
	}
	if status.ContainerStatus != nil {
		proto.Merge(cs, status.ContainerStatus)
	}
	if cs.ContainerId == nil {
		cs.ContainerId = proto.Clone(e.containerID).(*mesospb.ContainerID)
	}
	if len(cs.GetNetworkInfos()) == 0 {
		cs.NetworkInfos = []*mesospb.NetworkInfo{{
			IpAddresses: []*mesospb.NetworkInfo_IPAddress{{
				Protocol:  mesospb.NetworkInfo_IPv4.Enum(),
				IpAddress: proto.String(a.ip),
			}},
		}}
	}
	status.ContainerStatus = cs
}

// forwardUpdate sends an update to the master (the status update
// manager's Forward). It records on the task which update the master
// last got and tells the master the task's latest state.
func (a *Agent) forwardUpdate(u *agentmasterpb.AgentCall_StatusUpdate) {
	if fw := a.frameworks[u.GetFrameworkId().GetValue()]; fw != nil {
		taskID := u.GetStatus().GetTaskId().GetValue()
		if e := fw.executorOfTask(taskID); e != nil {
			t := e.launched[taskID]
			if t == nil {
				t = e.terminated[taskID]
			}
			if t != nil {
				t.proto.StatusUpdateState = u.GetStatus().State
				t.proto.StatusUpdateUuid = u.GetStatus().GetUuid()
				u.LatestState = t.proto.State
			}
		}
	}
	if !a.sendToMaster(&agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_STATUS_UPDATE.Enum(), StatusUpdate: u}) {
		a.log.Debug("no master to send the status update to; it will be resent", "task", u.GetStatus().GetTaskId().GetValue())
	}
}

// acknowledge handles a framework's acknowledgement of an update: a task
// whose terminal update is acknowledged is done, and an executor that
// ended with no task left goes.
func (a *Agent) acknowledge(frameworkID, taskID string, id []byte) {
	terminal, err := a.updates.Acknowledge(frameworkID, taskID, id)
	if err != nil {
		a.log.Warn("Failed to handle status update acknowledgement", "task", taskID, "framework", frameworkID, "error", err)
		return
	}
	fw := a.frameworks[frameworkID]
	if fw == nil {
		a.checkCleanupDone()
		return
	}
	e := fw.executorOfTask(taskID)
	if e == nil {
		return
	}
	if terminal {
		e.completeTask(taskID, maxCompletedTasksPerExecutor)
	}
	if e.state == executorTerminated && !e.incomplete() {
		a.removeExecutor(fw, e)
	}
	if len(fw.executors) == 0 {
		a.removeFramework(fw)
	}
	a.checkCleanupDone()
}

func nowSeconds() float64 { return float64(time.Now().UnixNano()) / 1e9 }
