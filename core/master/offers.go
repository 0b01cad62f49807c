package master

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/master/allocguard"
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

// makeOffers turns one cycle's response into offers, one OFFERS event per
// framework, and inverse offers (inverse_offers.go). Every allocation and
// inverse offer is first checked by the allocation guard
// (allocation_guard.go); what it or makeOffer refuses is counted and given
// back to the allocator, and never offered.
func (m *Master) makeOffers(resp *allocator.AllocateResponse) {
	byFramework := map[*framework][]*mesospb.Offer{}
	allocs, inverse := m.checkAllocations(resp)
	defer m.makeInverseOffers(inverse)
	for _, alloc := range allocs {
		for _, part := range splitByRole(alloc) {
			o, p, reason, err := m.makeOffer(part)
			if err != nil {
				m.rejectAllocation(part, reason, err)
				continue
			}
			byFramework[o.fw] = append(byFramework[o.fw], p)
		}
	}
	for fw, offers := range byFramework {
		m.metrics.offersSent += int64(len(offers))
		fw.metrics.offersSent += int64(len(offers))
		fw.send(&schedulerpb.Event{Type: schedulerpb.Event_OFFERS.Enum(), Offers: &schedulerpb.Event_Offers{Offers: offers}})
	}
}

// splitByRole splits an allocation of several roles' resources (a
// MULTI_ROLE framework's, on an agent with resources for more than one of
// its roles) into one per role, in the order the roles first appear: an
// offer is made to one role, as Mesos makes one offer per framework, role
// and agent. An allocation of one role is returned as it is; resources
// without a role stay together and are rejected by makeOffer.
func splitByRole(alloc *allocator.Allocation) []*allocator.Allocation {
	res := alloc.GetResources()
	if len(res) == 0 {
		return []*allocator.Allocation{alloc}
	}
	first := res[0].GetAllocationInfo().GetRole()
	single := true
	for _, r := range res[1:] {
		if r.GetAllocationInfo().GetRole() != first {
			single = false
			break
		}
	}
	if single {
		return []*allocator.Allocation{alloc}
	}
	var parts []*allocator.Allocation
	index := map[string]int{}
	for _, r := range res {
		role := r.GetAllocationInfo().GetRole()
		i, ok := index[role]
		if !ok {
			i = len(parts)
			index[role] = i
			parts = append(parts, &allocator.Allocation{FrameworkId: alloc.GetFrameworkId(), AgentId: alloc.GetAgentId()})
		}
		parts[i].Resources = append(parts[i].Resources, r)
	}
	return parts
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

// makeOffer records an allocation the guard accepted as an offer. The
// guard has checked that it is free on an active agent, for an active
// framework in its roles, and what the framework can receive; what is
// left are the master's own rules: the --whitelist, one role per offer,
// and an offer the framework can read. On error, reason names the rule.
func (m *Master) makeOffer(alloc *allocator.Allocation) (o *offer, p *mesospb.Offer, reason string, err error) {
	fw := m.frameworks[alloc.GetFrameworkId()]
	a := m.agents[alloc.GetAgentId()]
	if fw == nil || a == nil { // the guard has made sure they are known
		return nil, nil, allocguard.UnknownFramework.String(), errorf("framework %s or agent %s is not known", alloc.GetFrameworkId(), alloc.GetAgentId())
	}
	if !m.agentWhitelisted(a) {
		return nil, nil, rejectNotWhitelisted, errorf("agent %s (%s) is not in the --whitelist", a.id, a.info.GetHostname())
	}
	r, err := resources.FromProtos(alloc.GetResources())
	if err != nil {
		return nil, nil, allocguard.InvalidResources.String(), errorf("invalid resources: %v", err)
	}
	roles := r.Allocations()
	if len(roles) != 1 {
		return nil, nil, rejectMultipleRoles, errorf("an offer must be allocated to exactly one role, got %d", len(roles))
	}
	var role string
	for role = range roles {
	}
	o = &offer{id: m.newOfferID(), fw: fw, agent: a, role: role, resources: r}
	if p, err = m.offerProto(o); err != nil {
		return nil, nil, rejectInexpressible, err
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
	return o, p, "", nil
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
	// An agent planned to be unavailable (its machine is in the
	// maintenance schedule) says so in its offers, as in Mesos.
	p.Unavailability = m.unavailabilityOf(o.agent)
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
	o.fw.metrics.offersRescinded++
	o.fw.send(&schedulerpb.Event{
		Type:    schedulerpb.Event_RESCIND.Enum(),
		Rescind: &schedulerpb.Event_Rescind{OfferId: &mesospb.OfferID{Value: proto.String(o.id)}},
	})
}

// rescindFrameworkOffers withdraws a framework's offers and inverse
// offers (it disconnected, failed over or left).
func (m *Master) rescindFrameworkOffers(fw *framework) {
	for _, o := range fw.offers {
		m.rescindOffer(o, nil)
	}
	m.rescindInverseOffersWhere(func(io *inverseOffer) bool { return io.fw == fw })
}

// rescindAgentOffers withdraws the offers and inverse offers of an agent
// (it was deactivated, left or re-registered).
func (m *Master) rescindAgentOffers(a *agent) {
	for _, o := range m.offers {
		if o.agent == a {
			m.rescindOffer(o, nil)
		}
	}
	m.rescindInverseOffersWhere(func(io *inverseOffer) bool { return io.agent == a })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
