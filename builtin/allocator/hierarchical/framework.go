package hierarchical

import (
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// capabilities are the FrameworkInfo capabilities the allocator acts on.
type capabilities struct {
	revocable   bool
	shared      bool
	gpu         bool
	multiRole   bool
	refinement  bool
	regionAware bool
}

func capabilitiesOf(info *mesospb.FrameworkInfo) capabilities {
	var c capabilities
	for _, x := range info.GetCapabilities() {
		switch x.GetType() {
		case mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES:
			c.revocable = true
		case mesospb.FrameworkInfo_Capability_SHARED_RESOURCES:
			c.shared = true
		case mesospb.FrameworkInfo_Capability_GPU_RESOURCES:
			c.gpu = true
		case mesospb.FrameworkInfo_Capability_MULTI_ROLE:
			c.multiRole = true
		case mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT:
			c.refinement = true
		case mesospb.FrameworkInfo_Capability_REGION_AWARE:
			c.regionAware = true
		}
	}
	return c
}

// rolesOf returns the roles a framework subscribes to: roles for MULTI_ROLE
// frameworks, otherwise role (default "*"), sorted and without duplicates.
func rolesOf(info *mesospb.FrameworkInfo, caps capabilities) []string {
	var roles []string
	if caps.multiRole {
		roles = slices.Clone(info.GetRoles())
	} else {
		roles = []string{info.GetRole()}
		if info.GetRole() == "" {
			roles[0] = "*" // the proto's default
		}
	}
	slices.Sort(roles)
	return slices.Compact(roles)
}

// minAllocatableOf unpacks FrameworkInfo.offer_filters: for each role
// whose filters carry min_allocatable_resources, the alternatives (an
// empty list means anything is allocatable).
func minAllocatableOf(info *mesospb.FrameworkInfo) map[string][]resources.Quantities {
	var out map[string][]resources.Quantities
	for role, f := range info.GetOfferFilters() {
		m := f.GetMinAllocatableResources()
		if m == nil {
			continue
		}
		if out == nil {
			out = map[string][]resources.Quantities{}
		}
		list := []resources.Quantities{}
		for _, q := range m.GetQuantities() {
			list = append(list, quantitiesOfScalars(q.GetQuantities()))
		}
		out[role] = list
	}
	return out
}

// quantitiesOfScalars converts a name-to-scalar map.
func quantitiesOfScalars(m map[string]*mesospb.Value_Scalar) resources.Quantities {
	f := make(map[string]float64, len(m))
	for k, v := range m {
		f[k] = v.GetValue()
	}
	return resources.NewQuantities(f)
}

// framework is the allocator's view of one framework.
type framework struct {
	id     string
	active bool
	caps   capabilities
	roles  []string // subscribed roles, sorted
	// suppressed roles get no offers until revived.
	suppressed map[string]bool
	minAlloc   map[string][]resources.Quantities

	// byRole holds the framework's place in each role it is tracked
	// under: every subscribed role, and any other role in which it still
	// holds resources.
	byRole map[string]*frameworkRole

	// agents counts the allocation entries the framework has per agent.
	agents map[*agent]int
}

func (f *framework) subscribed(role string) bool {
	_, ok := slices.BinarySearch(f.roles, role)
	return ok
}

// frameworkRole is a framework as a client of one role's framework sorter.
type frameworkRole struct {
	fw   *framework
	role *role
	leaf *node[*frameworkRole]
	// entries counts the agents on which the framework holds resources
	// allocated to this role.
	entries int
	// filters are the offer filters from declined offers, by agent.
	filters map[*agent][]offerFilter
}
