package hierarchical

import (
	"fmt"
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

func (h *HierarchicalDRF) addFramework(e *allocator.FrameworkAdded) error {
	id := e.GetFrameworkId()
	if id == "" {
		return fmt.Errorf("framework added without id: %w", errSkip)
	}
	type agentUse struct {
		a      *agent
		groups []roleGroup
	}
	var used []agentUse
	for _, u := range e.GetUsed() {
		a := h.agents[u.GetAgentId()]
		if a == nil {
			// As in Mesos: the agent will report it when it comes back.
			continue
		}
		groups, err := splitByRole(u.GetResources())
		if err != nil {
			return fmt.Errorf("framework %s on agent %s: %w", id, a.id, err)
		}
		used = append(used, agentUse{a, groups})
	}
	if f := h.frameworks[id]; f != nil {
		// Added twice: take the second as an update.
		h.updateFramework(f, e.GetInfo(), e.GetSuppressedRoles())
		h.setActive(f, e.GetActive())
		return nil
	}
	caps := capabilitiesOf(e.GetInfo())
	f := &framework{
		id:         id,
		active:     e.GetActive(),
		caps:       caps,
		roles:      rolesOf(e.GetInfo(), caps),
		suppressed: map[string]bool{},
		minAlloc:   minAllocatableOf(e.GetInfo()),
		byRole:     map[string]*frameworkRole{},
		agents:     map[*agent]int{},
	}
	for _, r := range e.GetSuppressedRoles() {
		f.suppressed[r] = true
	}
	h.frameworks[id] = f
	for _, r := range f.roles {
		h.trackRole(f, r)
	}
	h.adoptOrphans(f)
	// What the framework reports using is already counted on agents that
	// reported it too; anything else is taken from the agent's free
	// resources now.
	for _, u := range used {
		for _, g := range u.groups {
			role := h.resolveRole(id, g.role)
			if u.a.entry(id, role) >= 0 {
				continue
			}
			h.holdFor(u.a, id, role, g.resources, nil)
		}
	}
	return nil
}

// adoptOrphans charges a newly known framework with what agents reported
// it holding before it was added.
func (h *HierarchicalDRF) adoptOrphans(f *framework) {
	set := h.orphans[f.id]
	delete(h.orphans, f.id)
	for a := range set {
		for i := range a.allocs {
			e := &a.allocs[i]
			if e.fw != f.id {
				continue
			}
			if e.role == "" {
				e.role = h.resolveRole(f.id, "")
			}
			fr := h.trackRole(f, e.role)
			fr.entries++
			f.agents[a]++
			h.charge(fr, e.q, headroomQuantities(e.res()))
		}
	}
}

func (h *HierarchicalDRF) updateFrameworkEvent(e *allocator.FrameworkUpdated) error {
	f := h.frameworks[e.GetFrameworkId()]
	if f == nil {
		return errSkip
	}
	h.updateFramework(f, e.GetInfo(), e.GetSuppressedRoles())
	return nil
}

// updateFramework applies a new FrameworkInfo and set of suppressed roles
// the way Mesos does: roles added are tracked, roles dropped lose their
// filters and suppression (the framework stays tracked there while it
// holds resources), newly suppressed roles are suppressed and roles no
// longer suppressed are revived (which clears their filters).
func (h *HierarchicalDRF) updateFramework(f *framework, info *mesospb.FrameworkInfo, suppressedRoles []string) {
	caps := capabilitiesOf(info)
	newRoles := rolesOf(info, caps)
	oldRoles := f.roles
	f.roles = newRoles
	f.caps = caps
	f.minAlloc = minAllocatableOf(info)
	for _, fr := range f.byRole {
		h.changed(fr) // what the framework accepts may have changed
	}
	var dropped []string
	for _, r := range oldRoles {
		if !f.subscribed(r) {
			dropped = append(dropped, r)
			delete(f.suppressed, r)
		}
	}
	if len(dropped) > 0 {
		h.clearFilters(f, dropped)
	}
	for _, r := range newRoles {
		h.updateWant(h.trackRole(f, r))
	}
	for _, r := range dropped {
		if fr := f.byRole[r]; fr != nil {
			h.updateWant(fr)
			h.untrackIfIdle(fr)
		}
	}
	want := map[string]bool{}
	for _, r := range suppressedRoles {
		want[r] = true
	}
	var revived []string
	for r := range f.suppressed {
		if !want[r] && f.subscribed(r) {
			revived = append(revived, r)
		}
	}
	var suppressed []string
	for r := range want {
		if !f.suppressed[r] {
			suppressed = append(suppressed, r)
		}
	}
	h.suppressRoles(f, suppressed)
	h.reviveRoles(f, revived)
}

func (h *HierarchicalDRF) removeFramework(e *allocator.FrameworkRemoved) error {
	f := h.frameworks[e.GetFrameworkId()]
	if f == nil {
		return errSkip
	}
	agents := make([]*agent, 0, len(f.agents))
	for a := range f.agents {
		agents = append(agents, a)
	}
	for _, a := range agents {
		for i := len(a.allocs) - 1; i >= 0; i-- {
			if i < len(a.allocs) && a.allocs[i].fw == f.id {
				e := a.allocs[i]
				h.releaseFrom(a, e.fw, e.role, e.res())
			}
		}
	}
	for _, fr := range f.byRole {
		h.untrack(fr)
	}
	h.forgetInverseOffers(f)
	delete(h.frameworks, f.id)
	return nil
}

func (h *HierarchicalDRF) activateFramework(e *allocator.FrameworkActivation) error {
	f := h.frameworks[e.GetFrameworkId()]
	if f == nil {
		return errSkip
	}
	h.setActive(f, e.GetActive())
	return nil
}

// setActive activates or deactivates a framework. A deactivated framework
// keeps what it holds but loses its filters, as in Mesos.
func (h *HierarchicalDRF) setActive(f *framework, active bool) {
	f.active = active
	if !active {
		h.clearAllFilters(f)
		h.clearInverseFilters(f)
	}
	for _, fr := range f.byRole {
		h.updateWant(fr)
	}
}

func (h *HierarchicalDRF) suppress(e *allocator.OffersSuppressed) error {
	f := h.frameworks[e.GetFrameworkId()]
	if f == nil {
		return errSkip
	}
	h.suppressRoles(f, e.GetRoles())
	return nil
}

func (h *HierarchicalDRF) revive(e *allocator.OffersRevived) error {
	f := h.frameworks[e.GetFrameworkId()]
	if f == nil {
		return errSkip
	}
	roles := e.GetRoles()
	if len(roles) == 0 {
		roles = f.roles
	}
	h.reviveRoles(f, roles)
	return nil
}

// suppressRoles stops offers to f in the given (subscribed) roles.
func (h *HierarchicalDRF) suppressRoles(f *framework, roles []string) {
	for _, r := range roles {
		if !f.subscribed(r) {
			continue
		}
		f.suppressed[r] = true
		if fr := f.byRole[r]; fr != nil {
			h.updateWant(fr)
		}
	}
}

// reviveRoles resumes offers to f in the given (subscribed) roles and
// clears its filters for them and its inverse offer filters.
func (h *HierarchicalDRF) reviveRoles(f *framework, roles []string) {
	roles = slices.DeleteFunc(slices.Clone(roles), func(r string) bool { return !f.subscribed(r) })
	h.clearInverseFilters(f)
	if len(roles) == 0 {
		return
	}
	h.clearFilters(f, roles)
	for _, r := range roles {
		delete(f.suppressed, r)
		if fr := f.byRole[r]; fr != nil {
			h.updateWant(fr)
		}
	}
}
