package interrupt

// Opcodes whose effect on nesting the instrumenter tracks.
const (
	opUnreachable = 0x00
	opBlock       = 0x02
	opLoop        = 0x03
	opIf          = 0x04
	opEnd         = 0x0b
	opGlobalGet   = 0x23
	opGlobalSet   = 0x24
	opI32Const    = 0x41
	opI32Eqz      = 0x45
	opI32Sub      = 0x6b
	blockTypeNone = 0x40

	prefixMisc = 0xfc // saturating conversions, bulk memory, tables
	prefixSIMD = 0xfd
)

// skipImmediates reads past the immediates of the instruction whose
// opcode op was just read. It knows the instructions of WebAssembly 2.0
// (what wazero's default features accept) and refuses the others, since
// it could not tell where their immediates end.
func skipImmediates(r *reader, op byte) error {
	switch {
	case op <= 0x01, op == 0x05, op == 0x0b, op == 0x0f, op == 0x1a, op == 0x1b, op == 0xd1:
		// unreachable, nop, else, end, return, drop, select, ref.is_null
		return nil
	case op >= 0x02 && op <= 0x04: // block, loop, if
		return r.signed(33) // blocktype: 0x40, a value type or a type index
	case op == 0x0c, op == 0x0d, op == 0x10, op == 0xd2, // br, br_if, call, ref.func
		op >= 0x20 && op <= 0x26, // local.*, global.*, table.get/set
		op == 0x3f, op == 0x40:   // memory.size, memory.grow (memory index)
		_, err := r.u32()
		return err
	case op == 0x0e: // br_table
		n, err := r.count(1)
		if err != nil {
			return err
		}
		for range n + 1 { // the labels and the default
			if _, err := r.u32(); err != nil {
				return err
			}
		}
		return nil
	case op == 0x11: // call_indirect: type index, table index
		return r.u32s(2)
	case op == 0x1c: // select with types
		n, err := r.count(1)
		if err != nil {
			return err
		}
		_, err = r.bytes(n)
		return err
	case op >= 0x28 && op <= 0x3e: // loads and stores: memarg
		return r.u32s(2)
	case op == 0x41:
		return r.signed(32)
	case op == 0x42:
		return r.signed(64)
	case op == 0x43:
		_, err := r.bytes(4)
		return err
	case op == 0x44:
		_, err := r.bytes(8)
		return err
	case op >= 0x45 && op <= 0xc4: // numeric and sign extension
		return nil
	case op == 0xd0: // ref.null: reference type
		_, err := r.byte()
		return err
	case op == prefixMisc:
		return skipMisc(r)
	case op == prefixSIMD:
		return skipSIMD(r)
	case op == 0x12 || op == 0x13:
		return r.errorf("tail calls (opcode 0x%02x) are not supported: they loop without a loop instruction", op)
	}
	return r.errorf("unknown opcode 0x%02x", op)
}

// u32s skips n unsigned LEB128s.
func (r *reader) u32s(n int) error {
	for range n {
		if _, err := r.u32(); err != nil {
			return err
		}
	}
	return nil
}

// skipMisc skips an 0xfc instruction after its prefix.
func skipMisc(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 0x07: // saturating float to int
		return nil
	case sub == 0x08: // memory.init: data index, memory index
		return r.u32s(2)
	case sub == 0x09, sub == 0x0b, sub == 0x0d, sub >= 0x0f && sub <= 0x11:
		// data.drop, memory.fill, elem.drop, table.grow/size/fill
		return r.u32s(1)
	case sub == 0x0a, sub == 0x0c, sub == 0x0e: // memory.copy, table.init, table.copy
		return r.u32s(2)
	}
	return r.errorf("unknown opcode 0xfc %d", sub)
}

// skipSIMD skips an 0xfd instruction after its prefix.
func skipSIMD(r *reader) error {
	sub, err := r.u32()
	if err != nil {
		return err
	}
	switch {
	case sub <= 0x0b, sub == 0x5c, sub == 0x5d: // loads and stores: memarg
		return r.u32s(2)
	case sub == 0x0c, sub == 0x0d: // v128.const, i8x16.shuffle
		_, err := r.bytes(16)
		return err
	case sub >= 0x15 && sub <= 0x22: // extract and replace lane
		_, err := r.byte()
		return err
	case sub >= 0x54 && sub <= 0x5b: // lane loads and stores: memarg, lane
		if err := r.u32s(2); err != nil {
			return err
		}
		_, err := r.byte()
		return err
	case sub <= 0xff && simdNoImmediate(byte(sub)):
		return nil
	}
	return r.errorf("unknown opcode 0xfd %d", sub)
}

// simdNoImmediate reports whether SIMD opcode sub exists and takes no
// immediate. The gaps are opcodes the SIMD proposal left unassigned.
func simdNoImmediate(sub byte) bool {
	switch sub {
	case 0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0,
		0xd2, 0xd3, 0xd4, 0xe2, 0xee:
		return false
	}
	return sub >= 0x0e // below are the ones with immediates, handled above
}
