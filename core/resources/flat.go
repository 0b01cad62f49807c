package resources

import (
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Flat renders r as the state endpoints show resources: one key per name,
// scalars summed as numbers (float64), ranges and sets merged and rendered
// as Mesos's strings ("[31000-31000, 31005-31010]", "{a, b}"). "cpus",
// "gpus", "mem" and "disk" are always present (0 when absent); revocable
// resources appear under "<name>_revocable". For example
// {"cpus":0.1,"disk":0,"gpus":0,"mem":32,"ports":"[31000-31000, 31005-31010]"}.
func (r Resources) Flat() map[string]any {
	scalars := map[string]Scalar{"cpus": 0, "gpus": 0, "mem": 0, "disk": 0}
	var ranges map[string]Ranges
	var sets map[string][]string
	for _, it := range r.items {
		name := it.m.name
		if it.m.revocable {
			name += "_revocable"
		}
		switch it.m.typ {
		case mesospb.Value_SCALAR:
			scalars[name] = scalars[name].Add(it.scalar)
		case mesospb.Value_RANGES:
			if ranges == nil {
				ranges = map[string]Ranges{}
			}
			ranges[name] = ranges[name].Add(it.ranges)
		case mesospb.Value_SET:
			if sets == nil {
				sets = map[string][]string{}
			}
			sets[name] = setAdd(sets[name], it.set)
		}
	}
	out := make(map[string]any, len(scalars)+len(ranges)+len(sets))
	for k, v := range scalars {
		out[k] = v.Float()
	}
	for k, v := range ranges {
		out[k] = v.String()
	}
	for k, v := range sets {
		out[k] = formatSet(v)
	}
	return out
}

// Text renders r in the --resources text grammar
// ("cpus:4;mem:4096;ports:[31000-32000];disks:{a,b};cpus(role):2") and
// reports whether that form is exact: it is not for resources with
// metadata the grammar cannot express (dynamic or refined reservations,
// allocation, disk info, revocable, shared, provider) or with names, roles
// or set items containing the grammar's delimiters. Parsing the result
// with the default role "*" gives back r.
func (r Resources) Text() (string, bool) {
	var b strings.Builder
	exact := true
	for i, it := range r.items {
		if i > 0 {
			b.WriteByte(';')
		}
		exact = it.writeText(&b) && exact
	}
	return b.String(), exact
}

const textDelims = ";:()[]{},\n"

func (r Resource) writeText(b *strings.Builder) bool {
	p := r.m.tmpl
	exact := p.AllocationInfo == nil && p.Disk == nil && p.Revocable == nil &&
		p.Shared == nil && p.ProviderId == nil && len(p.Reservations) <= 1 &&
		r.m.name != "" && trimSpace(r.m.name) == r.m.name &&
		!strings.ContainsAny(r.m.name, textDelims)
	b.WriteString(r.m.name)
	if len(p.Reservations) > 0 {
		res := p.Reservations[len(p.Reservations)-1]
		exact = exact && res.GetType() == mesospb.Resource_ReservationInfo_STATIC &&
			!strings.ContainsAny(res.GetRole(), textDelims)
		b.WriteByte('(')
		b.WriteString(res.GetRole())
		b.WriteByte(')')
	}
	b.WriteByte(':')
	switch r.m.typ {
	case mesospb.Value_SCALAR:
		b.WriteString(strconv.FormatFloat(r.scalar.Float(), 'g', -1, 64))
	case mesospb.Value_RANGES:
		b.WriteByte('[')
		for i, x := range r.ranges {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.FormatUint(x.Begin, 10))
			b.WriteByte('-')
			b.WriteString(strconv.FormatUint(x.End, 10))
		}
		b.WriteByte(']')
	case mesospb.Value_SET:
		b.WriteByte('{')
		for i, x := range r.set {
			if i > 0 {
				b.WriteByte(',')
			}
			exact = exact && x != "" && !strings.ContainsAny(x, textDelims+" ")
			b.WriteString(x)
		}
		b.WriteByte('}')
	}
	return exact
}
