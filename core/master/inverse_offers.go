package master

import (
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/allocatorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Inverse offers (Mesos's maintenance primitives): when the schedule puts
// a machine in a window, the allocator asks each framework that uses
// resources on the machine's agents to give them back, one inverse offer
// per framework and agent, and no other while one is outstanding. The
// master checks them (allocguard), sends them as INVERSE_OFFERS, records
// the framework's answer (ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS)
// as an InverseOfferStatus shown by the maintenance status, and tells the
// allocator, which holds the next inverse offer back for the answer's
// refuse_seconds. An inverse offer that no longer applies (the schedule
// changed, the agent left or was deactivated, the framework left, the
// offer timed out) is rescinded with RESCIND_INVERSE_OFFER.

// inverseOffer is an outstanding inverse offer. Its resources are empty:
// the whole agent is going away.
type inverseOffer struct {
	id             string
	fw             *framework
	agent          *agent
	unavailability *mesospb.Unavailability
	timer          *time.Timer
}

// makeInverseOffers sends the inverse offers of one cycle that the guard
// accepted, one INVERSE_OFFERS event per framework. Those that no longer
// apply (the framework went away or is disconnected, the agent is
// inactive or its unavailability was lifted since) are dropped, and the
// allocator is told they were not answered so that it may make new ones.
func (m *Master) makeInverseOffers(ios []*allocator.InverseOfferAllocation) {
	byFramework := map[*framework][]*mesospb.InverseOffer{}
	var order []*framework
	for _, alloc := range ios {
		fw, a := m.frameworks[alloc.GetFrameworkId()], m.agents[alloc.GetAgentId()]
		u := m.unavailabilityOf(a)
		if fw == nil || a == nil || !fw.active || !fw.connected() || !a.active || u == nil {
			m.log.Info("dropping an inverse offer that no longer applies", "framework", alloc.GetFrameworkId(), "agent", alloc.GetAgentId())
			m.inverseOfferUnanswered(alloc.GetAgentId(), alloc.GetFrameworkId())
			continue
		}
		if alloc.GetUnavailability() != nil {
			u = proto.CloneOf(alloc.GetUnavailability())
		}
		io := &inverseOffer{id: m.newOfferID(), fw: fw, agent: a, unavailability: u}
		m.inverseOffers[io.id] = io
		if m.cfg.OfferTimeout > 0 {
			io.timer = m.afterFunc(m.cfg.OfferTimeout, func() {
				if m.inverseOffers[io.id] == io {
					m.log.Info("inverse offer timed out", "inverse_offer", io.id, "framework", fw.id)
					m.rescindInverseOffer(io)
				}
			})
		}
		if byFramework[fw] == nil {
			order = append(order, fw)
		}
		byFramework[fw] = append(byFramework[fw], m.inverseOfferProto(io))
	}
	for _, fw := range order {
		ios := byFramework[fw]
		m.log.Info("sending inverse offers", "framework", fw.id, "count", len(ios))
		fw.send(&schedulerpb.Event{
			Type:          schedulerpb.Event_INVERSE_OFFERS.Enum(),
			InverseOffers: &schedulerpb.Event_InverseOffers{InverseOffers: ios},
		})
	}
}

// inverseOfferProto renders an inverse offer as Mesos does: no resources
// (the whole agent), the agent's URL and the unavailability.
func (m *Master) inverseOfferProto(io *inverseOffer) *mesospb.InverseOffer {
	p := &mesospb.InverseOffer{
		Id:             &mesospb.OfferID{Value: proto.String(io.id)},
		FrameworkId:    frameworkIDProto(io.fw.id),
		AgentId:        agentIDProto(io.agent.id),
		Unavailability: proto.CloneOf(io.unavailability),
	}
	if addr := io.agent.address; addr != nil {
		p.Url = &mesospb.URL{Scheme: proto.String("http"), Address: addr, Path: proto.String("/slave(1)")}
	}
	return p
}

// inverseOfferUnanswered tells the allocator that an inverse offer it
// made is gone without an answer (dropped, rescinded or timed out).
func (m *Master) inverseOfferUnanswered(agentID, frameworkID string) {
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_InverseOfferUpdated{InverseOfferUpdated: &allocator.InverseOfferUpdated{
		AgentId: agentID, FrameworkId: frameworkID,
	}}})
}

// removeInverseOffer forgets an inverse offer, telling its framework when
// rescind is set.
func (m *Master) removeInverseOffer(io *inverseOffer, rescind bool) {
	if io.timer != nil {
		io.timer.Stop()
	}
	delete(m.inverseOffers, io.id)
	if rescind {
		io.fw.send(&schedulerpb.Event{
			Type:                schedulerpb.Event_RESCIND_INVERSE_OFFER.Enum(),
			RescindInverseOffer: &schedulerpb.Event_RescindInverseOffer{InverseOfferId: &mesospb.OfferID{Value: proto.String(io.id)}},
		})
	}
}

// rescindInverseOffer withdraws an inverse offer that no longer applies.
func (m *Master) rescindInverseOffer(io *inverseOffer) {
	m.inverseOfferUnanswered(io.agent.id, io.fw.id)
	m.removeInverseOffer(io, true)
}

// rescindInverseOffersWhere rescinds, in id order, the inverse offers
// match selects.
func (m *Master) rescindInverseOffersWhere(match func(*inverseOffer) bool) {
	for _, id := range sortedKeys(m.inverseOffers) {
		if io := m.inverseOffers[id]; match(io) {
			m.rescindInverseOffer(io)
		}
	}
}

// answerInverseOffers is ACCEPT_INVERSE_OFFERS (accept) and
// DECLINE_INVERSE_OFFERS: each valid inverse offer of the framework is
// answered, its status recorded for the maintenance status and the answer
// (with the call's filters, Mesos's default refusal when none) given to
// the allocator. Ids that are not the framework's outstanding inverse
// offers are logged and skipped, as Mesos does.
func (m *Master) answerInverseOffers(fw *framework, ids []*mesospb.OfferID, filters *mesospb.Filters, accept bool) {
	call := "DECLINE_INVERSE_OFFERS"
	status := allocatorpb.InverseOfferStatus_DECLINE
	if accept {
		call, status = "ACCEPT_INVERSE_OFFERS", allocatorpb.InverseOfferStatus_ACCEPT
	}
	if len(ids) == 0 {
		m.log.Warn(call+" call used invalid offers", "framework", fw.id, "error", "No inverse offers specified")
		return
	}
	for _, id := range ids {
		io := m.inverseOffers[id.GetValue()]
		switch {
		case io == nil:
			m.log.Warn("ignoring an answer to an inverse offer that is no longer valid", "call", call, "framework", fw.id, "inverse_offer", id.GetValue())
			continue
		case io.fw != fw:
			m.log.Warn("ignoring an answer to an inverse offer of another framework", "call", call, "framework", fw.id, "inverse_offer", id.GetValue())
			continue
		}
		byFramework := m.inverseOfferStatuses[io.agent.id]
		if byFramework == nil {
			byFramework = map[string]*allocatorpb.InverseOfferStatus{}
			m.inverseOfferStatuses[io.agent.id] = byFramework
		}
		byFramework[fw.id] = &allocatorpb.InverseOfferStatus{
			Status:      status.Enum(),
			FrameworkId: frameworkIDProto(fw.id),
			Timestamp:   timeInfo(m.cfg.Now()),
		}
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_InverseOfferUpdated{InverseOfferUpdated: &allocator.InverseOfferUpdated{
			AgentId: io.agent.id, FrameworkId: fw.id, Accepted: accept, Answered: true, Filters: withDefaultRefusal(filters),
		}}})
		m.removeInverseOffer(io, false)
		m.log.Info("inverse offer answered", "call", call, "framework", fw.id, "agent", io.agent.id, "inverse_offer", io.id)
	}
}

// agentInverseOfferStatuses are the recorded answers for an agent's
// inverse offers, by framework id.
func (m *Master) agentInverseOfferStatuses(a *agent) []*allocatorpb.InverseOfferStatus {
	byFramework := m.inverseOfferStatuses[a.id]
	out := make([]*allocatorpb.InverseOfferStatus, 0, len(byFramework))
	for _, id := range sortedKeys(byFramework) {
		out = append(out, proto.CloneOf(byFramework[id]))
	}
	return out
}

// frameworkInverseOffers are a framework's outstanding inverse offers, in
// id order (for GET_FRAMEWORKS and GET_STATE).
func (m *Master) frameworkInverseOffers(fw *framework) []*mesospb.InverseOffer {
	var out []*mesospb.InverseOffer
	for _, id := range sortedKeys(m.inverseOffers) {
		if io := m.inverseOffers[id]; io.fw == fw {
			out = append(out, m.inverseOfferProto(io))
		}
	}
	return out
}

// agentsOnMachine are the registered agents of a machine, in id order.
func (m *Master) agentsOnMachine(key string) []*agent {
	var out []*agent
	for _, id := range sortedKeys(m.agents) {
		if a := m.agents[id]; machineKey(a.machine()) == key {
			out = append(out, a)
		}
	}
	return slices.Clip(out)
}
