package interrupt

import (
	"bytes"
	"strings"
)

// GlobalExport is the name under which an instrumented module exports
// its interrupt flag, a mutable i32 global that starts at 0: set it to
// any other value and the instance traps (unreachable) at its next loop
// iteration or function entry.
const GlobalExport = "gomesos_interrupt"

// Version names the instrumentation, for caches of instrumented modules:
// it changes whenever Instrument's output for a given input would.
const Version = "interrupt-v2"

// Section ids (WebAssembly 2.0).
const (
	secCustom = 0
	secImport = 2
	secGlobal = 6
	secExport = 7
	secStart  = 8
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

// Instrument returns wasm with the interrupt flag and its checks added
// (see the package documentation). wasm is not modified. Errors wrap
// ErrMalformed and say where and what.
func Instrument(wasm []byte) ([]byte, error) {
	secs, err := sections(wasm)
	if err != nil {
		return nil, err
	}
	importedGlobals, definedGlobals := 0, 0
	hasGlobal, hasExport := false, false
	for _, s := range secs {
		switch s.id {
		case secStart:
			return nil, &Error{Offset: s.offset, Msg: "the module has a start section, which would run before the host can interrupt it; initialize in an exported _initialize instead (a WASI reactor)"}
		case secImport:
			if importedGlobals, err = countImportedGlobals(s); err != nil {
				return nil, err
			}
		case secGlobal:
			hasGlobal = true
			r := &reader{b: s.content, base: s.offset}
			if definedGlobals, err = r.count(1); err != nil {
				return nil, err
			}
		case secExport:
			hasExport = true
		}
	}
	flag := uint32(importedGlobals + definedGlobals)
	out := make([]byte, 0, len(wasm)+len(wasm)/8)
	out = append(out, magic...)
	emit := func(id byte, content []byte) {
		out = append(out, id)
		out = appendU32(out, uint32(len(content)))
		out = append(out, content...)
	}
	for _, s := range secs {
		if !hasGlobal && s.id != secCustom && order(s.id) > order(secGlobal) {
			emit(secGlobal, addGlobal(nil, 0))
			hasGlobal = true
		}
		if !hasExport && s.id != secCustom && order(s.id) > order(secExport) {
			emit(secExport, addExport(nil, 0, flag))
			hasExport = true
		}
		switch s.id {
		case secCustom:
			if dropCustom(s.name) {
				continue
			}
			emit(s.id, s.content)
		case secGlobal:
			emit(s.id, addGlobal(s.content, definedGlobals))
		case secExport:
			content, err := addExportTo(s, flag)
			if err != nil {
				return nil, err
			}
			emit(s.id, content)
		case secCode:
			content, err := instrumentCode(s, flag)
			if err != nil {
				return nil, err
			}
			emit(s.id, content)
		default:
			emit(s.id, s.content)
		}
	}
	if !hasGlobal {
		emit(secGlobal, addGlobal(nil, 0))
	}
	if !hasExport {
		emit(secExport, addExport(nil, 0, flag))
	}
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

// countImportedGlobals counts the global imports of an import section.
func countImportedGlobals(s section) (int, error) {
	r := &reader{b: s.content, base: s.offset}
	n, err := r.count(4)
	if err != nil {
		return 0, err
	}
	globals := 0
	for range n {
		if _, err := r.name(); err != nil {
			return 0, err
		}
		if _, err := r.name(); err != nil {
			return 0, err
		}
		kind, err := r.byte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0x00: // function: type index
			_, err = r.u32()
		case 0x01: // table: reference type, limits
			if _, err = r.byte(); err == nil {
				err = r.limits()
			}
		case 0x02: // memory: limits
			err = r.limits()
		case 0x03: // global: value type, mutability
			_, err = r.bytes(2)
			globals++
		default:
			err = r.errorf("unknown import kind %d", kind)
		}
		if err != nil {
			return 0, err
		}
	}
	if !r.done() {
		return 0, r.errorf("%d bytes after the imports", len(r.b)-r.pos)
	}
	return globals, nil
}

// limits skips table or memory limits (shared memories included).
func (r *reader) limits() error {
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if flags > 3 {
		return r.errorf("unsupported limits flags 0x%02x", flags)
	}
	if _, err := r.u32(); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = r.u32()
	}
	return err
}

// addGlobal returns a global section's content (nil: none) with the flag
// appended: (global (mut i32) (i32.const 0)).
func addGlobal(content []byte, count int) []byte {
	out := appendU32(nil, uint32(count+1))
	if content != nil {
		r := &reader{b: content}
		_, _ = r.u32() // count, read successfully before
		out = append(out, content[r.pos:]...)
	}
	return append(out, 0x7f, 0x01, 0x41, 0x00, opEnd)
}

// addExportTo appends the flag's export to an export section, refusing a
// module that already exports the name.
func addExportTo(s section, flag uint32) ([]byte, error) {
	r := &reader{b: s.content, base: s.offset}
	n, err := r.count(3)
	if err != nil {
		return nil, err
	}
	for range n {
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		if name == GlobalExport {
			return nil, r.errorf("the module already exports %s", GlobalExport)
		}
		if _, err := r.byte(); err != nil {
			return nil, err
		}
		if _, err := r.u32(); err != nil {
			return nil, err
		}
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the exports", len(r.b)-r.pos)
	}
	return addExport(s.content, n, flag), nil
}

// addExport returns an export section's content (nil: none) with the
// flag's export appended.
func addExport(content []byte, count int, flag uint32) []byte {
	out := appendU32(nil, uint32(count+1))
	if content != nil {
		r := &reader{b: content}
		_, _ = r.u32()
		out = append(out, content[r.pos:]...)
	}
	out = appendU32(out, uint32(len(GlobalExport)))
	out = append(out, GlobalExport...)
	out = append(out, 0x03) // global
	return appendU32(out, flag)
}
