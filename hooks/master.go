package hooks

import (
	"context"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"google.golang.org/protobuf/proto"
)

// MasterLaunchTaskLabelDecorator returns the labels a task is launched
// with, once every hook has had its say.
func (m *Manager) MasterLaunchTaskLabelDecorator(ctx context.Context, task *mesospb.TaskInfo, framework *mesospb.FrameworkInfo, agent *mesospb.AgentInfo) *mesospb.Labels {
	if !m.Available() {
		return task.GetLabels()
	}
	cur := proto.CloneOf(task)
	m.each(ctx, hook.MasterLaunchTaskLabelDecoratorName, "Master label decorator", func(ctx context.Context, h hook.Hook) error {
		resp, err := h.MasterLaunchTaskLabelDecorator(ctx, &hook.MasterLaunchTaskLabelDecoratorRequest{
			Task: proto.CloneOf(cur), Framework: proto.CloneOf(framework), Agent: proto.CloneOf(agent),
		})
		if l := resp.GetLabels(); err == nil && l != nil {
			cur.Labels = proto.CloneOf(l)
		}
		return err
	})
	return cur.GetLabels()
}

// MasterLaunchTaskResourceDecorator returns the resources a task is
// launched with, once every hook has had its say; agentResources are the
// agent's total.
func (m *Manager) MasterLaunchTaskResourceDecorator(ctx context.Context, task *mesospb.TaskInfo, agentResources []*mesospb.Resource) []*mesospb.Resource {
	if !m.Available() {
		return task.GetResources()
	}
	cur := proto.CloneOf(task)
	m.each(ctx, hook.MasterLaunchTaskResourceDecoratorName, "Master resource decorator", func(ctx context.Context, h hook.Hook) error {
		resp, err := h.MasterLaunchTaskResourceDecorator(ctx, &hook.MasterLaunchTaskResourceDecoratorRequest{
			Task: proto.CloneOf(cur), AgentResources: cloneAll(agentResources),
		})
		if rl := resp.GetResources(); err == nil && rl != nil {
			cur.Resources = cloneAll(rl.GetResources())
		}
		return err
	})
	return cur.GetResources()
}

// MasterSlaveLostHook tells every hook that an agent was removed.
func (m *Manager) MasterSlaveLostHook(ctx context.Context, agent *mesospb.AgentInfo) {
	if !m.Available() {
		return
	}
	m.each(ctx, hook.MasterSlaveLostHookName, "Master agent-lost", func(ctx context.Context, h hook.Hook) error {
		_, err := h.MasterSlaveLostHook(ctx, &hook.MasterSlaveLostHookRequest{Agent: proto.CloneOf(agent)})
		return err
	})
}

// cloneAll deep-copies a list of messages.
func cloneAll[M proto.Message](ms []M) []M {
	if ms == nil {
		return nil
	}
	out := make([]M, len(ms))
	for i, m := range ms {
		out[i] = proto.CloneOf(m)
	}
	return out
}
