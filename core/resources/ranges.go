package resources

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Range is an inclusive interval [Begin, End] of a RANGES resource.
type Range struct {
	Begin, End uint64
}

// Ranges is a set of integers stored as intervals. Values produced by this
// package are normalized: sorted by Begin, with overlapping and adjacent
// intervals merged. Treat a Ranges obtained from this package as read-only.
type Ranges []Range

// NormalizeRanges returns rs sorted and coalesced (overlapping and adjacent
// intervals merged), as Mesos's coalesce does. Inverted intervals (Begin >
// End) are dropped; Validate reports them before arithmetic sees them.
func NormalizeRanges(rs []Range) Ranges {
	out := make(Ranges, 0, len(rs))
	for _, r := range rs {
		if r.Begin <= r.End {
			out = append(out, r)
		}
	}
	if len(out) < 2 {
		return out
	}
	if !slices.IsSortedFunc(out, cmpRange) {
		slices.SortFunc(out, cmpRange)
	}
	n := 0
	for _, r := range out[1:] {
		cur := &out[n]
		if touches(*cur, r) {
			cur.End = max(cur.End, r.End)
			continue
		}
		n++
		out[n] = r
	}
	return out[:n+1]
}

func cmpRange(a, b Range) int {
	switch {
	case a.Begin < b.Begin:
		return -1
	case a.Begin > b.Begin:
		return 1
	case a.End < b.End:
		return -1
	case a.End > b.End:
		return 1
	}
	return 0
}

// touches reports whether b, which starts at or after a, overlaps a or is
// adjacent to it.
func touches(a, b Range) bool {
	return a.End == math.MaxUint64 || b.Begin <= a.End+1
}

// Add returns the union of two normalized Ranges.
func (r Ranges) Add(o Ranges) Ranges {
	if len(o) == 0 {
		return r
	}
	if len(r) == 0 {
		return o
	}
	out := make(Ranges, 0, len(r)+len(o))
	i, j := 0, 0
	for i < len(r) || j < len(o) {
		var next Range
		if j >= len(o) || (i < len(r) && r[i].Begin <= o[j].Begin) {
			next = r[i]
			i++
		} else {
			next = o[j]
			j++
		}
		if n := len(out); n > 0 && touches(out[n-1], next) {
			out[n-1].End = max(out[n-1].End, next.End)
			continue
		}
		out = append(out, next)
	}
	return out
}

// Subtract returns the integers of r that are not in o. Both must be
// normalized. Subtracting integers r does not hold is not an error.
func (r Ranges) Subtract(o Ranges) Ranges {
	if len(r) == 0 || len(o) == 0 {
		return r
	}
	out := make(Ranges, 0, len(r)+1)
	j := 0
	for _, cur := range r {
		for j < len(o) && o[j].End < cur.Begin {
			j++
		}
		k := j
		for k < len(o) && o[k].Begin <= cur.End {
			if o[k].Begin > cur.Begin {
				out = append(out, Range{cur.Begin, o[k].Begin - 1})
			}
			if o[k].End >= cur.End {
				cur.Begin, cur.End = 1, 0 // consumed
				break
			}
			cur.Begin = o[k].End + 1
			k++
		}
		if cur.Begin <= cur.End {
			out = append(out, cur)
		}
	}
	return out
}

// Contains reports whether every integer of o is in r. Both must be
// normalized.
func (r Ranges) Contains(o Ranges) bool {
	i := 0
	for _, want := range o {
		for i < len(r) && r[i].End < want.Begin {
			i++
		}
		if i == len(r) || r[i].Begin > want.Begin || r[i].End < want.End {
			return false
		}
	}
	return true
}

// Equal reports whether two normalized Ranges hold the same integers.
func (r Ranges) Equal(o Ranges) bool { return slices.Equal(r, o) }

// Count returns the number of integers in r, saturating at MaxUint64.
func (r Ranges) Count() uint64 {
	var n uint64
	for _, x := range r {
		w := x.End - x.Begin
		if w == math.MaxUint64 || n > math.MaxUint64-w-1 {
			return math.MaxUint64
		}
		n += w + 1
	}
	return n
}

// String renders r as Mesos does: "[31000-31000, 31005-31010]".
func (r Ranges) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range r {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatUint(x.Begin, 10))
		b.WriteByte('-')
		b.WriteString(strconv.FormatUint(x.End, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// rangesFromProto copies the intervals of a Value.Ranges, in order.
func rangesFromProto(p *mesospb.Value_Ranges) []Range {
	out := make([]Range, 0, len(p.GetRange()))
	for _, x := range p.GetRange() {
		out = append(out, Range{x.GetBegin(), x.GetEnd()})
	}
	return out
}

// Proto converts r to a Value.Ranges message.
func (r Ranges) Proto() *mesospb.Value_Ranges {
	p := &mesospb.Value_Ranges{Range: make([]*mesospb.Value_Range, len(r))}
	for i, x := range r {
		b, e := x.Begin, x.End
		p.Range[i] = &mesospb.Value_Range{Begin: &b, End: &e}
	}
	return p
}
