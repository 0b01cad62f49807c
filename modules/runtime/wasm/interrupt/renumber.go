package interrupt

// The places outside code that hold function indices, which the yield's
// import shifts.

const opRefFunc = 0xd2

// appendConstExpr appends the constant expression r is at (up to and
// including its end) with functions renumbered in ref.func.
func (l *layout) appendConstExpr(out []byte, r *reader) ([]byte, error) {
	for {
		start := r.pos
		op, err := r.byte()
		if err != nil {
			return nil, err
		}
		switch op {
		case opEnd:
			return append(out, opEnd), nil
		case opRefFunc:
			f, err := r.u32()
			if err != nil {
				return nil, err
			}
			out = appendU32(append(out, opRefFunc), l.shift(f))
		default:
			if err := skipImmediates(r, op); err != nil {
				return nil, err
			}
			out = append(out, r.b[start:r.pos]...)
		}
	}
}

// renumberExports returns an export section's content with function
// exports renumbered.
func (l *layout) renumberExports(s section) ([]byte, error) {
	r := &reader{b: s.content, base: s.offset}
	n, err := r.count(3)
	if err != nil {
		return nil, err
	}
	out := appendU32(nil, uint32(n))
	for range n {
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		kind, err := r.byte()
		if err != nil {
			return nil, err
		}
		idx, err := r.u32()
		if err != nil {
			return nil, err
		}
		if kind == 0x00 { // function
			idx = l.shift(idx)
		}
		out = appendU32(append(appendName(out, name), kind), idx)
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the exports", len(r.b)-r.pos)
	}
	return out, nil
}

// renumberElements returns an element section's content with functions
// renumbered. A segment's flags say its form: bit 0 passive or
// declarative, bit 1 an explicit table (active) or declarative
// (passive), bit 2 expressions instead of function indices.
func (l *layout) renumberElements(s section) ([]byte, error) {
	r := &reader{b: s.content, base: s.offset}
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	out := appendU32(nil, uint32(n))
	for range n {
		flags, err := r.u32()
		if err != nil {
			return nil, err
		}
		if flags > 7 {
			return nil, r.errorf("unknown element segment flags %d", flags)
		}
		out = appendU32(out, flags)
		if flags&1 == 0 { // active: [table index], offset
			if flags&2 != 0 {
				t, err := r.u32()
				if err != nil {
					return nil, err
				}
				out = appendU32(out, t)
			}
			if out, err = l.appendConstExpr(out, r); err != nil {
				return nil, err
			}
		}
		if flags&3 != 0 { // element kind or reference type
			k, err := r.byte()
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		items, err := r.count(1)
		if err != nil {
			return nil, err
		}
		out = appendU32(out, uint32(items))
		for range items {
			if flags&4 != 0 {
				out, err = l.appendConstExpr(out, r)
			} else {
				var f uint32
				f, err = r.u32()
				out = appendU32(out, l.shift(f))
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the element segments", len(r.b)-r.pos)
	}
	return out, nil
}

// renumberNames returns a "name" custom section's content with functions
// renumbered in its function names (subsection 1) and local names (2).
func (l *layout) renumberNames(s section) ([]byte, error) {
	r := &reader{b: s.content, base: s.offset}
	name, err := r.name()
	if err != nil {
		return nil, err
	}
	out := appendName(nil, name)
	for !r.done() {
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		start := r.pos
		content, err := r.bytes(int(size))
		if err != nil {
			return nil, err
		}
		if id == 1 || id == 2 {
			sub := &reader{b: content, base: r.base + start}
			if content, err = l.renumberNameMap(sub, id == 2); err != nil {
				return nil, err
			}
		}
		out = appendU32(append(out, id), uint32(len(content)))
		out = append(out, content...)
	}
	return out, nil
}

// renumberNameMap renumbers the function indices of a name map (or, if
// indirect, of an indirect name map: the outer indices).
func (l *layout) renumberNameMap(r *reader, indirect bool) ([]byte, error) {
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	out := appendU32(nil, uint32(n))
	for range n {
		f, err := r.u32()
		if err != nil {
			return nil, err
		}
		out = appendU32(out, l.shift(f))
		start := r.pos
		if indirect {
			err = skipNameMap(r)
		} else {
			_, err = r.name()
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r.b[start:r.pos]...)
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the names", len(r.b)-r.pos)
	}
	return out, nil
}

func skipNameMap(r *reader) error {
	n, err := r.count(2)
	if err != nil {
		return err
	}
	for range n {
		if _, err := r.u32(); err != nil {
			return err
		}
		if _, err := r.name(); err != nil {
			return err
		}
	}
	return nil
}
