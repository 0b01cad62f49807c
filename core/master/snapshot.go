package master

import (
	"context"
	"errors"
	"sync/atomic"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// AllocatorSnapshot gives an allocator that takes over from a failed one
// (decorate.AllocatorOptions.Snapshot) the master's state as allocator
// events, so that it starts where the master is and offers nothing twice.
// The allocator decorator is made before the master, so it holds an
// AllocatorSnapshot, and New binds it to the master it configures
// (Config.AllocatorSnapshot).
type AllocatorSnapshot struct {
	m atomic.Pointer[Master]
}

// Events is the snapshot, in the order an allocator can apply it:
// AgentAdded for every agent, with what is allocated on it (used by tasks
// and executors, or offered) by framework; FrameworkAdded for every
// framework, with its suppressed roles; QuotaUpdated for every quota;
// WeightsUpdated; WhitelistUpdated when there is a whitelist.
//
// It reads the loop's state without going through the loop, so it must be
// called on the loop: from within the master's calls to its allocator,
// which is where the decorator calls it.
func (s *AllocatorSnapshot) Events(context.Context) ([]*allocator.Event, error) {
	m := s.m.Load()
	if m == nil {
		return nil, errors.New("master: allocator snapshot taken before the master exists")
	}
	return m.allocatorSnapshot(), nil
}

func (m *Master) allocatorSnapshot() []*allocator.Event {
	offered := map[string]map[string]resources.Resources{} // agent, framework
	for _, o := range m.offers {
		byFramework := offered[o.agent.id]
		if byFramework == nil {
			byFramework = map[string]resources.Resources{}
			offered[o.agent.id] = byFramework
		}
		byFramework[o.fw.id] = byFramework[o.fw.id].Add(o.resources)
	}
	events := make([]*allocator.Event, 0, len(m.agents)+len(m.frameworks)+len(m.quotas)+2)
	for _, id := range sortedKeys(m.agents) {
		a := m.agents[id]
		allocated := map[string]resources.Resources{}
		for fw, r := range a.used {
			allocated[fw] = r
		}
		for fw, r := range offered[id] {
			allocated[fw] = allocated[fw].Add(r)
		}
		var used []*allocator.FrameworkResources
		for _, fw := range sortedKeys(allocated) {
			used = append(used, &allocator.FrameworkResources{FrameworkId: fw, Resources: allocated[fw].Protos()})
		}
		events = append(events, &allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
			AgentId: a.id, Info: proto.CloneOf(a.info), Capabilities: cloneCapabilities(a.capabilities),
			Total: a.total.Protos(), Used: used, Active: a.active, Unavailability: m.unavailabilityOf(a),
		}}})
	}
	for _, id := range sortedKeys(m.frameworks) {
		fw := m.frameworks[id]
		events = append(events, &allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: fw.id, Info: proto.CloneOf(fw.info), Active: fw.active, SuppressedRoles: sortedKeys(fw.suppressedRoles),
		}}})
	}
	for _, role := range sortedKeys(m.quotas) {
		events = append(events, &allocator.Event{Kind: &allocator.Event_QuotaUpdated{QuotaUpdated: &allocator.QuotaUpdated{
			Config: proto.CloneOf(m.quotas[role]),
		}}})
	}
	if len(m.weights) > 0 {
		var ws []*mesospb.WeightInfo
		for _, role := range sortedKeys(m.weights) {
			ws = append(ws, &mesospb.WeightInfo{Role: proto.String(role), Weight: proto.Float64(m.weights[role])})
		}
		events = append(events, &allocator.Event{Kind: &allocator.Event_WeightsUpdated{WeightsUpdated: &allocator.WeightsUpdated{Weights: ws}}})
	}
	if m.whitelist != nil {
		events = append(events, &allocator.Event{Kind: &allocator.Event_WhitelistUpdated{WhitelistUpdated: proto.CloneOf(m.whitelist)}})
	}
	return events
}

func cloneCapabilities(caps []*mesospb.AgentInfo_Capability) []*mesospb.AgentInfo_Capability {
	out := make([]*mesospb.AgentInfo_Capability, len(caps))
	for i, c := range caps {
		out[i] = proto.CloneOf(c)
	}
	return out
}
