package resources

// Filter returns the entries for which keep returns true.
func (r Resources) Filter(keep func(Resource) bool) Resources {
	for i, it := range r.items {
		if keep(it) {
			continue
		}
		// First entry dropped: copy the kept prefix, filter the rest.
		var items []Resource
		for _, rest := range r.items[i+1:] {
			if keep(rest) {
				if items == nil {
					items = make([]Resource, i, len(r.items)-1)
					copy(items, r.items[:i])
				}
				items = append(items, rest)
			}
		}
		if items == nil && i > 0 {
			items = r.items[:i:i]
		}
		return Resources{items}
	}
	return r
}

// Reserved returns the entries with at least one reservation.
func (r Resources) Reserved() Resources { return r.Filter(Resource.IsReserved) }

// ReservedTo returns the entries whose reservation role (the top of the
// reservation stack) is role.
func (r Resources) ReservedTo(role string) Resources {
	return r.Filter(func(x Resource) bool { return x.IsReservedTo(role) })
}

// Unreserved returns the entries without reservations.
func (r Resources) Unreserved() Resources { return r.Filter(Resource.IsUnreserved) }

// AllocatableTo returns the entries that may be allocated to role:
// unreserved ones and those reserved to role or to one of its ancestors
// (resources reserved to "eng" are allocatable to "eng/frontend").
func (r Resources) AllocatableTo(role string) Resources {
	return r.Filter(func(x Resource) bool { return x.IsAllocatableTo(role) })
}

// ReservedToRoleSubtree returns the entries reserved to role or to one of
// its descendants.
func (r Resources) ReservedToRoleSubtree(role string) Resources {
	return r.Filter(func(x Resource) bool { return x.IsReservedToRoleSubtree(role) })
}

// AllocatedToRoleSubtree returns the entries allocated to role or to one of
// its descendants.
func (r Resources) AllocatedToRoleSubtree(role string) Resources {
	return r.Filter(func(x Resource) bool { return x.IsAllocatedToRoleSubtree(role) })
}

// Revocable returns the revocable entries.
func (r Resources) Revocable() Resources { return r.Filter(Resource.IsRevocable) }

// NonRevocable returns the entries that are not revocable.
func (r Resources) NonRevocable() Resources {
	return r.Filter(func(x Resource) bool { return !x.m.revocable })
}

// PersistentVolumes returns the persistent volumes.
func (r Resources) PersistentVolumes() Resources { return r.Filter(Resource.IsPersistentVolume) }

// Shared returns the shared entries.
func (r Resources) Shared() Resources { return r.Filter(Resource.IsShared) }

// NonShared returns the entries that are not shared.
func (r Resources) NonShared() Resources {
	return r.Filter(func(x Resource) bool { return !x.m.shared })
}

// WithProvider returns the entries that come from a resource provider.
func (r Resources) WithProvider() Resources { return r.Filter(Resource.HasProvider) }

// WithoutProvider returns the entries that do not come from a resource
// provider (the agent's own resources).
func (r Resources) WithoutProvider() Resources {
	return r.Filter(func(x Resource) bool { return !x.m.provider })
}

// FromProvider returns the entries of the resource provider with id.
func (r Resources) FromProvider(id string) Resources {
	return r.Filter(func(x Resource) bool { return x.m.provider && x.ProviderID() == id })
}

// Reservations groups the reserved entries by reservation role.
func (r Resources) Reservations() map[string]Resources {
	out := map[string]Resources{}
	for _, it := range r.items {
		if it.m.nres > 0 {
			g := out[it.m.role]
			g.items = append(g.items, it)
			out[it.m.role] = g
		}
	}
	return out
}

// Allocations groups the entries by the role in their allocation info.
// Entries without allocation info are grouped under "" (Mesos requires all
// of them to be allocated here).
func (r Resources) Allocations() map[string]Resources {
	out := map[string]Resources{}
	for _, it := range r.items {
		g := out[it.m.allocRole]
		g.items = append(g.items, it)
		out[it.m.allocRole] = g
	}
	return out
}
