package interrupt

import (
	"errors"
	"fmt"
)

// ErrMalformed marks input that is not a WebAssembly module this package
// can instrument.
var ErrMalformed = errors.New("malformed wasm module")

// Error is a decoding error at a byte offset of the module.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: at byte %d: %s", ErrMalformed, e.Offset, e.Msg)
}

func (e *Error) Unwrap() error { return ErrMalformed }

// reader reads a WebAssembly binary. base is the offset of b[0] in the
// whole module, for errors.
type reader struct {
	b    []byte
	pos  int
	base int
}

func (r *reader) errorf(format string, args ...any) error {
	return &Error{Offset: r.base + r.pos, Msg: fmt.Sprintf(format, args...)}
}

func (r *reader) done() bool { return r.pos >= len(r.b) }

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, r.errorf("unexpected end")
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

// bytes returns the next n bytes (a view, not a copy).
func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.pos {
		return nil, r.errorf("%d bytes wanted, %d left", n, len(r.b)-r.pos)
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s, nil
}

// u32 reads an unsigned LEB128 of at most 32 bits.
func (r *reader) u32() (uint32, error) {
	var v uint32
	for i := 0; i < 5; i++ {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 4 && c > 0x0f {
			return 0, r.errorf("u32 overflows 32 bits")
		}
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, r.errorf("u32 longer than 5 bytes")
}

// signed skips a signed LEB128 of at most bits bits (s32, s33, s64).
func (r *reader) signed(bits int) error {
	max := (bits + 6) / 7
	for i := 0; i < max; i++ {
		c, err := r.byte()
		if err != nil {
			return err
		}
		if c&0x80 == 0 {
			return nil
		}
	}
	return r.errorf("s%d longer than %d bytes", bits, max)
}

// count reads a vector length and checks that at least min bytes per
// element are left, so that a huge count in a small input fails at once.
func (r *reader) count(min int) (int, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n)*uint64(min) > uint64(len(r.b)-r.pos) {
		return 0, r.errorf("count %d does not fit in the %d bytes left", n, len(r.b)-r.pos)
	}
	return int(n), nil
}

// name reads a length-prefixed byte string.
func (r *reader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(int(n))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// appendU32 appends v as an unsigned LEB128.
func appendU32(b []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// appendS32 appends v as a signed LEB128.
func appendS32(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// appendName appends a length-prefixed byte string.
func appendName(b []byte, s string) []byte {
	return append(appendU32(b, uint32(len(s))), s...)
}
