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

// PreLaunchResult is what the hooks add (Mesos's
// DockerTaskExecutorPrepareInfo, the hooks' answers merged in --hooks
// order): variables for the executor and for the task.
type PreLaunchResult struct {
	ExecutorEnvironment *mesospb.Environment
	TaskEnvironment     *mesospb.Environment
}

// PreLaunchFunc asks the hooks what to add to a launch. The package calls
// it without knowing the hooks: the agent gives it in Options.
type PreLaunchFunc func(ctx context.Context, req *PreLaunchRequest) PreLaunchResult

// preLaunch calls the hooks and returns the executor's environment with
// their executor variables set, and their task variables; a later value
// of a name wins (Mesos sets container->environment[name] for each). As
// in Mesos the executor's environment is the docker executor's process
// for a command task (the task's container gets the task's environment,
// not its executor's), the container itself for a custom executor. env
// is not changed.
func (c *Containerizer) preLaunch(ctx context.Context, ct *container, cfg *isolator.ContainerConfig, env map[string]string) (executor, task map[string]string) {
	if c.opts.PreLaunch == nil {
		return env, nil
	}
	add := c.opts.PreLaunch(ctx, &PreLaunchRequest{
		Task:                   cfg.GetTaskInfo(),
		Executor:               cfg.GetExecutorInfo(),
		ContainerName:          ct.name,
		ContainerWorkDirectory: cfg.GetDirectory(),
		MappedSandboxDirectory: c.opts.MappedDirectory,
		Env:                    maps.Clone(env),
	})
	if vars := add.ExecutorEnvironment.GetVariables(); len(vars) > 0 {
		env = maps.Clone(env)
		if env == nil {
			env = map[string]string{}
		}
		for _, v := range vars {
			if old, ok := env[v.GetName()]; ok && old != v.GetValue() {
				c.log.Info("a pre-launch hook overrides an executor environment variable", "container", ct.id.GetValue(), "name", v.GetName())
			}
			env[v.GetName()] = v.GetValue()
		}
	}
	for _, v := range add.TaskEnvironment.GetVariables() {
		if task == nil {
			task = map[string]string{}
		}
		task[v.GetName()] = v.GetValue()
	}
	return env, task
}

// withTaskEnvironment returns env with the hooks' task variables set:
// what a custom executor's container gets of them (Mesos hands them to
// the executor, which decides what its tasks inherit).
func withTaskEnvironment(env, task map[string]string) map[string]string {
	if len(task) == 0 {
		return env
	}
	out := maps.Clone(env)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, task)
	return out
}
