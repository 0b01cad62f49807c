package hooks

import (
	"context"
	"sync"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

// SlaveRunTaskLabelDecorator returns the labels of a task the agent is
// about to run, once every hook has had its say.
func (m *Manager) SlaveRunTaskLabelDecorator(ctx context.Context, task *mesospb.TaskInfo, executor *mesospb.ExecutorInfo, framework *mesospb.FrameworkInfo, agent *mesospb.AgentInfo) *mesospb.Labels {
	if !m.Available() {
		return task.GetLabels()
	}
	cur := proto.CloneOf(task)
	m.each(ctx, hook.SlaveRunTaskLabelDecoratorName, "Agent label decorator", func(ctx context.Context, h hook.Hook) error {
		resp, err := h.SlaveRunTaskLabelDecorator(ctx, &hook.SlaveRunTaskLabelDecoratorRequest{
			Task: proto.CloneOf(cur), Executor: proto.CloneOf(executor), Framework: proto.CloneOf(framework), Agent: proto.CloneOf(agent),
		})
		if l := resp.GetLabels(); err == nil && l != nil {
			cur.Labels = proto.CloneOf(l)
		}
		return err
	})
	return cur.GetLabels()
}

// SlaveExecutorEnvironmentDecorator returns the environment of an
// executor's command, once every hook has had its say.
func (m *Manager) SlaveExecutorEnvironmentDecorator(ctx context.Context, executor *mesospb.ExecutorInfo) *mesospb.Environment {
	if !m.Available() {
		return executor.GetCommand().GetEnvironment()
	}
	cur := proto.CloneOf(executor)
	m.each(ctx, hook.SlaveExecutorEnvironmentDecoratorName, "Agent environment decorator", func(ctx context.Context, h hook.Hook) error {
		resp, err := h.SlaveExecutorEnvironmentDecorator(ctx, &hook.SlaveExecutorEnvironmentDecoratorRequest{Executor: proto.CloneOf(cur)})
		if env := resp.GetEnvironment(); err == nil && env != nil {
			if cur.Command == nil {
				cur.Command = &mesospb.CommandInfo{}
			}
			cur.Command.Environment = proto.CloneOf(env)
		}
		return err
	})
	return cur.GetCommand().GetEnvironment()
}

// SlavePreLaunchDockerTaskExecutorDecorator asks every hook, at once, what
// to add to a Docker task executor's launch, and merges the answers in
// --hooks order (environment variables appended: a later hook's value of
// a name wins when the environment is applied). Unlike the other
// decorators they do not chain, as in Mesos.
func (m *Manager) SlavePreLaunchDockerTaskExecutorDecorator(ctx context.Context, req *hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest) *hook.DockerTaskExecutorPrepareInfo {
	merged := &hook.DockerTaskExecutorPrepareInfo{}
	if !m.Available() {
		return merged
	}
	answers := make([]*hook.DockerTaskExecutorPrepareInfo, len(m.hooks))
	errs := make([]error, len(m.hooks))
	var wg sync.WaitGroup
	for i, e := range m.hooks {
		wg.Go(func() {
			resp, err := e.h.SlavePreLaunchDockerTaskExecutorDecorator(ctx, proto.CloneOf(req))
			answers[i], errs[i] = resp.GetInfo(), err
		})
	}
	wg.Wait()
	for i, e := range m.hooks {
		if errs[i] != nil {
			m.skipped(hook.SlavePreLaunchDockerTaskExecutorDecoratorName, "Agent pre-launch docker task executor decorator", e.name, errs[i])
			continue
		}
		if answers[i] != nil {
			proto.Merge(merged, answers[i])
		}
	}
	return merged
}

// SlavePostFetchHook tells every hook that a container's URIs were
// fetched into directory.
func (m *Manager) SlavePostFetchHook(ctx context.Context, containerID *mesospb.ContainerID, directory string) {
	if !m.Available() {
		return
	}
	m.each(ctx, hook.SlavePostFetchHookName, "Agent post fetch", func(ctx context.Context, h hook.Hook) error {
		_, err := h.SlavePostFetchHook(ctx, &hook.SlavePostFetchHookRequest{ContainerId: proto.CloneOf(containerID), Directory: directory})
		return err
	})
}

// SlaveRemoveExecutorHook tells every hook that an executor was removed.
func (m *Manager) SlaveRemoveExecutorHook(ctx context.Context, framework *mesospb.FrameworkInfo, executor *mesospb.ExecutorInfo) {
	if !m.Available() {
		return
	}
	m.each(ctx, hook.SlaveRemoveExecutorHookName, "Agent remove executor", func(ctx context.Context, h hook.Hook) error {
		_, err := h.SlaveRemoveExecutorHook(ctx, &hook.SlaveRemoveExecutorHookRequest{
			Framework: proto.CloneOf(framework), Executor: proto.CloneOf(executor),
		})
		return err
	})
}

// SlaveTaskStatusDecorator returns a task status update as the hooks
// decorate it: only its labels and its container status can change.
func (m *Manager) SlaveTaskStatusDecorator(ctx context.Context, frameworkID *mesospb.FrameworkID, status *mesospb.TaskStatus) *mesospb.TaskStatus {
	if !m.Available() {
		return status
	}
	cur := proto.CloneOf(status)
	m.each(ctx, hook.SlaveTaskStatusDecoratorName, "Agent TaskStatus decorator", func(ctx context.Context, h hook.Hook) error {
		resp, err := h.SlaveTaskStatusDecorator(ctx, &hook.SlaveTaskStatusDecoratorRequest{
			FrameworkId: proto.CloneOf(frameworkID), Status: proto.CloneOf(cur),
		})
		if err != nil {
			return err
		}
		if l := resp.GetLabels(); l != nil {
			cur.Labels = proto.CloneOf(l)
		}
		if cs := resp.GetContainerStatus(); cs != nil {
			cur.ContainerStatus = proto.CloneOf(cs)
		}
		return nil
	})
	return cur
}

// SlaveResourcesDecorator returns the resources the agent registers with,
// once every hook has had its say.
func (m *Manager) SlaveResourcesDecorator(ctx context.Context, agent *mesospb.AgentInfo) []*mesospb.Resource {
	if !m.Available() {
		return agent.GetResources()
	}
	cur := proto.CloneOf(agent)
	m.each(ctx, hook.SlaveResourcesDecoratorName, "Agent Resources decorator", func(ctx context.Context, h hook.Hook) error {
		resp, err := h.SlaveResourcesDecorator(ctx, &hook.SlaveResourcesDecoratorRequest{Agent: proto.CloneOf(cur)})
		if rl := resp.GetResources(); err == nil && rl != nil {
			cur.Resources = cloneAll(rl.GetResources())
		}
		return err
	})
	return cur.GetResources()
}

// SlaveAttributesDecorator returns the attributes the agent registers
// with, once every hook has had its say.
func (m *Manager) SlaveAttributesDecorator(ctx context.Context, agent *mesospb.AgentInfo) []*mesospb.Attribute {
	if !m.Available() {
		return agent.GetAttributes()
	}
	cur := proto.CloneOf(agent)
	m.each(ctx, hook.SlaveAttributesDecoratorName, "Agent Attributes decorator", func(ctx context.Context, h hook.Hook) error {
		resp, err := h.SlaveAttributesDecorator(ctx, &hook.SlaveAttributesDecoratorRequest{Agent: proto.CloneOf(cur)})
		if al := resp.GetAttributes(); err == nil && al != nil {
			cur.Attributes = cloneAll(al.GetAttributes())
		}
		return err
	})
	return cur.GetAttributes()
}
