package hierarchical

import (
	"slices"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// maintenance is an agent's scheduled unavailability and the inverse
// offers made for it, as in Mesos: a framework that holds resources on
// the agent gets one inverse offer, and no other while it is outstanding;
// an answered inverse offer may carry a filter that holds back the next
// one for refuse_seconds.
type maintenance struct {
	unavailability *mesospb.Unavailability
	outstanding    map[string]bool  // frameworks with an unanswered inverse offer
	filters        map[string]int64 // framework -> filter expiry (ns since epoch)
}

func newMaintenance(u *mesospb.Unavailability) *maintenance {
	return &maintenance{
		unavailability: proto.Clone(u).(*mesospb.Unavailability),
		outstanding:    map[string]bool{},
		filters:        map[string]int64{},
	}
}

func (h *HierarchicalDRF) updateUnavailability(e *allocator.UnavailabilityUpdated) error {
	a := h.agents[e.GetAgentId()]
	if a == nil {
		return errSkip
	}
	// A new schedule resets the inverse offers and their filters, so that
	// frameworks reconsider.
	a.maintenance = nil
	delete(h.maintained, a)
	if e.GetUnavailability() != nil {
		a.maintenance = newMaintenance(e.GetUnavailability())
		h.maintained[a] = struct{}{}
	}
	return nil
}

func (h *HierarchicalDRF) updateInverseOffer(e *allocator.InverseOfferUpdated) error {
	a := h.agents[e.GetAgentId()]
	f := h.frameworks[e.GetFrameworkId()]
	if a == nil || f == nil || a.maintenance == nil {
		return errSkip
	}
	m := a.maintenance
	// Answered or not, the inverse offer is no longer outstanding, and a
	// new one may be made (unless filtered).
	delete(m.outstanding, f.id)
	if e.GetFilters() == nil {
		return nil
	}
	if d := refuseDuration(e.GetFilters()); d > 0 {
		m.filters[f.id] = satAddNanos(h.now, d)
	}
	return nil
}

// clearInverseFilters drops the inverse offer filters of a framework (on
// revive and deactivation, as Mesos does).
func (h *HierarchicalDRF) clearInverseFilters(f *framework) {
	for a := range h.maintained {
		delete(a.maintenance.filters, f.id)
	}
}

// forgetInverseOffers drops everything about a removed framework.
func (h *HierarchicalDRF) forgetInverseOffers(f *framework) {
	for a := range h.maintained {
		delete(a.maintenance.filters, f.id)
		delete(a.maintenance.outstanding, f.id)
	}
}

// inverseOffers makes the cycle's inverse offers: for every active agent
// under maintenance, one to each active framework holding resources there
// that has none outstanding and has not filtered them (the master makes no
// inverse offers for inactive agents, as no offers). Agents are taken in
// order of id so that the response is deterministic.
func (h *HierarchicalDRF) inverseOffers() {
	if len(h.maintained) == 0 {
		return
	}
	agents := make([]*agent, 0, len(h.maintained))
	for a := range h.maintained {
		agents = append(agents, a)
	}
	slices.SortFunc(agents, func(x, y *agent) int { return strings.Compare(x.id, y.id) })
	for _, a := range agents {
		if !a.active {
			continue
		}
		m := a.maintenance
		var done []string
		for i := range a.allocs {
			id := a.allocs[i].fw
			f := h.frameworks[id]
			if f == nil || !f.active || m.outstanding[id] || slices.Contains(done, id) {
				continue
			}
			if exp, ok := m.filters[id]; ok {
				if exp > h.now {
					continue
				}
				delete(m.filters, id)
			}
			done = append(done, id)
			m.outstanding[id] = true
			h.resp.InverseOffers = append(h.resp.InverseOffers, &allocator.InverseOfferAllocation{
				FrameworkId:    id,
				AgentId:        a.id,
				Unavailability: proto.Clone(m.unavailability).(*mesospb.Unavailability),
			})
			h.stats.InverseOffers++
		}
	}
}
