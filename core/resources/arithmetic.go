package resources

import (
	"fmt"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// addItem merges x into items, which the caller owns, and returns the
// possibly grown slice. Empty entries are ignored.
func addItem(items []Resource, x *Resource) []Resource {
	if x.isEmpty() {
		return items
	}
	for i := range items {
		if items[i].addable(x) {
			items[i].plus(x)
			return items
		}
	}
	return append(items, *x)
}

// subtractItem takes x out of the first entry of items (owned by the
// caller) it can be subtracted from, dropping that entry if nothing (or a
// negative amount) is left. Order of the other entries is kept.
func subtractItem(items []Resource, x *Resource) []Resource {
	if x.isEmpty() {
		return items
	}
	for i := range items {
		if !items[i].subtractable(x) {
			continue
		}
		if !items[i].minus(x) {
			items = append(items[:i], items[i+1:]...)
		}
		return items
	}
	return items
}

// Add returns the sum of r and o.
func (r Resources) Add(o Resources) Resources {
	if len(o.items) == 0 {
		return r
	}
	if len(r.items) == 0 {
		return o
	}
	items := make([]Resource, len(r.items), len(r.items)+len(o.items))
	copy(items, r.items)
	for i := range o.items {
		items = addItem(items, &o.items[i])
	}
	return Resources{items}
}

// Subtract returns r without o. Mesos's rules apply: each entry of o is
// taken out of the first entry of r it is subtractable from; an entry that
// becomes empty or negative disappears; parts of o that r does not hold
// are ignored.
func (r Resources) Subtract(o Resources) Resources {
	if len(o.items) == 0 || len(r.items) == 0 {
		return r
	}
	items := make([]Resource, len(r.items))
	copy(items, r.items)
	for i := range o.items {
		items = subtractItem(items, &o.items[i])
	}
	return Resources{items}
}

// AddResource returns r plus p; as in Mesos an invalid p is ignored.
func (r Resources) AddResource(p *mesospb.Resource) Resources { return r.Add(New(p)) }

// SubtractResource returns r minus p; as in Mesos an invalid p is ignored.
func (r Resources) SubtractResource(p *mesospb.Resource) Resources { return r.Subtract(New(p)) }

// Contains reports whether r holds everything in o.
func (r Resources) Contains(o Resources) bool {
	remaining := r.items
	owned := false
	for i := range o.items {
		x := &o.items[i]
		if !containsItem(remaining, x) {
			return false
		}
		// Entries that never merge (persistent volumes, exclusive disks)
		// can appear in o several times; each must be matched by its own
		// entry of r, so take the matched one out. Others merge, so o
		// holds each of them at most once and nothing needs removing.
		if x.m.noMerge && !x.m.shared {
			if !owned {
				remaining = append([]Resource(nil), remaining...)
				owned = true
			}
			remaining = subtractItem(remaining, x)
		}
	}
	return true
}

func containsItem(items []Resource, x *Resource) bool {
	if x.isEmpty() {
		return true
	}
	for i := range items {
		if items[i].contains(x) {
			return true
		}
	}
	return false
}

// ContainsResource reports whether r holds p. An invalid p is never
// contained (a negative scalar would otherwise always fit).
func (r Resources) ContainsResource(p *mesospb.Resource) bool {
	if Validate(p) != nil {
		return false
	}
	x := newResource(p)
	return containsItem(r.items, &x)
}

// Equal reports whether r and o hold the same resources, that is whether
// each contains the other (Mesos's definition). Since both are kept merged,
// that is the same as pairing every entry with an equal one.
func (r Resources) Equal(o Resources) bool {
	n := len(r.items)
	if n != len(o.items) {
		return false
	}
	var small [64]bool
	var used []bool
	if n <= len(small) {
		used = small[:n]
	} else {
		used = make([]bool, n)
	}
next:
	for i := range r.items {
		for j := range o.items {
			if !used[j] && r.items[i].equal(&o.items[j]) {
				used[j] = true
				continue next
			}
		}
		return false
	}
	return true
}

// Apply replaces consumed by converted, as a Mesos ResourceConversion
// does (RESERVE, UNRESERVE, CREATE, DESTROY all reduce to this). It fails
// if r does not contain consumed.
func (r Resources) Apply(consumed, converted Resources) (Resources, error) {
	if !r.Contains(consumed) {
		return Resources{}, fmt.Errorf("%s does not contain %s", r, consumed)
	}
	return r.Subtract(consumed).Add(converted), nil
}
