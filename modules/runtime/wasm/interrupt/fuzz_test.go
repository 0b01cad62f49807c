package interrupt

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzInstrument: any input gets an error or a module, never a panic,
// and the input is left as it was. What comes out is well formed by the
// decoder's own reading: instrumenting it again gets as far as the yield's
// import, which it already has (scanning the sections, in order, once). (That wazero still accepts a module it
// accepted before is tested on real modules, TestInstrumentKeepsBehaviour
// and the runtime's tests: fuzzing wazero's decoder with random sections
// mostly finds counts that make it allocate until the process dies.)
func FuzzInstrument(f *testing.F) {
	f.Add(testModule())
	f.Add(cat(magic, sec(1, vec([]byte{0x60, 0x00, 0x00})), sec(3, vec([]byte{0x00})), sec(10, vec(body(0x03, 0x40, 0x0c, 0x00, 0x0b, 0x0b)))))
	f.Add(cat(magic, sec(1, vec([]byte{0x60, 0x00, 0x00})), sec(3, vec([]byte{0x00})), sec(10, vec(body(0x10, 0x00, 0x02, 0x40, 0x0c, 0x00, 0x03, 0x40, 0x0b, 0x0b, 0x0f, 0x0b)))))
	f.Add(magic)
	f.Fuzz(func(t *testing.T, wasm []byte) {
		orig := bytes.Clone(wasm)
		out, err := Instrument(wasm)
		if !bytes.Equal(orig, wasm) {
			t.Fatal("Instrument modified its input")
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), ErrMalformed.Error()) {
				t.Fatalf("error %q does not say the module is malformed", err)
			}
			return
		}
		_, err = Instrument(out)
		if err == nil || !strings.Contains(err.Error(), "already imports") {
			t.Fatalf("instrumenting the output again: %v, want the yield's import found", err)
		}
	})
}
