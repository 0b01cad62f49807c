package master

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// offer is an outstanding offer. resources are in the master's form
// (post-refinement, allocation_info set to the role offered to).
type offer struct {
	id        string
	fw        *framework
	agent     *agent
	role      string
	resources resources.Resources
	timer     *time.Timer
}

// makeOffers turns one cycle's allocations into offers, one OFFERS event
// per framework.
func (m *Master) makeOffers(allocs []*allocator.Allocation) {
	byFramework := map[*framework][]*mesospb.Offer{}
	for _, alloc := range allocs {
		o, p, err := m.makeOffer(alloc)
		if err != nil {
			m.metrics.allocationsRejected++
			m.log.Warn("allocation rejected", "framework", alloc.GetFrameworkId(), "agent", alloc.GetAgentId(), "error", err)
			m.giveBack(alloc)
			continue
		}
		byFramework[o.fw] = append(byFramework[o.fw], p)
	}
	for fw, offers := range byFramework {
		m.metrics.offersSent += int64(len(offers))
		fw.send(&schedulerpb.Event{Type: schedulerpb.Event_OFFERS.Enum(), Offers: &schedulerpb.Event_Offers{Offers: offers}})
	}
}

// giveBack returns a rejected allocation to the allocator, which counted it
// as allocated, so that its view stays in line with the master's.
func (m *Master) giveBack(alloc *allocator.Allocation) {
	if m.agents[alloc.GetAgentId()] == nil {
		return // the allocator learns of removed agents separately
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
		FrameworkId: alloc.GetFrameworkId(), AgentId: alloc.GetAgentId(), Resources: alloc.GetResources(),
	}}})
}

// makeOffer checks one allocation against the master's view and records it
// as an offer. The checks are the master's own: whatever the allocator
// says, nothing is offered that is not free on an active agent, to an
// active framework, in one of its roles.
func (m *Master) makeOffer(alloc *allocator.Allocation) (*offer, *mesospb.Offer, error) {
	fw := m.frameworks[alloc.GetFrameworkId()]
	a := m.agents[alloc.GetAgentId()]
	switch {
	case fw == nil || !fw.active || !fw.connected():
		return nil, nil, errorf("framework %s is not active", alloc.GetFrameworkId())
	case a == nil || !a.active:
		return nil, nil, errorf("agent %s is not active", alloc.GetAgentId())
	case !m.agentWhitelisted(a):
		return nil, nil, errorf("agent %s (%s) is not in the --whitelist", a.id, a.info.GetHostname())
	}
	r, err := resources.FromProtos(alloc.GetResources())
	if err != nil {
		return nil, nil, errorf("invalid resources: %v", err)
	}
	roles := r.Allocations()
	if len(roles) != 1 {
		return nil, nil, errorf("an offer must be allocated to exactly one role, got %d", len(roles))
	}
	var role string
	for role = range roles {
	}
	if !contains(fw.roles(), role) {
		return nil, nil, errorf("role %q is not one of the framework's roles", role)
	}
	if !a.free().Contains(r.Unallocate()) {
		return nil, nil, errorf("resources %s are not free on the agent", r)
	}
	if !r.Revocable().IsEmpty() && !fw.capable(mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES) {
		return nil, nil, errorf("revocable resources for a framework without REVOCABLE_RESOURCES")
	}
	o := &offer{id: m.newOfferID(), fw: fw, agent: a, role: role, resources: r}
	p, err := m.offerProto(o)
	if err != nil {
		return nil, nil, err
	}
	m.offers[o.id] = o
	fw.offers[o.id] = o
	a.offered = a.offered.Add(r.Unallocate())
	if m.cfg.OfferTimeout > 0 {
		o.timer = m.afterFunc(m.cfg.OfferTimeout, func() {
			if m.offers[o.id] == o {
				m.log.Info("offer timed out", "offer", o.id, "framework", fw.id)
				m.rescindOffer(o, nil)
			}
		})
	}
	return o, p, nil
}

// offerProto renders an offer in the form its framework understands: with
// allocation_info only for MULTI_ROLE frameworks, and reservations in the
// pre-refinement form for frameworks without RESERVATION_REFINEMENT.
func (m *Master) offerProto(o *offer) (*mesospb.Offer, error) {
	r := o.resources
	multiRole := o.fw.capable(mesospb.FrameworkInfo_Capability_MULTI_ROLE)
	if !multiRole {
		r = r.Unallocate()
	}
	format := resources.PostRefinement
	if !o.fw.capable(mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT) {
		format = resources.PreRefinement
	}
	ps, err := r.ProtosIn(format)
	if err != nil {
		return nil, errorf("cannot express the offer to this framework: %v", err)
	}
	p := &mesospb.Offer{
		Id:          &mesospb.OfferID{Value: proto.String(o.id)},
		FrameworkId: frameworkIDProto(o.fw.id),
		AgentId:     agentIDProto(o.agent.id),
		Hostname:    proto.String(o.agent.info.GetHostname()),
		Resources:   ps,
		Attributes:  o.agent.info.GetAttributes(),
		Domain:      o.agent.info.GetDomain(),
	}
	if addr := o.agent.address; addr != nil {
		p.Url = &mesospb.URL{Scheme: proto.String("http"), Address: addr, Path: proto.String("/slave(1)")}
	}
	for id := range o.fw.executors[o.agent.id] {
		p.ExecutorIds = append(p.ExecutorIds, &mesospb.ExecutorID{Value: proto.String(id)})
	}
	if multiRole {
		p.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(o.role)}
	}
	return p, nil
}

// removeOffer forgets an offer that was used or declined.
func (m *Master) removeOffer(o *offer) {
	if o.timer != nil {
		o.timer.Stop()
	}
	delete(m.offers, o.id)
	delete(o.fw.offers, o.id)
	o.agent.offered = o.agent.offered.Subtract(o.resources.Unallocate())
}

// recoverOffer removes an offer and gives its resources back to the
// allocator, with the framework's filters if it declined them.
func (m *Master) recoverOffer(o *offer, r resources.Resources, filters *mesospb.Filters) {
	m.removeOffer(o)
	if r.IsEmpty() {
		return
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
		FrameworkId: o.fw.id, AgentId: o.agent.id, Resources: r.Protos(), Filters: filters,
	}}})
	m.allocateSoon()
}

// rescindOffer withdraws an offer and tells the framework.
func (m *Master) rescindOffer(o *offer, filters *mesospb.Filters) {
	m.recoverOffer(o, o.resources, filters)
	m.metrics.offersRescinded++
	o.fw.send(&schedulerpb.Event{
		Type:    schedulerpb.Event_RESCIND.Enum(),
		Rescind: &schedulerpb.Event_Rescind{OfferId: &mesospb.OfferID{Value: proto.String(o.id)}},
	})
}

func (m *Master) rescindFrameworkOffers(fw *framework) {
	for _, o := range fw.offers {
		m.rescindOffer(o, nil)
	}
}

func (m *Master) rescindAgentOffers(a *agent) {
	for _, o := range m.offers {
		if o.agent == a {
			m.rescindOffer(o, nil)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
