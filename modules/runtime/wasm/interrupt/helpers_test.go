package interrupt

// Helpers to write small modules byte by byte.

func sec(id byte, content ...[]byte) []byte {
	var c []byte
	for _, p := range content {
		c = append(c, p...)
	}
	return append(append([]byte{id}, appendU32(nil, uint32(len(c)))...), c...)
}

func vec(items ...[]byte) []byte {
	out := appendU32(nil, uint32(len(items)))
	for _, it := range items {
		out = append(out, it...)
	}
	return out
}

func str(s string) []byte { return append(appendU32(nil, uint32(len(s))), s...) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// body is a function body without locals.
func body(code ...byte) []byte {
	b := append([]byte{0x00}, code...)
	return append(appendU32(nil, uint32(len(b))), b...)
}

func rep(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// testModule has three functions: "spin" loops for ever (its first
// instruction is the loop); "count" loops as many times as its argument
// says; "mixed" returns 6 through instructions whose
// immediates hold 0x03 bytes (the loop opcode) in many places: memargs,
// constants, br_table, SIMD lanes, 0xfc instructions, and a loop with a
// result. It exports its memory and has a custom ".debug_info" section
// and a "name"-like custom section.
func testModule() []byte {
	mixed := cat(
		[]byte{0x02, 0x40, 0x41, 0x01, 0x0e, 0x01, 0x00, 0x00, 0x0b},      // block; i32.const 1; br_table 0 0; end
		[]byte{0x03, 0x7f, 0x41, 0x03, 0x0b},                              // loop (result i32) i32.const 3 end
		[]byte{0x41, 0x00, 0x28, 0x02, 0x03, 0x6a},                        // i32.const 0; i32.load offset=3; i32.add
		[]byte{0xfd, 0x0c}, rep(0x03, 16), []byte{0xfd, 0x15, 0x03, 0x6a}, // v128.const; i8x16.extract_lane_s 3; add
		[]byte{0x44}, rep(0x03, 8), []byte{0xfc, 0x02, 0x6a}, // f64.const; i32.trunc_sat_f64_s; add
		[]byte{0x41, 0x00, 0x41, 0x03, 0x41, 0x00, 0xfc, 0x0b, 0x00}, // memory.fill 0 3 0
		[]byte{0x0b},
	)
	return cat(magic,
		sec(1, vec([]byte{0x60, 0x00, 0x00}, []byte{0x60, 0x00, 0x01, 0x7f}, []byte{0x60, 0x01, 0x7f, 0x00})),
		sec(3, vec([]byte{0x00}, []byte{0x01}, []byte{0x02})),
		sec(5, vec([]byte{0x00, 0x01})),
		sec(7, vec(cat(str("spin"), []byte{0x00, 0x00}), cat(str("mixed"), []byte{0x00, 0x01}), cat(str("memory"), []byte{0x02, 0x00}), cat(str("count"), []byte{0x00, 0x02}))),
		sec(10, vec(
			body(0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b), // loop; br 0; end
			append(appendU32(nil, uint32(len(mixed)+1)), append([]byte{0x00}, mixed...)...),
			// loop; local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0; end
			body(0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x0b),
		)),
		sec(0, str(".debug_info"), []byte{0x03, 0x03}),
		sec(0, str("producers"), []byte{0x00}),
	)
}
