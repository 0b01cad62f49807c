package hierarchical

import (
	"github.com/gomesos/mesos/core/resources"
)

// cycleQuota is the quota state of one cycle.
type cycleQuota struct {
	// stage1: some role with frameworks wanting offers has unsatisfied
	// guarantees.
	stage1 bool
	// required is the unreserved non-revocable headroom that unsatisfied
	// guarantees still need: the sum, over the highest guaranteed roles,
	// of guarantees minus consumption. available is the unreserved
	// non-revocable quantity not allocated (on all agents). Only their
	// difference may go to roles beyond their guarantees.
	required  resources.Quantities
	available resources.Quantities
}

func (h *HierarchicalDRF) newCycleQuota() *cycleQuota {
	q := &cycleQuota{}
	for r := range h.roles.guaranteed {
		u := r.unsatisfied()
		if u.IsEmpty() {
			continue
		}
		if r.self.inLive {
			q.stage1 = true
		}
		if r.headroomRole() == r {
			q.required.AddInPlace(u)
		}
	}
	if !q.required.IsEmpty() {
		q.available = h.headroomTotal.Subtract(h.headroomAlloc)
	}
	return q
}

// offerToFramework offers f, in role r, what a has left for it, if f can
// and will take it.
func (h *HierarchicalDRF) offerToFramework(a *agent, fr *frameworkRole, stage int, q *cycleQuota) {
	f, r := fr.fw, fr.role
	if f.caps.multiRole && !a.multiRole {
		// As Mesos: MULTI_ROLE frameworks only get offers from agents that
		// know about allocation roles.
		return
	}
	if h.opts.filterGPU && a.hasGPU && !f.caps.gpu {
		return
	}
	offer, fast := h.offerable(a, r.name, f)
	if offer.IsEmpty() {
		return
	}
	if stage == 1 || !q.required.IsEmpty() || r.limited() {
		offer = shape(offer, r, stage, q)
		fast = false
		if offer.IsEmpty() {
			return
		}
	}
	var hint holdHint
	var all resources.Quantities
	if fast {
		hint = holdHint{whole: true, q: a.info.scalar, headroom: a.info.scalar}
		all = a.info.all
	} else {
		hint = holdHint{q: resources.ScalarQuantitiesOf(offer), headroom: headroomQuantities(offer)}
		all = resources.QuantitiesOf(offer)
	}
	if !h.allocatable(all, r.name, f) {
		return
	}
	if hit, until := fr.filtered(a, offer, h.now); hit {
		h.memoUntil = min(h.memoUntil, until)
		return
	}

	hr := r.headroomRole()
	var before resources.Quantities
	if hr != nil && !q.required.IsEmpty() {
		before = hr.unsatisfied()
	}
	if !a.shared.IsEmpty() {
		if s := offer.Shared(); !s.IsEmpty() {
			a.sharedLeft = a.sharedLeft.Subtract(s)
		}
	}
	h.holdFor(a, f.id, r.name, offer, &hint)
	if hr != nil && !q.required.IsEmpty() {
		q.required = q.required.Subtract(before.Subtract(hr.unsatisfied()))
	}
	if !q.available.IsEmpty() {
		q.available = q.available.Subtract(hint.headroom)
	}
	h.emit(f, a, r.name, offer)
	h.stats.Allocations++
}

// offerable is what a has for framework f in role: its free resources
// that role may have (unreserved ones and those reserved to role or an
// ancestor), plus the shared volumes not offered yet this cycle, less what
// f cannot take. fast reports the common case in which that is all of
// a.avail.
func (h *HierarchicalDRF) offerable(a *agent, role string, f *framework) (resources.Resources, bool) {
	if a.info.onlyHeadroom && a.sharedLeft.IsEmpty() {
		return a.avail, true
	}
	r := a.avail
	if a.info.reserved {
		r = r.AllocatableTo(role)
	}
	if f.caps.shared && !a.sharedLeft.IsEmpty() {
		r = r.Add(a.sharedLeft.AllocatableTo(role))
	}
	return r.Filter(func(x resources.Resource) bool {
		return (f.caps.revocable || !x.IsRevocable()) &&
			(f.caps.refinement || !x.HasRefinedReservations())
	}), false
}

// shape applies quota to an offer for role r: reservations, revocable and
// non-scalar resources always go; unreserved scalars go as far as they
// help r's unsatisfied guarantees, then within the quota limits of r and
// its ancestors and within the headroom the cycle can spare. In stage 1
// an offer that does not help r's guarantees is not made.
func shape(offer resources.Resources, r *role, stage int, q *cycleQuota) resources.Resources {
	fixed := offer.Filter(func(x resources.Resource) bool { return !isHeadroom(x) })
	flex := offer.Filter(isHeadroom)

	var guaranteed resources.Resources
	if unsat := r.unsatisfied(); !unsat.IsEmpty() {
		guaranteed = shrinkToQuantities(flex, unsat)
	}
	if stage == 1 && guaranteed.IsEmpty() {
		return resources.Resources{}
	}
	rest := flex
	if !guaranteed.IsEmpty() {
		rest = flex.Subtract(guaranteed)
	}
	if room := r.limitRoom(); room != nil {
		guaranteed = shrinkToLimits(guaranteed, room)
		gq := resources.ScalarQuantitiesOf(guaranteed)
		for name, v := range room {
			room[name] = max(v.Sub(gq.Get(name)), 0)
		}
		rest = shrinkToLimits(rest, room)
	}
	if !q.required.IsEmpty() && !rest.IsEmpty() {
		rest = shrinkToQuantities(rest, q.available.Subtract(q.required))
	}
	return fixed.Add(guaranteed).Add(rest)
}

// allocatable reports whether an offer of quantities all is worth making
// to f in role: it must hold at least one of the minimum allocatable
// quantities (f's own for the role if it set them, else the master's).
func (h *HierarchicalDRF) allocatable(all resources.Quantities, role string, f *framework) bool {
	if all.IsEmpty() {
		return false
	}
	list := h.opts.minAllocatable
	if m, ok := f.minAlloc[role]; ok {
		list = m
	}
	if len(list) == 0 {
		return true
	}
	for _, m := range list {
		if all.Contains(m) {
			return true
		}
	}
	return false
}
