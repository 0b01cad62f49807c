package binpack

import (
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// framework is what the allocator knows of one framework.
type framework struct {
	id         string
	active     bool
	caps       capabilities
	roles      []string
	suppressed map[string]bool
	// minAlloc holds the framework's own minimum allocatable quantities
	// for the roles it set them for (FrameworkInfo.offer_filters).
	minAlloc map[string][]resources.Quantities
	filters  map[filterKey][]filter
}

type capabilities struct {
	multiRole, revocable, shared, refinement, gpu bool
}

func capabilitiesOf(info *mesospb.FrameworkInfo) capabilities {
	var c capabilities
	for _, x := range info.GetCapabilities() {
		switch x.GetType() {
		case mesospb.FrameworkInfo_Capability_MULTI_ROLE:
			c.multiRole = true
		case mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES:
			c.revocable = true
		case mesospb.FrameworkInfo_Capability_SHARED_RESOURCES:
			c.shared = true
		case mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT:
			c.refinement = true
		case mesospb.FrameworkInfo_Capability_GPU_RESOURCES:
			c.gpu = true
		}
	}
	return c
}

// rolesOf is FrameworkInfo.roles for MULTI_ROLE frameworks, else its role
// (default "*").
func rolesOf(info *mesospb.FrameworkInfo, c capabilities) []string {
	switch {
	case c.multiRole:
		return slices.Clone(info.GetRoles())
	case info.Role != nil:
		return []string{info.GetRole()}
	default:
		return []string{"*"}
	}
}

func minAllocatableOf(info *mesospb.FrameworkInfo) map[string][]resources.Quantities {
	out := map[string][]resources.Quantities{}
	for role, of := range info.GetOfferFilters() {
		m := of.GetMinAllocatableResources()
		if m == nil {
			continue
		}
		list := []resources.Quantities{}
		for _, q := range m.GetQuantities() {
			f := map[string]float64{}
			for name, v := range q.GetQuantities() {
				f[name] = v.GetValue()
			}
			list = append(list, resources.NewQuantities(f))
		}
		out[role] = list
	}
	return out
}

func (a *Allocator) addFramework(e *allocator.FrameworkAdded) {
	id := e.GetFrameworkId()
	if id == "" {
		return
	}
	if f := a.frameworks[id]; f != nil {
		// Added twice: take the second as an update.
		f.update(e.GetInfo(), e.GetSuppressedRoles())
		f.active = e.GetActive()
		return
	}
	f := &framework{id: id, active: e.GetActive(), suppressed: map[string]bool{}, filters: map[filterKey][]filter{}}
	f.setInfo(e.GetInfo())
	for _, r := range e.GetSuppressedRoles() {
		f.suppressed[r] = true
	}
	a.frameworks[id] = f
	// What the framework reports using is already counted on agents that
	// reported it; anything else is charged now.
	for _, u := range e.GetUsed() {
		ag := a.agents[u.GetAgentId()]
		if ag == nil || ag.holds(id) {
			continue
		}
		a.holdUsed(ag, id, u.GetResources())
	}
}

func (ag *agent) holds(fw string) bool {
	for k := range ag.held {
		if k.fw == fw {
			return true
		}
	}
	return false
}

func (f *framework) setInfo(info *mesospb.FrameworkInfo) {
	f.caps = capabilitiesOf(info)
	f.roles = rolesOf(info, f.caps)
	f.minAlloc = minAllocatableOf(info)
}

// update applies a new FrameworkInfo and set of suppressed roles: dropped
// roles lose their suppression and filters, roles no longer suppressed
// are revived.
func (f *framework) update(info *mesospb.FrameworkInfo, suppressed []string) {
	f.setInfo(info)
	now := map[string]bool{}
	for _, r := range suppressed {
		now[r] = true
	}
	for r := range f.suppressed {
		if !now[r] {
			f.clearFilters(r)
		}
	}
	for k := range f.filters {
		if !slices.Contains(f.roles, k.role) {
			delete(f.filters, k)
		}
	}
	f.suppressed = now
}

// suppress stops offers to roles (all of the framework's when empty).
func (f *framework) suppress(roles []string) {
	if len(roles) == 0 {
		roles = f.roles
	}
	for _, r := range roles {
		f.suppressed[r] = true
	}
}

// revive resumes offers to roles (all when empty) and clears their
// filters.
func (f *framework) revive(roles []string) {
	if len(roles) == 0 {
		roles = f.roles
	}
	for _, r := range roles {
		delete(f.suppressed, r)
		f.clearFilters(r)
	}
}

// removeFramework frees everything the framework holds and forgets it.
func (a *Allocator) removeFramework(id string) {
	for _, ag := range a.agents {
		for k, h := range ag.held {
			if k.fw == id {
				a.release(ag, k, h)
			}
		}
	}
	delete(a.frameworks, id)
}
