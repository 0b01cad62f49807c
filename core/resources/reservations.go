package resources

import (
	"fmt"
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"google.golang.org/protobuf/proto"
)

// remeta rebuilds the entries whose metadata needs changing (needs returns
// true) with metadata derived by edit from a copy of the template, merging
// entries that end up addable. Entries that share metadata share the
// derived metadata too.
func (r Resources) remeta(needs func(*meta) bool, edit func(m *meta, p *mesospb.Resource) error) (Resources, error) {
	found := false
	for _, it := range r.items {
		if needs(it.m) {
			found = true
			break
		}
	}
	if !found {
		return r, nil
	}
	done := make(map[*meta]*meta, len(r.items))
	items := make([]Resource, 0, len(r.items))
	for _, it := range r.items {
		nm, seen := done[it.m]
		if !seen {
			nm = it.m
			if needs(it.m) {
				p := shallowCopy(it.m.tmpl)
				if err := edit(it.m, p); err != nil {
					return Resources{}, err
				}
				nm = newMeta(p)
			}
			done[it.m] = nm
		}
		nit := it.withMeta(nm)
		items = addItem(items, &nit)
	}
	return Resources{items}, nil
}

func always(*meta) bool { return true }

// shallowCopy returns a new Resource whose fields point at the same
// sub-messages as p (the reservations list is copied, its elements
// shared). Templates and everything they point at are never modified, so
// sharing is safe as long as edits replace fields rather than change the
// messages they point at. TestShallowCopyCoversAllFields fails if a field
// is added to Resource and not copied here.
func shallowCopy(p *mesospb.Resource) *mesospb.Resource {
	q := &mesospb.Resource{
		ProviderId:     p.ProviderId,
		Name:           p.Name,
		Type:           p.Type,
		Scalar:         p.Scalar,
		Ranges:         p.Ranges,
		Set:            p.Set,
		Role:           p.Role,
		AllocationInfo: p.AllocationInfo,
		Reservation:    p.Reservation,
		Reservations:   slices.Clone(p.Reservations),
		Disk:           p.Disk,
		Revocable:      p.Revocable,
		Shared:         p.Shared,
	}
	if u := p.ProtoReflect().GetUnknown(); len(u) > 0 {
		q.ProtoReflect().SetUnknown(slices.Clone(u))
	}
	return q
}

// WithoutAllocation returns p without its allocation info: p itself when it
// has none, otherwise a shallow copy (sub-messages shared; like every
// template here they are never modified). The allocator and the master's
// allocation guard compare allocated resources with unallocated ones.
func WithoutAllocation(p *mesospb.Resource) *mesospb.Resource {
	if p == nil || p.AllocationInfo == nil {
		return p
	}
	q := shallowCopy(p)
	q.AllocationInfo = nil
	return q
}

// PushReservation stacks reservation on top of every entry's reservations
// (a reservation or a refinement of one). The result must be a valid
// reservation stack: the first reservation may be STATIC or DYNAMIC, later
// ones must be DYNAMIC and to a strict subrole of the one below.
func (r Resources) PushReservation(reservation *mesospb.Resource_ReservationInfo) (Resources, error) {
	return r.remeta(always, func(m *meta, p *mesospb.Resource) error {
		p.Reservations = append(p.Reservations, proto.Clone(reservation).(*mesospb.Resource_ReservationInfo))
		if err := validateReservationStack(p.Reservations); err != nil {
			return fmt.Errorf("Invalid reservation for %s: %w", m.name, err)
		}
		return nil
	})
}

// PopReservation removes the top reservation of every entry. Every entry
// must be reserved.
func (r Resources) PopReservation() (Resources, error) {
	return r.remeta(always, func(m *meta, p *mesospb.Resource) error {
		if len(p.Reservations) == 0 {
			return fmt.Errorf("Cannot pop a reservation from unreserved resource %s", m.name)
		}
		p.Reservations = p.Reservations[:len(p.Reservations)-1]
		return nil
	})
}

// ToUnreserved drops every reservation.
func (r Resources) ToUnreserved() Resources {
	out, _ := r.remeta(func(m *meta) bool { return m.nres > 0 },
		func(_ *meta, p *mesospb.Resource) error {
			p.Reservations = nil
			return nil
		})
	return out
}

// Allocate sets the allocation info of every entry to role.
func (r Resources) Allocate(role string) Resources {
	// One AllocationInfo shared by all the new templates (never modified).
	info := &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
	out, _ := r.remeta(
		func(m *meta) bool {
			return !m.allocated || m.allocRole != role || m.tmpl.AllocationInfo.Role == nil
		},
		func(_ *meta, p *mesospb.Resource) error {
			p.AllocationInfo = info
			return nil
		})
	return out
}

// Unallocate clears the allocation info of every entry.
func (r Resources) Unallocate() Resources {
	out, _ := r.remeta(func(m *meta) bool { return m.allocated },
		func(_ *meta, p *mesospb.Resource) error {
			p.AllocationInfo = nil
			return nil
		})
	return out
}
