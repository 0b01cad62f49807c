package hierarchical

import (
	"fmt"
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// roleGroup is a set of resources allocated to one role.
type roleGroup struct {
	role      string // "" when the protos carried no allocation info
	resources resources.Resources
}

// splitByRole groups protos by their allocation role and converts each
// group to Resources without allocation info (the allocator's internal
// form). The input is not modified. Groups come in order of first
// appearance.
func splitByRole(ps []*mesospb.Resource) ([]roleGroup, error) {
	var roles []string
	var protos [][]*mesospb.Resource
	for _, p := range ps {
		role := ""
		if p.GetAllocationInfo() != nil {
			role = p.GetAllocationInfo().GetRole()
		}
		i := slices.Index(roles, role)
		if i < 0 {
			roles = append(roles, role)
			protos = append(protos, nil)
			i = len(roles) - 1
		}
		protos[i] = append(protos[i], resources.WithoutAllocation(p))
	}
	out := make([]roleGroup, len(roles))
	for i, role := range roles {
		r, err := resources.FromProtos(protos[i])
		if err != nil {
			return nil, fmt.Errorf("resources allocated to role %q: %w", role, err)
		}
		out[i] = roleGroup{role: role, resources: r}
	}
	return out, nil
}

// fromProtos converts protos to Resources, ignoring allocation info.
func fromProtos(ps []*mesospb.Resource) (resources.Resources, error) {
	if !slices.ContainsFunc(ps, func(p *mesospb.Resource) bool { return p.GetAllocationInfo() != nil }) {
		return resources.FromProtos(ps)
	}
	stripped := make([]*mesospb.Resource, len(ps))
	for i, p := range ps {
		stripped[i] = resources.WithoutAllocation(p)
	}
	return resources.FromProtos(stripped)
}
