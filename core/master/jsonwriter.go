package master

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// jsonWriter appends JSON to one buffer. The state endpoints write large
// documents (a cluster of 10k agents and 100k tasks makes tens of
// megabytes), so they are written straight from the master's records,
// with no intermediate tree of maps, and protobuf sub-messages go through
// jsoncodec's appending encoder.
//
// comma says whether the next key or value of the current container needs
// a separator; opening a container or writing a key clears it, and every
// value (containers included) sets it.
type jsonWriter struct {
	buf   []byte
	comma bool
	// scratch is reused by every resources field, so that writing one
	// allocates nothing.
	scratch flatAcc
}

func (w *jsonWriter) sep() {
	if w.comma {
		w.buf = append(w.buf, ',')
	}
}

func (w *jsonWriter) beginObject() { w.sep(); w.buf = append(w.buf, '{'); w.comma = false }
func (w *jsonWriter) endObject()   { w.buf = append(w.buf, '}'); w.comma = true }
func (w *jsonWriter) beginArray()  { w.sep(); w.buf = append(w.buf, '['); w.comma = false }
func (w *jsonWriter) endArray()    { w.buf = append(w.buf, ']'); w.comma = true }

func (w *jsonWriter) key(k string) {
	w.sep()
	w.buf = appendJSONString(w.buf, k)
	w.buf = append(w.buf, ':')
	w.comma = false
}

func (w *jsonWriter) str(s string) { w.sep(); w.buf = appendJSONString(w.buf, s); w.comma = true }
func (w *jsonWriter) float(f float64) {
	w.sep()
	w.buf = appendJSONFloat(w.buf, f)
	w.comma = true
}
func (w *jsonWriter) int(n int64) { w.sep(); w.buf = strconv.AppendInt(w.buf, n, 10); w.comma = true }
func (w *jsonWriter) bool(b bool) { w.sep(); w.buf = strconv.AppendBool(w.buf, b); w.comma = true }

// proto writes a message in Mesos's JSON dialect.
func (w *jsonWriter) proto(m proto.Message) {
	w.sep()
	out, err := jsoncodec.AppendMarshal(w.buf, m)
	if err != nil {
		// Only messages missing required fields fail; show them as null
		// rather than lose the whole document.
		w.buf = append(w.buf, "null"...)
	} else {
		w.buf = out
	}
	w.comma = true
}

func (w *jsonWriter) fieldStr(k, v string)                 { w.key(k); w.str(v) }
func (w *jsonWriter) fieldFloat(k string, v float64)       { w.key(k); w.float(v) }
func (w *jsonWriter) fieldInt(k string, v int64)           { w.key(k); w.int(v) }
func (w *jsonWriter) fieldBool(k string, v bool)           { w.key(k); w.bool(v) }
func (w *jsonWriter) fieldProto(k string, m proto.Message) { w.key(k); w.proto(m) }

// strings writes an array of strings.
func (w *jsonWriter) strings(items []string) {
	w.beginArray()
	for _, s := range items {
		w.str(s)
	}
	w.endArray()
}

// resources writes resources as the state endpoints show them, a flat
// object (resources.Flat's shape): scalars summed by name, ranges and sets
// merged and rendered as Mesos's strings, revocable ones under
// "<name>_revocable", and "cpus", "disk", "gpus" and "mem" always there.
// It runs for every task of the state document, so it builds no map and,
// for the usual resources, allocates nothing.
func (w *jsonWriter) resources(r resources.Resources) {
	w.scratch.reset()
	w.scratch.add(r)
	w.scratch.write(w)
}

// flatAcc sums resources into their flat form, for one resources field of
// a document, without the arithmetic (and allocations) of Resources.Add.
type flatAcc struct {
	std   [4]resources.Scalar // cpus, disk, gpus, mem
	extra []flatEntry
}

func (acc *flatAcc) reset() {
	acc.std = [4]resources.Scalar{}
	acc.extra = acc.extra[:0]
}

type flatEntry struct {
	name   string
	typ    mesospb.Value_Type
	scalar resources.Scalar
	ranges resources.Ranges
	set    []string
}

var stdResourceNames = [4]string{"cpus", "disk", "gpus", "mem"}

func stdResource(name string) int {
	switch name {
	case "cpus":
		return 0
	case "disk":
		return 1
	case "gpus":
		return 2
	case "mem":
		return 3
	}
	return -1
}

func (acc *flatAcc) add(r resources.Resources) {
	for it := range r.All() {
		name := it.Name()
		if it.IsRevocable() {
			name += "_revocable"
		}
		if it.Type() == mesospb.Value_SCALAR {
			if i := stdResource(name); i >= 0 {
				acc.std[i] = acc.std[i].Add(it.Scalar())
				continue
			}
		}
		i := 0
		for i < len(acc.extra) && (acc.extra[i].name != name || acc.extra[i].typ != it.Type()) {
			i++
		}
		if i == len(acc.extra) {
			acc.extra = append(acc.extra, flatEntry{name: name, typ: it.Type()})
		}
		e := &acc.extra[i]
		switch it.Type() {
		case mesospb.Value_SCALAR:
			e.scalar = e.scalar.Add(it.Scalar())
		case mesospb.Value_RANGES:
			if len(e.ranges) == 0 {
				e.ranges = it.Ranges() // shared, never written
			} else {
				e.ranges = e.ranges.Add(it.Ranges())
			}
		case mesospb.Value_SET:
			for _, s := range it.Set() {
				if !slices.Contains(e.set, s) {
					e.set = append(e.set, s)
				}
			}
		}
	}
}

func (acc *flatAcc) write(w *jsonWriter) {
	w.beginObject()
	for i, name := range stdResourceNames {
		w.fieldFloat(name, acc.std[i].Float())
	}
	extra := acc.extra
	if len(extra) > 1 {
		slices.SortFunc(extra, func(a, b flatEntry) int { return strings.Compare(a.name, b.name) })
	}
	for _, e := range extra {
		w.key(e.name)
		switch e.typ {
		case mesospb.Value_SCALAR:
			w.float(e.scalar.Float())
		case mesospb.Value_RANGES:
			w.sep()
			w.buf = appendRanges(w.buf, e.ranges)
			w.comma = true
		case mesospb.Value_SET:
			w.str(setString(e.set))
		}
	}
	w.endObject()
}

// appendRanges writes ranges as a JSON string in Mesos's form,
// "[31000-31000, 31005-31010]" (Ranges.String, without the allocation).
func appendRanges(dst []byte, rs resources.Ranges) []byte {
	dst = append(dst, '"', '[')
	for i, x := range rs {
		if i > 0 {
			dst = append(dst, ',', ' ')
		}
		dst = strconv.AppendUint(dst, x.Begin, 10)
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, x.End, 10)
	}
	return append(dst, ']', '"')
}

// setString renders set items as Mesos does: "{a, b}".
func setString(items []string) string {
	b := []byte{'{'}
	for i, s := range items {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, s...)
	}
	return string(append(b, '}'))
}

// appendJSONFloat and appendJSONString write numbers and strings as
// jsoncodec does (shortest round-tripping decimals without exponents for
// everyday magnitudes; strings without HTML escaping, invalid UTF-8
// replaced), so that the hand-written documents read like the encoded
// messages.
func appendJSONFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Infinity"`...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'g'
	}
	return strconv.AppendFloat(dst, f, format, -1, 64)
}

const hexDigits = "0123456789abcdef"

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
