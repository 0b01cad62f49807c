package resources

import (
	"fmt"
	"iter"
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Resources is an immutable collection of resources with Mesos's
// semantics: resources that can be merged (same name, type, reservations,
// allocation, disk, revocable, provider and sharedness) are held as one
// entry, empty entries are dropped, and shared resources are counted as
// copies. The zero value is empty and ready to use.
type Resources struct {
	// items is never written after construction; operations build new
	// slices, so values can share it.
	items []Resource
}

// New builds a Resources from protos the way Mesos's Resources
// constructor does: invalid and empty resources are silently skipped.
// Protos in the pre-refinement or endpoint format are upgraded. Use
// FromProtos to get an error for invalid input instead.
func New(ps ...*mesospb.Resource) Resources {
	var r Resources
	for _, p := range ps {
		if Validate(p) == nil {
			x := newResource(p)
			r.items = addItem(r.items, &x)
		}
	}
	return r
}

// FromProtos validates every proto and builds a Resources from them; the
// error names the first invalid resource. Empty resources are dropped.
func FromProtos(ps []*mesospb.Resource) (Resources, error) {
	var r Resources
	for _, p := range ps {
		if err := Validate(p); err != nil {
			return Resources{}, fmt.Errorf("Resource '%s' is invalid: %w", FormatProto(p), err)
		}
		x := newResource(p)
		r.items = addItem(r.items, &x)
	}
	return r, nil
}

// Protos returns the resources as new post-refinement proto messages, one
// per entry (a shared resource appears once whatever its count, as in
// Mesos).
func (r Resources) Protos() []*mesospb.Resource {
	out := make([]*mesospb.Resource, len(r.items))
	for i, it := range r.items {
		out[i] = it.Proto()
	}
	return out
}

// ProtosIn returns the resources as new proto messages in format f.
func (r Resources) ProtosIn(f Format) ([]*mesospb.Resource, error) {
	out := r.Protos()
	for _, p := range out {
		if err := convertInPlace(p, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Len is the number of entries.
func (r Resources) Len() int { return len(r.items) }

// IsEmpty reports whether r holds no resource.
func (r Resources) IsEmpty() bool { return len(r.items) == 0 }

// All iterates over the entries.
func (r Resources) All() iter.Seq[Resource] {
	return func(yield func(Resource) bool) {
		for _, it := range r.items {
			if !yield(it) {
				return
			}
		}
	}
}

// Items returns the entries as a new slice.
func (r Resources) Items() []Resource { return slices.Clone(r.items) }

// Count returns how many copies of p r holds: the shared count for a
// shared resource, 1 if a non-shared entry equals p, otherwise 0.
func (r Resources) Count(p *mesospb.Resource) int {
	if Validate(p) != nil {
		return 0
	}
	want := newResource(p)
	for i := range r.items {
		it := &r.items[i]
		if it.equalIgnoringCount(&want) && it.m.shared == want.m.shared {
			if it.m.shared {
				return it.count
			}
			return 1
		}
	}
	return 0
}

// Names returns the distinct resource names, sorted.
func (r Resources) Names() []string {
	out := make([]string, 0, len(r.items))
	for _, it := range r.items {
		out = append(out, it.m.name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Types maps each resource name to its type (the last seen wins if, against
// the rules, one name has several types).
func (r Resources) Types() map[string]mesospb.Value_Type {
	out := make(map[string]mesospb.Value_Type, len(r.items))
	for _, it := range r.items {
		out[it.m.name] = it.m.typ
	}
	return out
}

// Get returns the entries named name.
func (r Resources) Get(name string) Resources {
	return r.Filter(func(x Resource) bool { return x.m.name == name })
}

// Scalars returns the SCALAR entries.
func (r Resources) Scalars() Resources {
	return r.Filter(func(x Resource) bool { return x.m.typ == mesospb.Value_SCALAR })
}

// SumScalar adds up the SCALAR entries named name, whatever their
// reservations and other metadata; ok is false if there are none.
func (r Resources) SumScalar(name string) (sum Scalar, ok bool) {
	for _, it := range r.items {
		if it.m.typ == mesospb.Value_SCALAR && it.m.name == name {
			sum, ok = sum.Add(it.scalar), true
		}
	}
	return sum, ok
}

// SumRanges merges the RANGES entries named name; ok is false if there are
// none.
func (r Resources) SumRanges(name string) (sum Ranges, ok bool) {
	for _, it := range r.items {
		if it.m.typ == mesospb.Value_RANGES && it.m.name == name {
			sum, ok = sum.Add(it.ranges), true
		}
	}
	return sum, ok
}

// SumSet merges the SET entries named name; ok is false if there are none.
func (r Resources) SumSet(name string) (sum []string, ok bool) {
	for _, it := range r.items {
		if it.m.typ == mesospb.Value_SET && it.m.name == name {
			sum, ok = setAdd(sum, it.set), true
		}
	}
	return slices.Clone(sum), ok
}

// CPUs is the total of "cpus".
func (r Resources) CPUs() (float64, bool) { return r.scalarFloat("cpus") }

// GPUs is the total of "gpus".
func (r Resources) GPUs() (float64, bool) { return r.scalarFloat("gpus") }

// Mem is the total of "mem", in megabytes.
func (r Resources) Mem() (float64, bool) { return r.scalarFloat("mem") }

// Disk is the total of "disk", in megabytes.
func (r Resources) Disk() (float64, bool) { return r.scalarFloat("disk") }

// Ports is the union of "ports".
func (r Resources) Ports() (Ranges, bool) { return r.SumRanges("ports") }

func (r Resources) scalarFloat(name string) (float64, bool) {
	s, ok := r.SumScalar(name)
	return s.Float(), ok
}
