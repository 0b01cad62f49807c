package master

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// The master's hooks (--hooks), at Mesos's points: a task of a LAUNCH has
// its resources decorated before it is validated against the offers
// (masterLaunchTaskResourceDecorator, given the offered resources) and its
// labels once it is valid (masterLaunchTaskLabelDecorator); a removed
// agent is reported (masterSlaveLostHook). Decorators run on the loop
// under their module's deadline, as Mesos runs them on its master actor;
// a failing hook is logged and skipped by the hook manager.

// decorateTaskResources lets the hooks change the resources a task is
// launched with.
func (m *Master) decorateTaskResources(ti *mesospb.TaskInfo, offered resources.Resources) {
	if !m.cfg.Hooks.Available() {
		return
	}
	ti.Resources = m.cfg.Hooks.MasterLaunchTaskResourceDecorator(context.Background(), ti, offered.Protos())
}

// decorateTaskLabels lets the hooks change the labels a task is launched
// with.
func (m *Master) decorateTaskLabels(lc *launchContext, ti *mesospb.TaskInfo) {
	if !m.cfg.Hooks.Available() {
		return
	}
	ti.Labels = m.cfg.Hooks.MasterLaunchTaskLabelDecorator(context.Background(), ti, lc.fw.info, lc.agent.info)
}

// agentLostHook tells the hooks an agent was removed. It returns nothing
// the master waits for, so it runs off the loop.
func (m *Master) agentLostHook(info *mesospb.AgentInfo) {
	if !m.cfg.Hooks.Available() {
		return
	}
	info = proto.CloneOf(info)
	m.goBg(func() { m.cfg.Hooks.MasterSlaveLostHook(context.Background(), info) })
}
