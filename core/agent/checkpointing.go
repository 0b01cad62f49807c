package agent

import (
	"fmt"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Only frameworks with checkpoint: true are checkpointed: the executors of
// the others do not survive an agent restart anyway (Mesos's behavior).

// checkpointFramework writes the framework's FrameworkInfo.
func (a *Agent) checkpointFramework(fw *framework) {
	dir, err := a.metaFramework(fw.id)
	if err == nil {
		err = checkpoint.Write(dir.InfoPath(), fw.info)
	}
	if err != nil {
		a.log.Error("failed to checkpoint framework", "framework", fw.id, "error", err)
	}
}

// checkpointExecutor writes the executor's ExecutorInfo and creates its
// run's checkpoint directory (with the executor's runs/latest link).
func (a *Agent) checkpointExecutor(e *executor) error {
	fwDir, err := a.metaFramework(e.frameworkID)
	if err != nil {
		return err
	}
	dir, err := fwDir.Executor(e.id)
	if err != nil {
		return err
	}
	if err := checkpoint.Write(dir.InfoPath(), e.info); err != nil {
		return fmt.Errorf("checkpoint executor %s: %w", e.id, err)
	}
	run := sandbox.Run{AgentID: a.agentID(), FrameworkID: e.frameworkID, ExecutorID: e.id, ContainerID: e.containerID.GetValue()}
	if _, err := sandbox.CreateRun(a.layout.Meta(), run, ""); err != nil {
		return fmt.Errorf("checkpoint executor %s: %w", e.id, err)
	}
	return nil
}

// checkpointTask writes a task's Task.
func (a *Agent) checkpointTask(e *executor, t *mesospb.Task) {
	dir, err := a.metaTask(e, t.GetTaskId().GetValue())
	if err == nil {
		err = checkpoint.Write(dir.InfoPath(), t)
	}
	if err != nil {
		a.log.Error("failed to checkpoint task", "task", t.GetTaskId().GetValue(), "error", err)
	}
}

// taskUpdatesPath is the task's update log.
func (a *Agent) taskUpdatesPath(e *executor, taskID string) (string, error) {
	dir, err := a.metaTask(e, taskID)
	if err != nil {
		return "", err
	}
	return dir.UpdatesPath(), nil
}

func (a *Agent) metaFramework(frameworkID string) (sandbox.FrameworkDir, error) {
	agent, err := a.layout.Meta().Agent(a.agentID())
	if err != nil {
		return sandbox.FrameworkDir{}, err
	}
	return agent.Framework(frameworkID)
}

func (a *Agent) metaTask(e *executor, taskID string) (sandbox.TaskDir, error) {
	run, err := a.metaRun(e)
	if err != nil {
		return sandbox.TaskDir{}, err
	}
	return run.Task(taskID)
}
