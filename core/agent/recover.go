package agent

import (
	"context"
	"fmt"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/units"
)

// recover rebuilds the agent from its checkpoints after a restart (Mesos's
// Slave::recover): the agent keeps its id, finds the executors of
// checkpointing frameworks again through the containerizer, replays their
// tasks' update logs, and then either waits
// --executor_reregistration_timeout for the executors to reconnect
// (--recover=reconnect) or kills them (--recover=cleanup). Only then does
// it register with the master.
func (a *Agent) recover(ctx context.Context) error {
	a.runCtx = ctx
	st, err := checkpoint.Recover(a.layout, a.cfg.Strict)
	if err != nil {
		return fmt.Errorf("agent: failed to recover the checkpointed state: %w (use --no-strict to recover what can be, or remove %s to start as a new agent)",
			err, a.layout.Meta().LatestAgent())
	}
	for _, e := range st.Errors {
		a.metrics.recoveryErrors++
		a.log.Warn("skipping what cannot be recovered", "error", e)
	}
	a.checkpointed = resources.New(st.Resources...)
	a.recoverTrackedOperations()
	current, err := bootID()
	if err != nil {
		a.log.Warn("cannot tell whether the host rebooted", "error", err)
	}
	rebooted := st.BootID != "" && current != "" && st.BootID != current
	if st.Agent != nil {
		if err := a.compatible(st.Agent.Info); err != nil {
			if !rebooted {
				return fmt.Errorf("agent: incompatible agent info detected: %w; to start as a new agent, remove %s (its tasks are lost)",
					err, a.layout.Meta().LatestAgent())
			}
			a.log.Warn("the host rebooted and the agent's info changed; registering as a new agent", "error", err)
		} else {
			a.info.Id = agentIDValue(st.Agent.ID)
			a.agentIDCache.Store(st.Agent.ID)
			if rebooted {
				a.log.Info("the host rebooted: no executor survived", "agent_id", st.Agent.ID)
			}
			a.recoverFrameworks(st.Agent)
			if err := a.checkpointBootID(); err != nil {
				a.log.Warn("failed to checkpoint the boot id", "error", err)
			}
		}
	}

	known := map[string]bool{}
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			known[e.containerID.GetValue()] = true
		}
	}
	if err := a.containerizer.Recover(ctx, func(id *mesospb.ContainerID) bool {
		for id.GetParent() != nil {
			id = id.GetParent()
		}
		return known[id.GetValue()]
	}); err != nil {
		return fmt.Errorf("agent: failed to recover the containers: %w", err)
	}
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			go a.waitContainer(ctx, fw.id, e)
		}
	}
	a.recoverNested(ctx)

	// --recover=cleanup always ends the agent, as in Mesos (it goes to
	// TERMINATING whether or not anything was checkpointed): an agent
	// with nothing to kill, a fresh one included, exits at once.
	if a.cfg.Recover == RecoverCleanup {
		a.cleanupMode = true
		if len(a.frameworks) == 0 {
			a.log.Info("nothing to clean up; exiting (--recover=cleanup)")
			a.stop(nil)
			return nil
		}
		for _, fw := range a.frameworks {
			for _, e := range fw.executors {
				a.log.Info("Killing executor (--recover=cleanup)", "executor", e.id, "framework", fw.id)
				e.state = executorTerminating
				e.pendingTermination = &termination{
					state:   mesospb.TaskState_TASK_FAILED,
					reason:  mesospb.TaskStatus_REASON_EXECUTOR_TERMINATED,
					message: "Executor killed: the agent restarted with --recover=cleanup",
				}
				a.destroyContainer(e)
			}
		}
		// The master may never acknowledge (a framework that does not
		// come back): do not wait longer than --recovery_timeout.
		a.after(a.cfg.RecoveryTimeout, func() {
			a.log.Warn("not every update was acknowledged within the recovery timeout; exiting anyway (--recover=cleanup)",
				"timeout", units.Duration(a.cfg.RecoveryTimeout).String())
			a.unregisterOnExit = true
			a.stop(nil)
		})
		a.finishRecovery()
		return nil
	}
	a.reconnecting = true
	if len(a.frameworks) == 0 {
		a.finishRecovery()
		return nil
	}
	a.log.Info("Waiting for executors to reconnect", "within", units.Duration(a.cfg.ExecutorReregistrationTimeout).String())
	a.after(a.cfg.ExecutorReregistrationTimeout, a.reregisterExecutorTimeout)
	return nil
}

// finishRecovery ends recovery: the agent registers with the master.
func (a *Agent) finishRecovery() {
	if a.state != stateRecovering {
		return
	}
	a.state = stateDisconnected
	// Until the resource estimator answers, the revocable total is what
	// the recovered executors use.
	if a.oversubscribed.IsEmpty() {
		a.oversubscribed = a.usedRevocable()
	}
	a.log.Info("Finished recovery; registering with the master", "master", a.cfg.Master, "agent_id", a.agentID())
	go a.masterLoop(a.runCtx)
}

// reregisterExecutorTimeout kills the recovered executors that did not
// reconnect in time, and ends recovery.
func (a *Agent) reregisterExecutorTimeout() {
	for _, fw := range a.sortedFrameworks() {
		for _, e := range sortedExecutors(fw.executors) {
			if e.state != executorRegistering {
				continue
			}
			timeout := units.Duration(a.cfg.ExecutorReregistrationTimeout).String()
			a.log.Warn("Killing an executor that did not reregister", "executor", e.id, "framework", fw.id, "within", timeout)
			e.state = executorTerminating
			e.pendingTermination = &termination{
				state:   mesospb.TaskState_TASK_FAILED,
				reason:  mesospb.TaskStatus_REASON_EXECUTOR_REREGISTRATION_TIMEOUT,
				message: "Executor did not reregister within " + timeout,
			}
			a.destroyContainer(e)
		}
	}
	a.finishRecovery()
}

// recoverFrameworks rebuilds frameworks, executors and tasks from their
// checkpoints and the status update streams from the tasks' update logs.
func (a *Agent) recoverFrameworks(st *checkpoint.AgentState) {
	for fwID, fs := range st.Frameworks {
		fw := &framework{id: fwID, info: fs.Info, executors: map[string]*executor{}}
		for execID, es := range fs.Executors {
			run := es.Runs[es.Latest]
			for cid := range es.Runs {
				if cid != es.Latest || run.Completed {
					a.gcRun(fwID, execID, cid)
				}
			}
			if es.Latest == "" || run == nil || run.Completed {
				continue
			}
			e := a.recoverExecutor(fw, es, run)
			fw.executors[execID] = e
		}
		if len(fw.executors) == 0 {
			continue
		}
		a.frameworks[fwID] = fw
		a.log.Info("Recovered framework", "framework", fwID, "executors", len(fw.executors))
	}
}

// recoverExecutor rebuilds one executor and its tasks.
func (a *Agent) recoverExecutor(fw *framework, es *checkpoint.ExecutorState, run *checkpoint.RunState) *executor {
	user := ""
	if a.cfg.SwitchUser {
		user = fw.info.GetUser()
		if u := es.Info.GetCommand().GetUser(); u != "" {
			user = u
		}
	}
	dir, _ := sandbox.Run{AgentID: a.agentID(), FrameworkID: fw.id, ExecutorID: es.ID, ContainerID: es.Latest}.Dir(a.layout.Sandboxes())
	e := newExecutor(fw, es.Info, es.Latest, dir.Path(), user)
	e.checkpoint = true
	e.containerLaunched = true
	for taskID, ts := range run.Tasks {
		t := &task{proto: ts.Info}
		t.proto.Statuses = nil
		e.launched[taskID] = t
		for _, u := range ts.Updates {
			e.updateTaskState(u.GetStatus())
			if isTerminal(u.GetStatus().GetState()) {
				if ts.Acks[string(u.GetStatus().GetUuid())] {
					e.completeTask(taskID, maxCompletedTasksPerExecutor)
				}
				break
			}
		}
		path, err := a.taskUpdatesPath(e, taskID)
		if err != nil {
			a.log.Warn("cannot find the task's update log", "task", taskID, "error", err)
			continue
		}
		a.updates.Recover(fw.id, taskID, path, ts.Updates, ts.Acks)
	}
	a.attachSandbox(e)
	a.log.Info("Recovered executor", "executor", e.id, "framework", fw.id, "container", es.Latest, "tasks", len(run.Tasks))
	return e
}

// gcRun schedules an old run's sandbox and checkpoints for removal.
func (a *Agent) gcRun(frameworkID, executorID, containerID string) {
	run := sandbox.Run{AgentID: a.agentID(), FrameworkID: frameworkID, ExecutorID: executorID, ContainerID: containerID}
	for _, tree := range []sandbox.Tree{a.layout.Sandboxes(), a.layout.Meta()} {
		if dir, err := run.Dir(tree); err == nil {
			a.scheduleGC(dir.Path())
		}
	}
}

// compatible checks the checkpointed AgentInfo against the agent's
// (--reconfiguration_policy): "equal" wants the same hostname, resources
// and attributes; "additive" lets resources and attributes grow.
func (a *Agent) compatible(old *mesospb.AgentInfo) error {
	if old.GetHostname() != a.info.GetHostname() {
		return fmt.Errorf("hostname changed from %s to %s", old.GetHostname(), a.info.GetHostname())
	}
	oldRes := resources.New(old.GetResources()...)
	oldAttrs := resources.Attributes(old.GetAttributes())
	switch a.cfg.ReconfigurationPolicy {
	case "additive":
		if !a.base.Contains(oldRes) {
			return fmt.Errorf("resources %s do not contain the previous %s", a.base, oldRes)
		}
		for _, attr := range oldAttrs {
			if !a.attributes.Contains(attr) {
				return fmt.Errorf("attribute %s was removed or changed", attr.GetName())
			}
		}
	default:
		if !a.base.Equal(oldRes) {
			return fmt.Errorf("resources changed from %s to %s", oldRes, a.base)
		}
		if !a.attributes.Equal(oldAttrs) {
			return fmt.Errorf("attributes changed from %s to %s", oldAttrs, a.attributes)
		}
	}
	return nil
}
