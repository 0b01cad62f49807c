package hierarchical

import (
	"github.com/gomesos/mesos/core/resources"
)

// holdFor records that framework fwID holds res (unallocated form) on a in
// role, taking it out of a's free resources, and charges it to the sorters
// and to quota consumption if the framework is known. Resources of unknown
// frameworks only count on the agent until the framework is added.
func (h *HierarchicalDRF) holdFor(a *agent, fwID, role string, res resources.Resources, hint *holdHint) {
	if res.IsEmpty() {
		return
	}
	created, grow := a.hold(fwID, role, res, hint)
	f := h.frameworks[fwID]
	if f == nil {
		set := h.orphans[fwID]
		if set == nil {
			set = map[*agent]struct{}{}
			h.orphans[fwID] = set
		}
		set[a] = struct{}{}
		return
	}
	fr := h.trackRole(f, role)
	if created {
		fr.entries++
		f.agents[a]++
	}
	headroom := resources.Quantities{}
	if hint != nil {
		headroom = hint.headroom
	} else {
		headroom = headroomQuantities(res)
	}
	h.charge(fr, grow, headroom)
}

// releaseFrom returns res (unallocated form) held by fwID in role on a to
// the free resources, as far as the entry holds it, and returns what was
// released.
func (h *HierarchicalDRF) releaseFrom(a *agent, fwID, role string, res resources.Resources) resources.Resources {
	i := a.entry(fwID, role)
	if i < 0 {
		return resources.Resources{}
	}
	released, shrink := a.release(i, res)
	removed := a.entry(fwID, role) < 0
	f := h.frameworks[fwID]
	if f == nil {
		if removed && !h.holdsAny(a, fwID) {
			h.dropOrphan(fwID, a)
		}
		return released
	}
	fr := f.byRole[role]
	if fr == nil {
		return released
	}
	h.refund(fr, shrink, headroomQuantities(released))
	if removed {
		fr.entries--
		if f.agents[a]--; f.agents[a] <= 0 {
			delete(f.agents, a)
		}
		h.untrackIfIdle(fr)
	}
	return released
}

func (h *HierarchicalDRF) holdsAny(a *agent, fwID string) bool {
	for i := range a.allocs {
		if a.allocs[i].fw == fwID {
			return true
		}
	}
	return false
}

func (h *HierarchicalDRF) dropOrphan(fwID string, a *agent) {
	if set := h.orphans[fwID]; set != nil {
		delete(set, a)
		if len(set) == 0 {
			delete(h.orphans, fwID)
		}
	}
}

// charge adds an allocation to the sorters (role and framework) and to
// the quota consumption of the role and its ancestors.
func (h *HierarchicalDRF) charge(fr *frameworkRole, q, headroom resources.Quantities) {
	sortAdd(&h.st, fr.role.self, q)
	sortAdd(&h.st, fr.leaf, q)
	if !headroom.IsEmpty() {
		fr.role.ancestorsAndSelf(func(r *role) { r.consumed.AddInPlace(headroom) })
		h.headroomAlloc.AddInPlace(headroom)
	}
}

// refund undoes charge.
func (h *HierarchicalDRF) refund(fr *frameworkRole, q, headroom resources.Quantities) {
	sortSub(&h.st, fr.role.self, q)
	sortSub(&h.st, fr.leaf, q)
	if !headroom.IsEmpty() {
		fr.role.ancestorsAndSelf(func(r *role) { r.consumed.SubtractInPlace(headroom) })
		h.headroomAlloc.SubtractInPlace(headroom)
	}
}

// trackRole returns f's client in role's framework sorter, creating it
// (and the role) if needed.
func (h *HierarchicalDRF) trackRole(f *framework, roleName string) *frameworkRole {
	if fr := f.byRole[roleName]; fr != nil {
		return fr
	}
	r := h.roles.ensure(roleName)
	r.frameworks++
	fr := &frameworkRole{fw: f, role: r}
	fr.leaf = h.roles.fwNodes.newNode(f.id, r.fwRoot, true, fr)
	f.byRole[roleName] = fr
	h.updateWant(fr)
	return fr
}

// updateWant makes fr's leaf live exactly when the framework should be
// offered resources in that role: it is active, subscribed to the role and
// has not suppressed it.
func (h *HierarchicalDRF) updateWant(fr *frameworkRole) {
	f, r := fr.fw, fr.role
	want := f.active && f.subscribed(r.name) && !f.suppressed[r.name]
	if fr.leaf.want == want {
		return
	}
	fr.leaf.want = want
	if want {
		h.changed(fr)
	}
	setLive(&h.st, fr.leaf)
	r.self.want = len(r.fwRoot.live) > 0
	setLive(&h.st, r.self)
}

// untrackIfIdle stops tracking f under a role it neither subscribes to nor
// holds resources in.
func (h *HierarchicalDRF) untrackIfIdle(fr *frameworkRole) {
	f, r := fr.fw, fr.role
	if f.subscribed(r.name) || fr.entries > 0 {
		return
	}
	h.untrack(fr)
}

// untrack removes fr from its role's sorter, whatever it holds.
func (h *HierarchicalDRF) untrack(fr *frameworkRole) {
	f, r := fr.fw, fr.role
	fr.leaf.want = false
	setLive(&h.st, fr.leaf)
	r.self.want = len(r.fwRoot.live) > 0
	setLive(&h.st, r.self)
	h.roles.fwNodes.dispose(fr.leaf)
	delete(f.byRole, r.name)
	r.frameworks--
	h.roles.tryRemove(r)
}
