package interrupt

// instrumentCode returns a code section's content with the checks
// inserted in every function body and functions renumbered.
func instrumentCode(s section, l *layout) ([]byte, error) {
	check := appendCheck(nil, l.fuel(), l.yield())
	r := &reader{b: s.content, base: s.offset}
	n, err := r.count(2)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(s.content)+len(s.content)/8)
	out = appendU32(out, uint32(n))
	var body []byte // reused
	for range n {
		size, err := r.u32()
		if err != nil {
			return nil, err
		}
		start := r.pos
		raw, err := r.bytes(int(size))
		if err != nil {
			return nil, err
		}
		br := &reader{b: raw, base: r.base + start}
		if body, err = instrumentBody(br, body[:0], check, l.shift); err != nil {
			return nil, err
		}
		out = appendU32(out, uint32(len(body)))
		out = append(out, body...)
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the function bodies", len(r.b)-r.pos)
	}
	return out, nil
}

// appendCheck appends the check of the package documentation: count a
// unit of fuel down, refilling it from yield when it runs out. The
// decrement comes first so that the compiler reuses the value it stored
// for the test: one load and one store per check.
func appendCheck(b []byte, fuel, yield uint32) []byte {
	b = appendU32(append(b, opGlobalGet), fuel)
	b = append(b, opI32Const, 0x01, opI32Sub)
	b = appendU32(append(b, opGlobalSet), fuel)
	b = appendU32(append(b, opGlobalGet), fuel)
	b = append(b, opI32Eqz, opIf, blockTypeNone, opCall)
	b = appendU32(b, yield)
	b = appendU32(append(b, opGlobalSet), fuel)
	return append(b, opEnd)
}

// instrumentBody appends to out the function body r holds with a check
// at the start of every loop body, and one at the function's entry if
// it makes calls and can return along a path that passes no loop start
// (frames).
//
// Why that is enough: take a run that checks nothing from some point
// on. No loop starts again, so each frame runs forward through its code
// at most once, making a bounded number of calls. A call to a function
// that makes no calls runs a bounded stretch of code and returns; a call
// to any other function made after that point does not return (every
// path to its return passes a check), so it goes one frame deeper, which
// wazero's call stack limit ends with a trap. Such a run is finite. Go's
// functions keep their body in a loop (it resumes them after a goroutine
// switch) and leave it only by branches from inside it, and its small
// leaf functions make no calls, so most need no entry check.
//
// Calls and ref.func get their function's index through shift.
func instrumentBody(r *reader, out []byte, check []byte, shift func(uint32) uint32) ([]byte, error) {
	groups, err := r.count(2)
	if err != nil {
		return nil, err
	}
	for range groups { // count and value type; wazero checks them
		if _, err := r.u32(); err != nil {
			return nil, err
		}
		if _, err := r.byte(); err != nil {
			return nil, err
		}
	}
	out = append(out, r.b[:r.pos]...)
	if r.done() {
		return nil, r.errorf("function body without instructions")
	}
	entryAt := len(out)
	copied := r.pos // r.b[:copied] is in out
	var f frames
	for !f.ended {
		op, err := r.byte()
		if err != nil {
			return nil, err
		}
		if op == opCall || op == opRefFunc {
			at := r.pos // the index may be padded: re-encoded, it can shrink
			fn, err := r.u32()
			if err != nil {
				return nil, err
			}
			out = append(out, r.b[copied:at]...)
			out = appendU32(out, shift(fn))
			copied = r.pos
			f.calls = f.calls || op == opCall
			continue
		}
		if err := f.step(r, op); err != nil {
			return nil, err
		}
		if op == opLoop {
			out = append(out, r.b[copied:r.pos]...)
			out = append(out, check...)
			copied = r.pos
		}
	}
	if !r.done() {
		return nil, r.errorf("%d bytes after the function's end", len(r.b)-r.pos)
	}
	out = append(out, r.b[copied:]...)
	if f.uncheckedExit && f.calls {
		out = append(out, check...) // room, then move the code up
		copy(out[entryAt+len(check):], out[entryAt:len(out)-len(check)])
		copy(out[entryAt:], check)
	}
	return out, nil
}

// frames follows a function's blocks as its instructions are read, and
// computes whether every path from the function's entry to a return
// passes a check (a loop start): "checked" at a point is true when every
// path to it does, which dead code (after br, br_table, return or
// unreachable) vacuously is.
type frames struct {
	open          []frame
	checked       bool
	ended         bool // the function's final end was read
	uncheckedExit bool // some path returns without a check
	calls         bool // the function calls others
}

// frame is an open block, loop or if.
type frame struct {
	op byte
	// atEntry: checked when the frame was entered (for an if, what its
	// missing else falls through with).
	atEntry bool
	// branches: checked on every branch to the frame's label so far.
	branches bool
	// thenEnd: for an if with an else, checked at the end of its then.
	thenEnd bool
	hasElse bool
}

const (
	opElse    = 0x05
	opBr      = 0x0c
	opBrIf    = 0x0d
	opBrTable = 0x0e
	opReturn  = 0x0f

	opCall         = 0x10
	opCallIndirect = 0x11
)

// step reads past the immediates of op and follows its control flow.
func (f *frames) step(r *reader, op byte) error {
	switch op {
	case opBlock, opLoop, opIf:
		if len(f.open) >= 1<<16 {
			return r.errorf("blocks nested more than %d deep", 1<<16)
		}
		f.open = append(f.open, frame{op: op, atEntry: f.checked, branches: true})
		if op == opLoop {
			f.checked = true // its check runs at its start
		}
		return skipImmediates(r, op)
	case opElse:
		if len(f.open) == 0 || f.open[len(f.open)-1].op != opIf {
			return r.errorf("else outside an if")
		}
		top := &f.open[len(f.open)-1]
		top.thenEnd, top.hasElse = f.checked, true
		f.checked = top.atEntry
		return nil
	case opEnd:
		if len(f.open) == 0 { // the function's end
			f.exit()
			f.ended = true
			return nil
		}
		top := f.open[len(f.open)-1]
		f.open = f.open[:len(f.open)-1]
		switch {
		case top.op == opLoop: // branches to a loop go to its start
		case top.op == opIf && top.hasElse:
			f.checked = f.checked && top.thenEnd && top.branches
		case top.op == opIf:
			f.checked = f.checked && top.atEntry && top.branches
		default:
			f.checked = f.checked && top.branches
		}
		return nil
	case opReturn:
		f.exit()
		f.checked = true // dead code follows
		return nil
	case opUnreachable:
		f.checked = true
		return nil
	case opBr, opBrIf:
		l, err := r.u32()
		f.branch(l)
		if op == opBr {
			f.checked = true
		}
		return err
	case opBrTable:
		n, err := r.count(1)
		if err != nil {
			return err
		}
		for range n + 1 { // the labels and the default
			l, err := r.u32()
			if err != nil {
				return err
			}
			f.branch(l)
		}
		f.checked = true
		return nil
	}
	if op == opCall || op == opCallIndirect {
		f.calls = true
	}
	return skipImmediates(r, op)
}

// branch follows a branch to label l from the current point.
func (f *frames) branch(l uint32) {
	depth := len(f.open)
	if int64(l) >= int64(depth) {
		f.exit() // the function's label (or invalid: wazero refuses it)
		return
	}
	target := &f.open[depth-1-int(l)]
	target.branches = target.branches && f.checked
}

// exit notes a way out of the function from the current point.
func (f *frames) exit() {
	if !f.checked {
		f.uncheckedExit = true
	}
}
