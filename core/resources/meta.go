package resources

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// meta is everything about a resource except its value: name, type,
// allocation, reservations, disk, revocable, provider and shared markers.
// It is built once from a proto and never changed, so entries of many
// Resources values may point at the same meta.
type meta struct {
	// key identifies the metadata the way Mesos's Resource equality does:
	// two resources with equal keys differ at most in their value, in
	// DiskInfo.volume and in DiskInfo.persistence.principal (which Mesos
	// ignores) and in the order of labels.
	key  string
	hash uint64 // FNV-1a of key, to reject most mismatches cheaply
	name string
	typ  mesospb.Value_Type

	// tmpl is the post-refinement proto with its value fields cleared.
	tmpl *mesospb.Resource

	shared     bool
	revocable  bool
	persistent bool // a persistent volume
	provider   bool
	// noMerge marks resources that Mesos never merges when not shared:
	// persistent volumes, MOUNT and BLOCK disks, and RAW disks with an id.
	// Two of them can only be subtracted from each other if equal.
	noMerge bool

	role    string // the reservation role (top of the stack), "" if unreserved
	nres    int    // depth of the reservation stack
	dynamic bool   // the top reservation is DYNAMIC

	allocated bool
	allocRole string
}

// newMeta builds the metadata of p, which must be valid, in the
// post-refinement format, and owned by the caller (it is kept as template
// with its value fields cleared).
func newMeta(p *mesospb.Resource) *meta {
	p.Scalar, p.Ranges, p.Set = nil, nil, nil
	key := metaKey(p)
	m := &meta{
		key:       key,
		hash:      fnv1a(key),
		name:      p.GetName(),
		typ:       p.GetType(),
		tmpl:      p,
		shared:    p.Shared != nil,
		revocable: p.Revocable != nil,
		provider:  p.ProviderId != nil,
		nres:      len(p.Reservations),
	}
	if d := p.Disk; d != nil {
		m.persistent = d.Persistence != nil
		m.noMerge = m.persistent
		if s := d.Source; s != nil {
			switch s.GetType() {
			case mesospb.Resource_DiskInfo_Source_MOUNT, mesospb.Resource_DiskInfo_Source_BLOCK:
				m.noMerge = true
			case mesospb.Resource_DiskInfo_Source_RAW:
				m.noMerge = m.noMerge || s.Id != nil
			}
		}
	}
	if m.nres > 0 {
		top := p.Reservations[m.nres-1]
		m.role = top.GetRole()
		m.dynamic = top.GetType() == mesospb.Resource_ReservationInfo_DYNAMIC
	}
	if a := p.AllocationInfo; a != nil {
		m.allocated = true
		m.allocRole = a.GetRole()
	}
	return m
}

// sameMeta reports whether a and b are equal under Mesos's equality of
// everything but the value.
func sameMeta(a, b *meta) bool { return a == b || (a.hash == b.hash && a.key == b.key) }

func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// metaKey encodes the identity-bearing fields of p. Strings are length
// prefixed and every optional part is tagged, so distinct metadata never
// share a key.
func metaKey(p *mesospb.Resource) string {
	b := make([]byte, 0, 32+len(p.GetName()))
	b = keyStr(b, p.GetName())
	b = append(b, byte(p.GetType()))
	if a := p.AllocationInfo; a != nil {
		b = append(b, 'A')
		b = keyOptStr(b, a.Role)
	}
	for _, r := range p.Reservations {
		b = append(b, 'R', byte(r.GetType()))
		b = keyStr(b, r.GetRole())
		b = keyOptStr(b, r.Principal)
		b = keyLabels(b, r.Labels)
	}
	if d := p.Disk; d != nil {
		b = append(b, 'D')
		if s := d.Source; s != nil {
			b = append(b, 'S', byte(s.GetType()))
			if s.Path != nil {
				b = append(b, 'p')
				b = keyOptStr(b, s.Path.Root)
			}
			if s.Mount != nil {
				b = append(b, 'm')
				b = keyOptStr(b, s.Mount.Root)
			}
			b = keyOptStr(b, s.Vendor)
			b = keyOptStr(b, s.Id)
			b = keyLabels(b, s.Metadata)
			b = keyOptStr(b, s.Profile)
		}
		if d.Persistence != nil {
			b = append(b, 'P')
			b = keyStr(b, d.Persistence.GetId())
		}
	}
	if p.Revocable != nil {
		b = append(b, 'V')
	}
	if p.ProviderId != nil {
		b = append(b, 'I')
		b = keyStr(b, p.ProviderId.GetValue())
	}
	if p.Shared != nil {
		b = append(b, 'H')
	}
	return string(b)
}

func keyStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func keyOptStr(b []byte, s *string) []byte {
	if s == nil {
		return append(b, 0)
	}
	return keyStr(append(b, 1), *s)
}

// keyLabels encodes labels order-independently, as Mesos compares them.
func keyLabels(b []byte, l *mesospb.Labels) []byte {
	if l == nil {
		return append(b, 0)
	}
	type kv struct{ k, v string }
	ls := make([]kv, len(l.Labels))
	for i, x := range l.Labels {
		ls[i] = kv{x.GetKey(), x.GetValue()}
	}
	slices.SortFunc(ls, func(x, y kv) int {
		if c := strings.Compare(x.k, y.k); c != 0 {
			return c
		}
		return strings.Compare(x.v, y.v)
	})
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(ls)))
	for _, x := range ls {
		b = keyStr(b, x.k)
		b = keyStr(b, x.v)
	}
	return b
}
