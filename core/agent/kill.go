package agent

import (
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// killTask handles a scheduler's KILL (Mesos's Slave::killTask): a task
// not yet given to its executor is killed by the agent; a launched one is
// killed by its executor, with the kill policy.
func (a *Agent) killTask(frameworkID, taskID string, policy *mesospb.KillPolicy) {
	fw := a.frameworks[frameworkID]
	if fw == nil {
		a.log.Warn("Ignoring kill of a task of an unknown framework", "task", taskID, "framework", frameworkID)
		a.metrics.invalidFrameworkMessages++
		return
	}
	if fw.state == frameworkTerminating {
		a.log.Warn("Ignoring kill of a task of a terminating framework", "task", taskID, "framework", frameworkID)
		return
	}
	e := fw.executorOfTask(taskID)
	if e == nil {
		// Never launched here (or long done): TASK_DROPPED, or TASK_LOST
		// for frameworks that are not partition-aware, as Mesos does.
		a.log.Warn("Cannot kill a task without executor", "task", taskID, "framework", frameworkID)
		state := mesospb.TaskState_TASK_LOST
		if fw.partitionAware() {
			state = mesospb.TaskState_TASK_DROPPED
		}
		a.agentUpdate(fw, nil, taskID, state, mesospb.TaskStatus_REASON_EXECUTOR_TERMINATED, "Cannot find executor")
		return
	}
	switch e.state {
	case executorTerminating, executorTerminated:
		a.log.Warn("Ignoring kill of a task whose executor is shutting down", "task", taskID, "executor", e.id, "state", e.state.String())
	default:
		if ti := e.queuedTask(taskID); ti != nil {
			// Killing one task of a group kills the group, as in Mesos.
			victims := e.queuedGroup(taskID)
			if victims == nil {
				victims = []*mesospb.TaskInfo{ti}
			}
			for _, v := range victims {
				a.log.Info("Killing a task before it was launched", "task", v.GetTaskId().GetValue(), "framework", frameworkID)
				a.agentUpdate(fw, e.info.GetExecutorId(), v.GetTaskId().GetValue(), mesospb.TaskState_TASK_KILLED,
					mesospb.TaskStatus_REASON_TASK_KILLED_DURING_LAUNCH, "Task killed before it was launched")
			}
			if e.state == executorRegistering && !e.incomplete() {
				a.log.Warn("Killing the unregistered executor because it has no tasks", "executor", e.id, "framework", frameworkID)
				e.state = executorTerminating
				a.destroyContainer(e)
			}
			return
		}
		if e.state == executorRunning {
			a.log.Info("Asking executor to kill task", "task", taskID, "executor", e.id, "framework", frameworkID)
			e.send(killEvent(taskID, policy))
		}
	}
}

// shutdownFramework stops everything of a framework (Mesos's
// Slave::shutdownFramework).
func (a *Agent) shutdownFramework(frameworkID string) {
	fw := a.frameworks[frameworkID]
	if fw == nil {
		a.log.Info("Cannot shut down an unknown framework", "framework", frameworkID)
		return
	}
	if fw.state == frameworkTerminating {
		return
	}
	a.log.Info("Shutting down framework", "framework", frameworkID)
	fw.state = frameworkTerminating
	a.updates.Cleanup(fw.id)
	for _, e := range sortedExecutors(fw.executors) {
		switch e.state {
		case executorRegistering, executorRunning:
			a.shutdownExecutor(fw, e)
		case executorTerminated:
			a.removeExecutor(fw, e)
		}
	}
	if len(fw.executors) == 0 {
		a.removeFramework(fw)
	}
}

// shutdownExecutorByMaster is a scheduler's SHUTDOWN of one executor.
func (a *Agent) shutdownExecutorByMaster(frameworkID, executorID string) {
	fw := a.frameworks[frameworkID]
	if fw == nil {
		a.log.Warn("Cannot shut down an executor of an unknown framework", "executor", executorID, "framework", frameworkID)
		return
	}
	e := fw.executors[executorID]
	if e == nil {
		a.log.Warn("Cannot shut down an unknown executor", "executor", executorID, "framework", frameworkID)
		return
	}
	if e.state == executorRegistering || e.state == executorRunning {
		a.shutdownExecutor(fw, e)
	}
}

// shutdownExecutor asks an executor to shut down and destroys its
// container if it has not exited after its grace period.
func (a *Agent) shutdownExecutor(fw *framework, e *executor) {
	a.log.Info("Shutting down executor", "executor", e.id, "framework", fw.id)
	e.state = executorTerminating
	if e.cancelRegister != nil {
		e.cancelRegister()
		e.cancelRegister = nil
	}
	if !e.send(shutdownEvent()) {
		// It never subscribed: nobody to ask.
		a.destroyContainer(e)
		return
	}
	grace := a.shutdownGracePeriod(e)
	e.cancelShutdown = a.after(grace, func() { a.shutdownExecutorTimeout(fw.id, e) })
}

// shutdownExecutorTimeout destroys an executor that ignored SHUTDOWN.
func (a *Agent) shutdownExecutorTimeout(frameworkID string, e *executor) {
	e.cancelShutdown = nil
	fw := a.frameworks[frameworkID]
	if fw == nil || fw.executors[e.id] != e || e.state != executorTerminating {
		return
	}
	a.log.Info("Killing executor that did not exit within its shutdown grace period", "executor", e.id, "framework", frameworkID)
	a.destroyContainer(e)
}

// shutdownAgent stops every framework and then the agent (the master
// removed it or refused it). Run returns err.
func (a *Agent) shutdownAgent(message string, err error) {
	if a.state == stateTerminating {
		return
	}
	a.log.Warn("Agent shutting down", "message", message)
	a.state = stateTerminating
	a.terminateErr = err
	for _, fw := range a.sortedFrameworks() {
		a.shutdownFramework(fw.id)
	}
	if len(a.frameworks) == 0 {
		a.stop(err)
	}
}

// frameworkMessage passes a scheduler's message to its executor.
func (a *Agent) frameworkMessage(frameworkID, executorID string, data []byte) {
	fw := a.frameworks[frameworkID]
	var e *executor
	if fw != nil {
		e = fw.executors[executorID]
	}
	if e == nil || e.state != executorRunning {
		a.log.Warn("Dropping a framework message for an executor that is not running", "executor", executorID, "framework", frameworkID)
		a.metrics.invalidFrameworkMessages++
		return
	}
	a.metrics.validFrameworkMessages++
	e.send(&executorpb.Event{Type: executorpb.Event_MESSAGE.Enum(), Message: &executorpb.Event_Message{Data: data}})
}

// updateFramework takes a framework's new FrameworkInfo.
func (a *Agent) updateFramework(info *mesospb.FrameworkInfo) {
	fw := a.frameworks[info.GetId().GetValue()]
	if fw == nil {
		return
	}
	a.log.Info("Updating framework info", "framework", fw.id)
	fw.info = proto.Clone(info).(*mesospb.FrameworkInfo)
	if fw.checkpoint() {
		a.checkpointFramework(fw)
	}
}

// reconcileTasks answers the master's question about tasks: a task the
// agent does not know is reported lost (dropped for partition-aware
// frameworks); a known one's latest update is resent by the status update
// manager anyway.
func (a *Agent) reconcileTasks(frameworkID string, ids []*mesospb.TaskID) {
	fw := a.frameworks[frameworkID]
	if fw == nil {
		return
	}
	for _, id := range ids {
		if fw.executorOfTask(id.GetValue()) != nil {
			continue
		}
		state := mesospb.TaskState_TASK_LOST
		if fw.partitionAware() {
			state = mesospb.TaskState_TASK_DROPPED
		}
		a.agentUpdate(fw, nil, id.GetValue(), state, mesospb.TaskStatus_REASON_RECONCILIATION, "Task is unknown to the agent")
	}
}
