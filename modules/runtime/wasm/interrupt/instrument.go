package interrupt

import (
	"bytes"
	"strings"
)

// The host function an instrumented module imports: [] -> [i32]. The
// host's implementation checks the running call's deadline and context
// and either returns the fuel for the next stretch (Fuel) or panics to
// end the call.
const (
	ImportModule = "gomesos"
	ImportName   = "yield"
)

// Fuel is how many checks (loop iterations and function entries) an
// instrumented guest makes between two calls of yield, and the fuel the
// global starts with. A yield costs a return into Go, some 100 ns; a
// check a nanosecond or less: 16384 keeps yields under 1% of a tight
// loop's time, and a tight loop still comes back to Go every few tens of
// microseconds, which bounds both how late a deadline is noticed and how
// long the guest holds up a garbage collection.
const Fuel = 1 << 14

// Version names the instrumentation, for caches of instrumented modules:
// it changes whenever Instrument's output for a given input would.
const Version = "interrupt-v4"

// Section ids (WebAssembly 2.0).
const (
	secCustom = 0
	secType   = 1
	secImport = 2
	secGlobal = 6
	secExport = 7
	secStart  = 8
	secElem   = 9
	secCode   = 10
)

var magic = []byte{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}

// section is one section of a module: its id and its content.
type section struct {
	id      byte
	name    string // custom sections
	content []byte
	offset  int // of content in the module
}

// Instrument returns wasm with the fuel, the yield import and the checks
// added (see the package documentation). wasm is not modified. Errors
// wrap ErrMalformed and say where and what.
func Instrument(wasm []byte) ([]byte, error) {
	secs, err := sections(wasm)
	if err != nil {
		return nil, err
	}
	l, err := scan(secs)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(wasm)+len(wasm)/8)
	out = append(out, magic...)
	emit := func(id byte, content []byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(content)))
		out = append(out, content...)
	}
	// The sections Instrument adds to, created where the module has none.
	missing := map[byte]bool{secType: !l.has[secType], secImport: !l.has[secImport], secGlobal: !l.has[secGlobal]}
	emitMissingBefore := func(next int) {
		for _, id := range []byte{secType, secImport, secGlobal} {
			if missing[id] && order(id) < next {
				emit(id, l.extend(id, nil))
				missing[id] = false
			}
		}
	}
	for _, s := range secs {
		if s.id != secCustom {
			emitMissingBefore(order(s.id))
		}
		var content []byte
		switch s.id {
		case secCustom:
			if dropCustom(s.name) {
				continue
			}
			content = s.content
			if s.name == "name" {
				if content, err = l.renumberNames(s); err != nil {
					continue // names are for debugging: a module without them runs the same
				}
			}
		case secType, secImport, secGlobal:
			if content, err = l.extendSection(s); err != nil {
				return nil, err
			}
		case secExport:
			content, err = l.renumberExports(s)
		case secElem:
			content, err = l.renumberElements(s)
		case secCode:
			content, err = instrumentCode(s, l)
		default:
			content = s.content
		}
		if err != nil {
			return nil, err
		}
		emit(s.id, content)
	}
	emitMissingBefore(order(secCode) + 100)
	return out, nil
}

// sections splits a module into its sections, checking the header and
// the section sizes.
func sections(wasm []byte) ([]section, error) {
	if len(wasm) < len(magic) || !bytes.Equal(wasm[:4], magic[:4]) {
		return nil, &Error{Msg: "not a WebAssembly binary (no \\0asm magic)"}
	}
	if !bytes.Equal(wasm[4:8], magic[4:]) {
		return nil, &Error{Offset: 4, Msg: "unsupported WebAssembly binary version (want 1)"}
	}
	r := &reader{b: wasm, pos: len(magic)}
	var secs []section
	for !r.done() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		if id > 12 {
			return nil, r.errorf("unknown section id %d", id)
		}
		n, err := r.u32()
		if err != nil {
			return nil, err
		}
		off := r.pos
		content, err := r.bytes(int(n))
		if err != nil {
			return nil, err
		}
		s := section{id: id, content: content, offset: off}
		if id == secCustom {
			cr := &reader{b: content, base: off}
			if s.name, err = cr.name(); err != nil {
				return nil, err
			}
		}
		secs = append(secs, s)
	}
	return secs, nil
}

// order is a section's position in the order the binary format requires
// (the data count section, 12, comes before code).
func order(id byte) int {
	if id == 12 {
		return 9
	}
	if id >= 10 {
		return int(id) + 1
	}
	return int(id)
}

// dropCustom says which custom sections hold code offsets, which
// instrumentation moves: DWARF and source maps.
func dropCustom(name string) bool {
	return strings.HasPrefix(name, ".debug_") || name == "sourceMappingURL" || name == "external_debug_info"
}
