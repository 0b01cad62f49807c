package agent

import (
	"errors"
	"path/filepath"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// executorTerminated runs when an executor's container is gone (Mesos's
// Slave::executorTerminated): its unfinished tasks fail, the master hears
// of the executor's end, and the executor is removed once no task needs
// an acknowledgement any more.
func (a *Agent) executorTerminated(frameworkID string, e *executor, term *containerizer.Termination, waitErr error) {
	fw := a.frameworks[frameworkID]
	if fw == nil || fw.executors[e.id] != e || e.state == executorTerminated {
		return
	}
	status := "unknown"
	if term != nil {
		status = term.Status.String()
	}
	a.log.Info("Executor terminated", "executor", e.id, "framework", frameworkID, "container", e.containerID.GetValue(),
		"status", status, "error", waitErr)
	e.state = executorTerminated
	if e.cancelRegister != nil {
		e.cancelRegister()
		e.cancelRegister = nil
	}
	if e.cancelShutdown != nil {
		e.cancelShutdown()
		e.cancelShutdown = nil
	}
	if e.conn != nil {
		e.conn.close()
		e.conn = nil
	}
	a.destroyNestedOf(e)
	a.metrics.executorsTerminated++

	if fw.state != frameworkTerminating {
		for _, t := range sortedTasks(e.launched) {
			a.sendExecutorTerminatedUpdate(fw, e, t.id(), term, waitErr)
		}
		var queued []string
		for _, q := range e.queued {
			queued = append(queued, taskIDs(q.list)...)
		}
		for _, id := range queued {
			a.sendExecutorTerminatedUpdate(fw, e, id, term, waitErr)
		}
	}
	if !e.generated() {
		code := int32(-1)
		if term != nil && term.Status.Known {
			code = int32(term.Status.WaitStatus)
		}
		a.sendToMaster(&agentmasterpb.AgentCall{
			Type: agentmasterpb.AgentCall_EXECUTOR_EXITED.Enum(),
			ExecutorExited: &agentmasterpb.AgentCall_ExecutorExited{
				FrameworkId: &mesospb.FrameworkID{Value: proto.String(fw.id)},
				ExecutorId:  proto.Clone(e.info.GetExecutorId()).(*mesospb.ExecutorID),
				Status:      proto.Int32(code),
			},
		})
	}
	if a.state == stateTerminating || fw.state == frameworkTerminating || !e.incomplete() {
		a.removeExecutor(fw, e)
	}
	if len(fw.executors) == 0 {
		a.removeFramework(fw)
	}
	a.checkCleanupDone()
}

// sendExecutorTerminatedUpdate fails a task whose executor is gone, with
// what is known of why (Mesos's sendExecutorTerminatedStatusUpdate).
func (a *Agent) sendExecutorTerminatedUpdate(fw *framework, e *executor, taskID string, term *containerizer.Termination, waitErr error) {
	state := mesospb.TaskState_TASK_FAILED
	reason := mesospb.TaskStatus_REASON_EXECUTOR_TERMINATED
	pending := e.pendingTermination
	switch {
	case term != nil && term.State != nil:
		state = *term.State
	case pending != nil:
		state = pending.state
	}
	switch {
	case term != nil && len(term.Reasons) > 0:
		reason = term.Reasons[0]
	case pending != nil:
		reason = pending.reason
	}
	var messages []string
	if pending != nil && pending.message != "" {
		messages = append(messages, pending.message)
	}
	switch {
	case errors.Is(waitErr, containerizer.ErrUnknownContainer):
		messages = append(messages, "Abnormal executor termination: unknown container")
	case waitErr != nil:
		messages = append(messages, "Abnormal executor termination: "+waitErr.Error())
	case term != nil && term.Message != "":
		messages = append(messages, term.Message)
	}
	message := "Executor terminated"
	if len(messages) > 0 {
		message = strings.Join(messages, "; ")
	}
	status := &mesospb.TaskStatus{
		TaskId:     &mesospb.TaskID{Value: proto.String(taskID)},
		State:      state.Enum(),
		Source:     mesospb.TaskStatus_SOURCE_AGENT.Enum(),
		Reason:     reason.Enum(),
		Message:    proto.String(message),
		ExecutorId: proto.Clone(e.info.GetExecutorId()).(*mesospb.ExecutorID),
	}
	if term != nil && len(term.LimitedResources) > 0 {
		status.Limitation = &mesospb.TaskResourceLimitation{Resources: term.LimitedResources}
	}
	a.statusUpdate(fw.id, status, nil)
}

// removeExecutor forgets an executor: its checkpoints are marked done and
// its sandbox is scheduled for garbage collection after --gc_delay.
func (a *Agent) removeExecutor(fw *framework, e *executor) {
	a.log.Info("Cleaning up executor", "executor", e.id, "framework", fw.id, "container", e.containerID.GetValue())
	a.executorRemoved(fw, e)
	if e.checkpoint {
		if run, err := a.metaRun(e); err == nil {
			if err := checkpoint.Touch(run.SentinelPath()); err != nil {
				a.log.Warn("failed to checkpoint the executor's sentinel", "executor", e.id, "error", err)
			}
			a.scheduleGC(run.Path())
		}
	}
	if err := a.gc.Schedule(a.cfg.GCDelay, e.directory, func(err error) {
		if err == nil {
			a.detachSandbox(e)
		}
	}); err != nil {
		a.log.Warn("failed to schedule a directory for garbage collection", "dir", e.directory, "error", err)
	}
	delete(fw.executors, e.id)
	fw.completedExecutors = append(fw.completedExecutors, e)
	if extra := len(fw.completedExecutors) - a.cfg.MaxCompletedExecutorsPerFramework; extra > 0 {
		fw.completedExecutors = fw.completedExecutors[extra:]
	}
}

// removeFramework forgets a framework without executors.
func (a *Agent) removeFramework(fw *framework) {
	if a.frameworks[fw.id] != fw {
		return
	}
	a.log.Info("Cleaning up framework", "framework", fw.id)
	a.updates.Cleanup(fw.id)
	delete(a.frameworks, fw.id)
	if a.agentID() != "" {
		for _, dir := range a.frameworkDirs(fw.id) {
			a.scheduleGC(dir)
		}
	}
	a.completedFrameworks = append(a.completedFrameworks, fw)
	if extra := len(a.completedFrameworks) - maxCompletedFrameworks; extra > 0 {
		a.completedFrameworks = a.completedFrameworks[extra:]
	}
	if a.state == stateTerminating && len(a.frameworks) == 0 {
		a.stop(a.terminateErr)
	}
}

// frameworkDirs are a framework's sandbox and checkpoint directories.
func (a *Agent) frameworkDirs(frameworkID string) []string {
	var out []string
	for _, tree := range []interface {
		AgentsDir() string
	}{a.layout.Sandboxes(), a.layout.Meta()} {
		out = append(out, filepath.Join(tree.AgentsDir(), a.agentID(), "frameworks", frameworkID))
	}
	return out
}

// unscheduleFrameworkGC keeps a framework's directories that were
// scheduled for removal (it runs tasks here again).
func (a *Agent) unscheduleFrameworkGC(frameworkID string) {
	if a.agentID() == "" {
		return
	}
	for _, dir := range a.frameworkDirs(frameworkID) {
		a.gc.Unschedule(dir)
	}
}

// scheduleGC removes a directory after --gc_delay (sooner when the disk
// fills up).
func (a *Agent) scheduleGC(dir string) {
	if err := a.gc.Schedule(a.cfg.GCDelay, dir, nil); err != nil {
		a.log.Warn("failed to schedule a directory for garbage collection", "dir", dir, "error", err)
	}
}

// checkCleanupDone ends an agent started with --recover=cleanup once
// every recovered executor is gone and its updates are acknowledged.
func (a *Agent) checkCleanupDone() {
	if !a.cleanupMode || a.state != stateRunning || len(a.frameworks) > 0 {
		return
	}
	a.log.Info("Agent is shutting down because it was started in cleanup recovery mode and all updates have been acknowledged")
	a.unregisterOnExit = true
	a.stop(nil)
}

func sortedExecutors(m map[string]*executor) []*executor {
	out := make([]*executor, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (a *Agent) sortedFrameworks() []*framework {
	out := make([]*framework, 0, len(a.frameworks))
	for _, fw := range a.frameworks {
		out = append(out, fw)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}
