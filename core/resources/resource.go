package resources

import (
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

// Resource is one entry of a Resources: a resource's metadata and its value
// (a fixed-point scalar, normalized ranges or a set) and, for shared
// resources, the number of copies held. It is a read-only value.
type Resource struct {
	m      *meta
	scalar Scalar
	ranges Ranges
	set    []string
	count  int // copies of a shared resource; unused otherwise
}

// newResource converts a proto, which must be valid, into an entry. The
// proto is not modified.
func newResource(p *mesospb.Resource) Resource {
	q, err := convert(p, PostRefinement)
	if err != nil {
		// Unreachable for valid input: only refined stacks fail to convert,
		// and only to the pre-refinement format.
		panic("resources: " + err.Error())
	}
	r := Resource{}
	switch q.GetType() {
	case mesospb.Value_SCALAR:
		r.scalar = ScalarFromFloat(q.GetScalar().GetValue())
	case mesospb.Value_RANGES:
		r.ranges = NormalizeRanges(rangesFromProto(q.Ranges))
	case mesospb.Value_SET:
		r.set = slices.Clone(q.GetSet().GetItem())
	}
	r.m = newMeta(q)
	if r.m.shared {
		r.count = 1
	}
	return r
}

// Name is the resource name ("cpus", "mem", "ports", ...).
func (r Resource) Name() string { return r.m.name }

// Type is the value type: SCALAR, RANGES or SET.
func (r Resource) Type() mesospb.Value_Type { return r.m.typ }

// Scalar is the value of a SCALAR resource.
func (r Resource) Scalar() Scalar { return r.scalar }

// Ranges is the value of a RANGES resource (read-only).
func (r Resource) Ranges() Ranges { return r.ranges }

// Set is a copy of the items of a SET resource.
func (r Resource) Set() []string { return slices.Clone(r.set) }

// SharedCount is the number of copies held of a shared resource, 0 for a
// resource that is not shared.
func (r Resource) SharedCount() int { return r.count }

// IsShared reports whether the resource is shared (a shared persistent
// volume).
func (r Resource) IsShared() bool { return r.m.shared }

// IsRevocable reports whether the resource is revocable.
func (r Resource) IsRevocable() bool { return r.m.revocable }

// IsPersistentVolume reports whether the resource is a persistent volume.
func (r Resource) IsPersistentVolume() bool { return r.m.persistent }

// IsDisk reports whether the resource is a disk whose source is of type t.
func (r Resource) IsDisk(t mesospb.Resource_DiskInfo_Source_Type) bool {
	s := r.m.tmpl.GetDisk().GetSource()
	return s != nil && s.GetType() == t
}

// IsReserved reports whether the resource has at least one reservation.
func (r Resource) IsReserved() bool { return r.m.nres > 0 }

// IsUnreserved reports whether the resource has no reservation.
func (r Resource) IsUnreserved() bool { return r.m.nres == 0 }

// IsReservedTo reports whether the resource is reserved and its reservation
// role (the top of the stack) is role.
func (r Resource) IsReservedTo(role string) bool { return r.m.nres > 0 && r.m.role == role }

// IsDynamicallyReserved reports whether the top reservation is DYNAMIC.
func (r Resource) IsDynamicallyReserved() bool { return r.m.dynamic }

// HasRefinedReservations reports whether more than one reservation is
// stacked on the resource.
func (r Resource) HasRefinedReservations() bool { return r.m.nres > 1 }

// ReservationRole is the role of the top reservation, "" if unreserved.
func (r Resource) ReservationRole() string { return r.m.role }

// Reservations returns a copy of the reservation stack, bottom first.
func (r Resource) Reservations() []*mesospb.Resource_ReservationInfo {
	out := make([]*mesospb.Resource_ReservationInfo, len(r.m.tmpl.Reservations))
	for i, x := range r.m.tmpl.Reservations {
		out[i] = proto.Clone(x).(*mesospb.Resource_ReservationInfo)
	}
	return out
}

// IsAllocatableTo reports whether the resource may be allocated to role:
// it is unreserved, reserved to role, or reserved to an ancestor of role.
func (r Resource) IsAllocatableTo(role string) bool {
	return r.m.nres == 0 || role == r.m.role || IsStrictSubrole(role, r.m.role)
}

// IsReservedToRoleSubtree reports whether the resource is reserved to role
// or to one of its descendants.
func (r Resource) IsReservedToRoleSubtree(role string) bool {
	return r.m.nres > 0 && (r.m.role == role || IsStrictSubrole(r.m.role, role))
}

// IsAllocatedToRoleSubtree reports whether the resource is allocated to
// role or to one of its descendants.
func (r Resource) IsAllocatedToRoleSubtree(role string) bool {
	return r.m.allocRole == role || IsStrictSubrole(r.m.allocRole, role)
}

// AllocationRole is the role in the resource's allocation info, and whether
// it has allocation info at all.
func (r Resource) AllocationRole() (string, bool) { return r.m.allocRole, r.m.allocated }

// HasProvider reports whether the resource comes from a resource provider.
func (r Resource) HasProvider() bool { return r.m.provider }

// ProviderID is the resource provider id, "" if none.
func (r Resource) ProviderID() string { return r.m.tmpl.GetProviderId().GetValue() }

// Proto returns the resource as a new post-refinement proto message.
func (r Resource) Proto() *mesospb.Resource {
	p := proto.Clone(r.m.tmpl).(*mesospb.Resource)
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		p.Scalar = &mesospb.Value_Scalar{Value: proto.Float64(r.scalar.Float())}
	case mesospb.Value_RANGES:
		p.Ranges = r.ranges.Proto()
	case mesospb.Value_SET:
		p.Set = &mesospb.Value_Set{Item: slices.Clone(r.set)}
	}
	return p
}

// isEmpty reports whether the entry holds nothing: a zero scalar, no range,
// no set item, or no copy of a shared resource.
func (r *Resource) isEmpty() bool {
	if r.m.shared && r.count == 0 {
		return true
	}
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		return r.scalar == 0
	case mesospb.Value_RANGES:
		return len(r.ranges) == 0
	case mesospb.Value_SET:
		return len(r.set) == 0
	}
	return true
}

// equal is Mesos's equality of two entries: same metadata, same value, and
// for shared resources the same number of copies.
func (r *Resource) equal(o *Resource) bool {
	return r.m.shared == o.m.shared && (!r.m.shared || r.count == o.count) && r.equalIgnoringCount(o)
}

// equalIgnoringCount compares metadata and value.
func (r *Resource) equalIgnoringCount(o *Resource) bool {
	if !sameMeta(r.m, o.m) {
		return false
	}
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		return r.scalar == o.scalar
	case mesospb.Value_RANGES:
		return r.ranges.Equal(o.ranges)
	case mesospb.Value_SET:
		return setEqual(r.set, o.set)
	}
	return false
}

// addable reports whether o can be merged into r as a single entry.
func (r *Resource) addable(o *Resource) bool {
	if !sameMeta(r.m, o.m) {
		return false
	}
	if r.m.shared {
		return r.equalIgnoringCount(o)
	}
	return !r.m.noMerge
}

// subtractable reports whether o can be taken out of r.
func (r *Resource) subtractable(o *Resource) bool {
	if !sameMeta(r.m, o.m) {
		return false
	}
	if r.m.shared || r.m.noMerge {
		return r.equalIgnoringCount(o)
	}
	return true
}

// contains reports whether o is contained in r.
func (r *Resource) contains(o *Resource) bool {
	if r.m.shared {
		return sameMeta(r.m, o.m) && r.count >= o.count && r.equalIgnoringCount(o)
	}
	if !r.subtractable(o) {
		return false
	}
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		return o.scalar <= r.scalar
	case mesospb.Value_RANGES:
		return r.ranges.Contains(o.ranges)
	case mesospb.Value_SET:
		return setContains(r.set, o.set)
	}
	return false
}

// plus merges o into r, which must be an entry the caller owns (its
// ranges and set are replaced, never modified); the caller has checked
// addable.
func (r *Resource) plus(o *Resource) {
	if r.m.shared {
		r.count += o.count
		return
	}
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		r.scalar = r.scalar.Add(o.scalar)
	case mesospb.Value_RANGES:
		r.ranges = r.ranges.Add(o.ranges)
	case mesospb.Value_SET:
		r.set = setAdd(r.set, o.set)
	}
}

// minus takes o out of r, which must be an entry the caller owns, and
// reports whether anything is left (false when the result is empty or
// negative); the caller has checked subtractable.
func (r *Resource) minus(o *Resource) bool {
	if r.m.shared {
		r.count -= o.count
		return r.count > 0
	}
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		r.scalar = r.scalar.Sub(o.scalar)
		return r.scalar > 0
	case mesospb.Value_RANGES:
		r.ranges = r.ranges.Subtract(o.ranges)
		return len(r.ranges) > 0
	case mesospb.Value_SET:
		r.set = setSubtract(r.set, o.set)
		return len(r.set) > 0
	}
	return false
}

// withMeta returns r carrying different metadata.
func (r Resource) withMeta(m *meta) Resource {
	r.m = m
	if m.shared && r.count == 0 {
		r.count = 1
	} else if !m.shared {
		r.count = 0
	}
	return r
}
