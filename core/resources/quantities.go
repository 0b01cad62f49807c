package resources

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Quantities maps resource names to fixed-point amounts, like Mesos's
// ResourceQuantities: the allocator's bookkeeping of how much of each
// resource a role or framework has, without any metadata. Entries are kept
// sorted by name and are always positive (zero entries are dropped).
//
// The value methods (Add, Subtract) return new Quantities and never change
// their operands. AddInPlace and SubtractInPlace modify the receiver
// without allocating when they can; they are for the allocator's hot loops
// and require that the receiver's storage is not shared: a Quantities
// obtained by plain assignment from another shares it, so Clone first.
type Quantities struct {
	q []quantity
}

type quantity struct {
	name string
	v    Scalar
}

// QuantitiesOf sums r by name, whatever the metadata: scalars by value,
// sets by number of items, ranges by number of integers (as Mesos's
// ResourceQuantities::fromResources).
func QuantitiesOf(r Resources) Quantities {
	var q Quantities
	for _, it := range r.items {
		switch it.m.typ {
		case mesospb.Value_SCALAR:
			q.addOne(it.m.name, it.scalar)
		case mesospb.Value_RANGES:
			q.addOne(it.m.name, scalarFromCount(it.ranges.Count()))
		case mesospb.Value_SET:
			q.addOne(it.m.name, scalarFromCount(uint64(len(it.set))))
		}
	}
	return q
}

// ScalarQuantitiesOf sums the SCALAR resources of r by name.
func ScalarQuantitiesOf(r Resources) Quantities {
	var q Quantities
	for _, it := range r.items {
		if it.m.typ == mesospb.Value_SCALAR {
			q.addOne(it.m.name, it.scalar)
		}
	}
	return q
}

// NewQuantities builds Quantities from name/amount pairs; non-positive
// amounts are ignored.
func NewQuantities(m map[string]float64) Quantities {
	var q Quantities
	for k, v := range m {
		if v > 0 {
			q.addOne(k, ScalarFromFloat(v))
		}
	}
	return q
}

// ParseQuantities parses "cpus:10;mem:1024" like Mesos's
// ResourceQuantities::fromString: only non-negative scalars, names
// trimmed, zero amounts dropped, repeated names summed.
func ParseQuantities(text string) (Quantities, error) {
	var q Quantities
	for _, token := range tokenize(text, ";") {
		pair := tokenize(token, ":")
		if len(pair) != 2 {
			return Quantities{}, fmt.Errorf("Failed to parse '%s': missing or extra ':'", token)
		}
		v, err := parseValue(pair[1])
		if err != nil {
			return Quantities{}, fmt.Errorf("Failed to parse '%s' to quantity: %v", pair[1], err)
		}
		if v.typ != mesospb.Value_SCALAR {
			return Quantities{}, fmt.Errorf("Failed to parse '%s' to quantity: only scalar values are allowed", pair[1])
		}
		q.addOne(trimSpace(pair[0]), ScalarFromFloat(v.scalar))
	}
	return q, nil
}

// addOne adds a non-negative amount to one name, in place.
func (q *Quantities) addOne(name string, v Scalar) {
	if v <= 0 {
		return
	}
	i, found := q.find(name)
	if found {
		q.q[i].v = q.q[i].v.Add(v)
		return
	}
	q.q = slices.Insert(q.q, i, quantity{name, v})
}

// find returns the index of name or where it would be inserted.
func (q Quantities) find(name string) (int, bool) {
	// Linear: there are only a handful of names, and they are sorted.
	for i, x := range q.q {
		if x.name >= name {
			return i, x.name == name
		}
	}
	return len(q.q), false
}

// Get returns the amount of name, 0 if absent.
func (q Quantities) Get(name string) Scalar {
	if i, ok := q.find(name); ok {
		return q.q[i].v
	}
	return 0
}

// Len is the number of names.
func (q Quantities) Len() int { return len(q.q) }

// IsEmpty reports whether q holds nothing.
func (q Quantities) IsEmpty() bool { return len(q.q) == 0 }

// Names returns the names, sorted.
func (q Quantities) Names() []string {
	out := make([]string, len(q.q))
	for i, x := range q.q {
		out[i] = x.name
	}
	return out
}

// Map returns the amounts as floats.
func (q Quantities) Map() map[string]float64 {
	out := make(map[string]float64, len(q.q))
	for _, x := range q.q {
		out[x.name] = x.v.Float()
	}
	return out
}

// Clone returns a copy that shares no storage with q.
func (q Quantities) Clone() Quantities { return Quantities{slices.Clone(q.q)} }

// Equal reports whether q and o hold the same amounts.
func (q Quantities) Equal(o Quantities) bool { return slices.Equal(q.q, o.q) }

// Contains reports whether q holds at least o's amount of every name.
func (q Quantities) Contains(o Quantities) bool {
	i := 0
	for _, want := range o.q {
		for i < len(q.q) && q.q[i].name < want.name {
			i++
		}
		if i == len(q.q) || q.q[i].name != want.name || q.q[i].v < want.v {
			return false
		}
		i++
	}
	return true
}

// Add returns q+o.
func (q Quantities) Add(o Quantities) Quantities {
	if len(o.q) == 0 {
		return q
	}
	if len(q.q) == 0 {
		return o
	}
	out := make([]quantity, 0, len(q.q)+len(o.q))
	i, j := 0, 0
	for i < len(q.q) && j < len(o.q) {
		a, b := q.q[i], o.q[j]
		switch {
		case a.name < b.name:
			out = append(out, a)
			i++
		case a.name > b.name:
			out = append(out, b)
			j++
		default:
			out = append(out, quantity{a.name, a.v.Add(b.v)})
			i++
			j++
		}
	}
	out = append(out, q.q[i:]...)
	out = append(out, o.q[j:]...)
	return Quantities{out}
}

// Subtract returns q-o; names that reach zero or below are dropped.
func (q Quantities) Subtract(o Quantities) Quantities {
	if len(o.q) == 0 || len(q.q) == 0 {
		return q
	}
	out := make([]quantity, 0, len(q.q))
	j := 0
	for _, a := range q.q {
		for j < len(o.q) && o.q[j].name < a.name {
			j++
		}
		if j < len(o.q) && o.q[j].name == a.name {
			a.v = a.v.Sub(o.q[j].v)
			j++
		}
		if a.v > 0 {
			out = append(out, a)
		}
	}
	return Quantities{out}
}

// AddInPlace adds o to q, modifying q. See the type's documentation on
// ownership.
func (q *Quantities) AddInPlace(o Quantities) {
	i := 0
	for _, b := range o.q {
		for i < len(q.q) && q.q[i].name < b.name {
			i++
		}
		if i < len(q.q) && q.q[i].name == b.name {
			q.q[i].v = q.q[i].v.Add(b.v)
		} else {
			q.q = slices.Insert(q.q, i, b)
		}
		i++
	}
}

// SubtractInPlace subtracts o from q, modifying q; names that reach zero or
// below are dropped. See the type's documentation on ownership.
func (q *Quantities) SubtractInPlace(o Quantities) {
	n, j := 0, 0
	for _, a := range q.q {
		for j < len(o.q) && o.q[j].name < a.name {
			j++
		}
		if j < len(o.q) && o.q[j].name == a.name {
			a.v = a.v.Sub(o.q[j].v)
			j++
		}
		if a.v > 0 {
			q.q[n] = a
			n++
		}
	}
	clear(q.q[n:])
	q.q = q.q[:n]
}

// String renders q as Mesos does: "cpus:4; mem:4096", "{}" when empty.
func (q Quantities) String() string {
	if len(q.q) == 0 {
		return "{}"
	}
	parts := make([]string, len(q.q))
	for i, x := range q.q {
		parts[i] = x.name + ":" + x.v.String()
	}
	return strings.Join(parts, "; ")
}

// ContainsQuantities reports whether r holds at least the given amount of
// each name, counting every resource of that name whatever its metadata
// (as Mesos's Resources::contains(ResourceQuantities)).
func (r Resources) ContainsQuantities(q Quantities) bool {
	for _, want := range q.q {
		var have Scalar
		for _, it := range r.items {
			if it.m.name != want.name {
				continue
			}
			switch it.m.typ {
			case mesospb.Value_SCALAR:
				have = have.Add(it.scalar)
			case mesospb.Value_RANGES:
				have = have.Add(scalarFromCount(it.ranges.Count()))
			case mesospb.Value_SET:
				have = have.Add(scalarFromCount(uint64(len(it.set))))
			}
			if have >= want.v {
				break
			}
		}
		if have < want.v {
			return false
		}
	}
	return true
}
