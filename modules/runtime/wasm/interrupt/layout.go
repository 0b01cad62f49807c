package interrupt

// layout is what Instrument learns of a module before rewriting it: where
// the things it adds go in the index spaces.
type layout struct {
	has             map[byte]bool // non-custom sections present
	types           int           // types defined: the yield's type is appended as types
	importedFuncs   uint32        // the yield is imported last: its index; defined functions move up one
	importedGlobals int
	definedGlobals  int // the fuel is defined last: global importedGlobals+definedGlobals
}

func (l *layout) yieldType() uint32 { return uint32(l.types) }
func (l *layout) yield() uint32     { return l.importedFuncs }
func (l *layout) fuel() uint32      { return uint32(l.importedGlobals + l.definedGlobals) }

// shift is function f's index in the instrumented module.
func (l *layout) shift(f uint32) uint32 {
	if f >= l.importedFuncs {
		return f + 1
	}
	return f
}

// scan reads what the layout needs, and refuses what Instrument cannot
// handle: a start section, sections out of order or twice, an import of
// the yield (a module instrumented already).
func scan(secs []section) (*layout, error) {
	l := &layout{has: map[byte]bool{}}
	last := 0
	for _, s := range secs {
		if s.id == secCustom {
			continue
		}
		if order(s.id) <= last {
			r := &reader{base: s.offset}
			return nil, r.errorf("section %d out of order or repeated", s.id)
		}
		last = order(s.id)
		l.has[s.id] = true
		r := &reader{b: s.content, base: s.offset}
		var err error
		switch s.id {
		case secStart:
			return nil, r.errorf("the module has a start section, which would run before the host can bound it; initialize in an exported _initialize instead (a WASI reactor)")
		case secType:
			l.types, err = r.count(1)
		case secImport:
			err = l.scanImports(r)
		case secGlobal:
			l.definedGlobals, err = r.count(1)
		}
		if err != nil {
			return nil, err
		}
	}
	return l, nil
}

// scanImports counts the function and global imports.
func (l *layout) scanImports(r *reader) error {
	n, err := r.count(4)
	if err != nil {
		return err
	}
	for range n {
		module, err := r.name()
		if err != nil {
			return err
		}
		name, err := r.name()
		if err != nil {
			return err
		}
		if module == ImportModule && name == ImportName {
			return r.errorf("the module already imports %s.%s (instrumented already?)", ImportModule, ImportName)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		switch kind {
		case 0x00: // function: type index
			_, err = r.u32()
			l.importedFuncs++
		case 0x01: // table: reference type, limits
			if _, err = r.byte(); err == nil {
				err = r.limits()
			}
		case 0x02: // memory: limits
			err = r.limits()
		case 0x03: // global: value type, mutability
			_, err = r.bytes(2)
			l.importedGlobals++
		default:
			err = r.errorf("unknown import kind %d", kind)
		}
		if err != nil {
			return err
		}
	}
	if !r.done() {
		return r.errorf("%d bytes after the imports", len(r.b)-r.pos)
	}
	return nil
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

// extendSection returns the content of a type, import or global section
// with the instrumentation's entry appended (and, for globals, functions
// renumbered in the initializers).
func (l *layout) extendSection(s section) ([]byte, error) {
	r := &reader{b: s.content, base: s.offset}
	n, err := r.count(1)
	if err != nil {
		return nil, err
	}
	if s.id != secGlobal {
		return l.extend(s.id, &entries{count: n, bytes: s.content[r.pos:]}), nil
	}
	var out []byte
	for range n {
		typ, err := r.bytes(2) // value type, mutability
		if err != nil {
			return nil, err
		}
		out = append(out, typ...)
		if out, err = l.appendConstExpr(out, r); err != nil {
			return nil, err
		}
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the globals", len(r.b)-r.pos)
	}
	return l.extend(s.id, &entries{count: n, bytes: out}), nil
}

// entries are a section's entries, encoded, without their count.
type entries struct {
	count int
	bytes []byte
}

// extend returns the content of section id made of old (nil: none) and
// the instrumentation's entry: the yield's type, its import, or the fuel.
func (l *layout) extend(id byte, old *entries) []byte {
	if old == nil {
		old = &entries{}
	}
	out := appendU32(nil, uint32(old.count+1))
	out = append(out, old.bytes...)
	switch id {
	case secType: // func [] -> [i32]
		return append(out, 0x60, 0x00, 0x01, 0x7f)
	case secImport:
		out = appendName(out, ImportModule)
		out = appendName(out, ImportName)
		out = append(out, 0x00) // function
		return appendU32(out, l.yieldType())
	default: // (global (mut i32) (i32.const Fuel))
		out = append(out, 0x7f, 0x01, 0x41)
		out = appendS32(out, Fuel)
		return append(out, opEnd)
	}
}
