package agent

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// The agent's hook points (--hooks, Mesos's HookManager calls in
// src/slave/slave.cpp):
//
//	slaveResourcesDecorator, slaveAttributesDecorator  New, before recovery and registration
//	slaveRunTaskLabelDecorator                         runTask, runTaskGroup: each task received
//	slaveExecutorEnvironmentDecorator                  launchExecutor: the executor's environment
//	slavePostFetchHook                                 fetch: the container's URIs fetched
//	slaveTaskStatusDecorator                           statusUpdate: before it is checkpointed
//	slaveRemoveExecutorHook                            removeExecutor
//	slavePreLaunchDockerTaskExecutorDecorator          the Docker containerizer's launch
//
// The decorators of tasks and statuses run on the agent's loop, as Mesos
// runs them on its actor, so that updates keep their order: a slow hook
// delays the agent, for at most its deadline. The others run where the
// work they decorate is done, off the loop.

// hookCtx is the context of hooks called on the loop.
func (a *Agent) hookCtx() context.Context {
	if a.runCtx != nil {
		return a.runCtx
	}
	return context.Background()
}

// decorateInfo lets the hooks decorate the agent's resources, then its
// attributes, before it recovers and registers with them.
func (a *Agent) decorateInfo() {
	h := a.mods.hooks
	if !h.Available() {
		return
	}
	ctx := context.Background()
	if rs, err := resources.FromProtos(h.SlaveResourcesDecorator(ctx, a.info)); err != nil {
		a.log.Warn("ignoring the resources the hooks decorated", "error", err)
	} else {
		a.base = rs
		a.info.Resources = rs.Protos()
	}
	attrs := resources.Attributes(h.SlaveAttributesDecorator(ctx, a.info))
	for _, attr := range attrs {
		if err := resources.ValidateAttribute(attr); err != nil {
			a.log.Warn("ignoring the attributes the hooks decorated", "error", err)
			return
		}
	}
	a.attributes = attrs
	a.info.Attributes = []*mesospb.Attribute(attrs)
}

// decorateTaskLabels gives the hooks a task the agent is about to run;
// its labels become theirs.
func (a *Agent) decorateTaskLabels(ti *mesospb.TaskInfo, executor *mesospb.ExecutorInfo, fw *mesospb.FrameworkInfo) {
	h := a.mods.hooks
	if !h.Available() {
		return
	}
	ti.Labels = proto.CloneOf(h.SlaveRunTaskLabelDecorator(a.hookCtx(), ti, executor, fw, a.info))
}

// decorateExecutorEnvironment returns the executor the container is
// launched with: its command's environment as the hooks decorate it.
// Called off the loop; e.info is not changed.
func (a *Agent) decorateExecutorEnvironment(ctx context.Context, info *mesospb.ExecutorInfo) *mesospb.ExecutorInfo {
	h := a.mods.hooks
	if !h.Available() {
		return info
	}
	out := proto.CloneOf(info)
	env := h.SlaveExecutorEnvironmentDecorator(ctx, info)
	if out.Command == nil {
		out.Command = &mesospb.CommandInfo{}
	}
	out.Command.Environment = proto.CloneOf(env)
	return out
}

// preLaunchDockerHook is the Docker containerizer's way to the
// slavePreLaunchDockerTaskExecutorDecorator hooks (nil without hooks):
// they are asked at once and their executor and task environments merged
// in --hooks order.
func (a *Agent) preLaunchDockerHook() docker.PreLaunchFunc {
	h := a.mods.hooks
	if !h.Available() {
		return nil
	}
	return func(ctx context.Context, req *docker.PreLaunchRequest) docker.PreLaunchResult {
		info := h.SlavePreLaunchDockerTaskExecutorDecorator(ctx, &hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest{
			Task:                   proto.CloneOf(req.Task),
			Executor:               proto.CloneOf(req.Executor),
			ContainerName:          req.ContainerName,
			ContainerWorkDirectory: req.ContainerWorkDirectory,
			MappedSandboxDirectory: req.MappedSandboxDirectory,
			Env:                    req.Env,
		})
		return docker.PreLaunchResult{ExecutorEnvironment: info.GetExecutorEnvironment(), TaskEnvironment: info.GetTaskEnvironment()}
	}
}

// decorateStatus gives the hooks a status update before the agent takes
// it: only its labels and container status may change.
func (a *Agent) decorateStatus(frameworkID string, status *mesospb.TaskStatus) *mesospb.TaskStatus {
	h := a.mods.hooks
	if !h.Available() {
		return status
	}
	return h.SlaveTaskStatusDecorator(a.hookCtx(), &mesospb.FrameworkID{Value: proto.String(frameworkID)}, status)
}

// executorRemoved tells the hooks an executor is gone, in the background.
func (a *Agent) executorRemoved(fw *framework, e *executor) {
	h := a.mods.hooks
	if !h.Available() {
		return
	}
	fwInfo, info, ctx := proto.CloneOf(fw.info), proto.CloneOf(e.info), a.hookCtx()
	go h.SlaveRemoveExecutorHook(ctx, fwInfo, info)
}
