package docker

import (
	"context"
	"maps"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// PreLaunchRequest is what the hooks are told of a container about to be
// launched (the arguments of Mesos's
// slavePreLaunchDockerTaskExecutorDecorator).
type PreLaunchRequest struct {
	// Task is the command task the docker executor will run; nil for a
	// custom executor in a container.
	Task     *mesospb.TaskInfo
	Executor *mesospb.ExecutorInfo
	// ContainerName is the Docker container's, mesos-<container id>.
	ContainerName string
	// ContainerWorkDirectory is the sandbox on the host.
	ContainerWorkDirectory string
	// MappedSandboxDirectory is the sandbox's path in the container
	// (--sandbox_directory).
	MappedSandboxDirectory string
	// Env is the executor's environment as the agent made it.
	Env map[string]string
}

// PreLaunchFunc returns the environment the hooks add to the executor
// (DockerTaskExecutorPrepareInfo.executor_environment, merged in --hooks
// order), nil for none. The package calls it without knowing the hooks:
// the agent gives it in Options.
type PreLaunchFunc func(ctx context.Context, req *PreLaunchRequest) *mesospb.Environment

// preLaunch calls the hooks and returns the executor's environment with
// their variables set, a later one of a name winning (Mesos sets
// container->environment[name] for each). As in Mesos that is the
// environment of the executor: the docker executor's process for a
// command task (the task's container gets the task's environment, not
// its executor's), the container itself for a custom executor. env is
// not changed.
func (c *Containerizer) preLaunch(ctx context.Context, ct *container, cfg *isolator.ContainerConfig, env map[string]string) map[string]string {
	if c.opts.PreLaunch == nil {
		return env
	}
	add := c.opts.PreLaunch(ctx, &PreLaunchRequest{
		Task:                   cfg.GetTaskInfo(),
		Executor:               cfg.GetExecutorInfo(),
		ContainerName:          ct.name,
		ContainerWorkDirectory: cfg.GetDirectory(),
		MappedSandboxDirectory: c.opts.MappedDirectory,
		Env:                    maps.Clone(env),
	})
	if len(add.GetVariables()) == 0 {
		return env
	}
	out := maps.Clone(env)
	if out == nil {
		out = map[string]string{}
	}
	for _, v := range add.GetVariables() {
		if old, ok := out[v.GetName()]; ok && old != v.GetValue() {
			c.log.Info("a pre-launch hook overrides an executor environment variable", "container", ct.id.GetValue(), "name", v.GetName())
		}
		out[v.GetName()] = v.GetValue()
	}
	return out
}
