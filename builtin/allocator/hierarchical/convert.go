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
		protos[i] = append(protos[i], withoutAllocation(p))
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
		stripped[i] = withoutAllocation(p)
	}
	return resources.FromProtos(stripped)
}

// withoutAllocation returns p itself if it has no allocation info,
// otherwise a shallow copy without it (sub-messages are shared and never
// modified; FromProtos copies what it keeps).
func withoutAllocation(p *mesospb.Resource) *mesospb.Resource {
	if p == nil || p.AllocationInfo == nil {
		return p
	}
	q := &mesospb.Resource{
		ProviderId:   p.ProviderId,
		Name:         p.Name,
		Type:         p.Type,
		Scalar:       p.Scalar,
		Ranges:       p.Ranges,
		Set:          p.Set,
		Role:         p.Role,
		Reservation:  p.Reservation,
		Reservations: p.Reservations,
		Disk:         p.Disk,
		Revocable:    p.Revocable,
		Shared:       p.Shared,
	}
	if u := p.ProtoReflect().GetUnknown(); len(u) > 0 {
		q.ProtoReflect().SetUnknown(slices.Clone(u))
	}
	return q
}
