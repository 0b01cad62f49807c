package interrupt

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// checkSize is the size of one inserted check for a flag index below 128.
var checkSize = len(appendCheck(nil, 0))

func instantiate(t *testing.T, wasm []byte) api.Module {
	t.Helper()
	ctx := context.Background()
	// The compiler without WithCloseOnContextDone, as the runtime uses it.
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig())
	t.Cleanup(func() { rt.Close(ctx) })
	mod, err := rt.Instantiate(ctx, wasm)
	if err != nil {
		t.Fatalf("instantiating: %v", err)
	}
	return mod
}

func TestInstrumentKeepsBehaviour(t *testing.T) {
	orig := testModule()
	out, err := Instrument(orig)
	if err != nil {
		t.Fatal(err)
	}
	// 2 checks: the loops of spin and mixed (neither calls, so no entry
	// checks); plus the global and its export.
	if !bytes.Contains(out, []byte(GlobalExport)) {
		t.Fatal("no export of the flag")
	}
	if bytes.Contains(out, []byte(".debug_info")) {
		t.Error("the DWARF section was kept")
	}
	if !bytes.Contains(out, []byte("producers")) {
		t.Error("a harmless custom section was dropped")
	}
	code := func(wasm []byte) []byte {
		secs, err := sections(wasm)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secs {
			if s.id == secCode {
				return s.content
			}
		}
		t.Fatal("no code section")
		return nil
	}
	if got, want := len(code(out))-len(code(orig)), 2*checkSize; got != want {
		t.Errorf("code grew by %d bytes, want %d (2 checks)", got, want)
	}
	for _, wasm := range [][]byte{orig, out} {
		res, err := instantiate(t, wasm).ExportedFunction("mixed").Call(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if int32(res[0]) != 6 {
			t.Errorf("mixed returned %d, want 6", int32(res[0]))
		}
	}
	// Instrumenting is deterministic (caches rely on it).
	again, _ := Instrument(orig)
	if !bytes.Equal(again, out) {
		t.Error("two instrumentations differ")
	}
}

// Setting the flag stops a function that loops for ever.
func TestFlagStopsLoop(t *testing.T) {
	out, err := Instrument(testModule())
	if err != nil {
		t.Fatal(err)
	}
	mod := instantiate(t, out)
	flag, ok := mod.ExportedGlobal(GlobalExport).(api.MutableGlobal)
	if !ok {
		t.Fatalf("export %s is not a mutable global", GlobalExport)
	}
	if flag.Get() != 0 {
		t.Fatalf("flag starts at %d", flag.Get())
	}
	done := make(chan error, 1)
	go func() {
		_, err := mod.ExportedFunction("spin").Call(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("spin returned before the flag was set: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	flag.Set(1)
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "unreachable") {
			t.Fatalf("spin ended with %v, want an unreachable trap", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("spin did not stop within 30s of the flag being set")
	}
}

// A module without global and export sections gets both, in order.
func TestInstrumentAddsSections(t *testing.T) {
	wasm := cat(magic,
		sec(1, vec([]byte{0x60, 0x00, 0x00})),
		sec(3, vec([]byte{0x00})),
		sec(10, vec(body(0x01, 0x0b))), // nop; end
	)
	out, err := Instrument(wasm)
	if err != nil {
		t.Fatal(err)
	}
	mod := instantiate(t, out)
	if _, ok := mod.ExportedGlobal(GlobalExport).(api.MutableGlobal); !ok {
		t.Fatal("no mutable flag exported")
	}
}

// An imported global shifts the flag's index.
func TestInstrumentCountsImportedGlobals(t *testing.T) {
	wasm := cat(magic,
		sec(1, vec([]byte{0x60, 0x00, 0x00})),
		sec(2, vec(cat(str("env"), str("g"), []byte{0x03, 0x7f, 0x00}))),
		sec(3, vec([]byte{0x00})),
		sec(6, vec([]byte{0x7e, 0x01, 0x42, 0x00, 0x0b})),
		sec(10, vec(body(0x03, 0x40, 0x0b, 0x0b))),
	)
	out, err := Instrument(wasm)
	if err != nil {
		t.Fatal(err)
	}
	secs, _ := sections(out)
	for _, s := range secs {
		if s.id == secExport && !bytes.HasSuffix(s.content, []byte{0x03, 0x02}) {
			t.Errorf("flag exported as %x, want global 2", s.content[len(s.content)-2:])
		}
		if s.id == secCode && !bytes.Contains(s.content, []byte{0x23, 0x02, 0x04, 0x40, 0x00, 0x0b}) {
			t.Errorf("code %x does not check global 2", s.content)
		}
	}
}

func TestInstrumentErrors(t *testing.T) {
	good := testModule()
	withCode := func(b []byte) []byte {
		return cat(magic, sec(1, vec([]byte{0x60, 0x00, 0x00})), sec(3, vec([]byte{0x00})), sec(10, vec(b)))
	}
	for _, tc := range []struct {
		name string
		wasm []byte
		want string
	}{
		{"empty", nil, "no \\0asm magic"},
		{"text", []byte("(module)"), "no \\0asm magic"},
		{"version", cat(magic[:4], []byte{2, 0, 0, 0}), "version"},
		{"truncated", good[:len(good)-5], "bytes wanted"},
		{"truncated body", withCode(cat([]byte{0x05, 0x00, 0x03, 0x40}, nil)), "bytes wanted"},
		{"section id", cat(magic, []byte{0x0d, 0x00}), "unknown section id 13"},
		{"start section", cat(magic, sec(8, []byte{0x00})), "start section"},
		{"tail call", withCode(body(0x12, 0x00, 0x0b)), "tail calls"},
		{"unknown opcode", withCode(body(0x06, 0x0b)), "unknown opcode 0x06"},
		{"unknown simd", withCode(body(0xfd, 0x9a, 0x01, 0x0b)), "unknown opcode 0xfd 154"},
		{"unknown misc", withCode(body(0xfc, 0x12, 0x0b)), "unknown opcode 0xfc 18"},
		{"no end", withCode(body(0x01)), "unexpected end"},
		{"code after end", withCode(body(0x0b, 0x01)), "after the function's end"},
		{"long leb", withCode(body(0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b)), "longer than"},
		{"huge count", withCode(nil)[:len(withCode(nil))-1], ""},
		{"clash", cat(magic, sec(7, vec(cat(str(GlobalExport), []byte{0x00, 0x00})))), "already exports"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Instrument(tc.wasm)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// Entry checks go only where a function that makes calls can return
// along a path that passes no loop start.
func TestEntryChecks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		code   []byte
		checks int
	}{
		{"no loop, no call", []byte{0x01, 0x0b}, 0},
		{"no loop, a call", []byte{0x10, 0x00, 0x0b}, 1},
		{"go style: all in a loop", []byte{0x10, 0x00, 0x02, 0x40, 0x03, 0x40, 0x0c, 0x01, 0x0b, 0x00, 0x0b, 0x0b}, 1}, // call; block loop br 1 end unreachable end
		{"return after a loop it passed", []byte{0x10, 0x00, 0x03, 0x40, 0x0b, 0x0f, 0x0b}, 1},                         // call; loop end; return
		{"branch around a loop", []byte{0x10, 0x00, 0x02, 0x40, 0x0c, 0x00, 0x03, 0x40, 0x0b, 0x0b, 0x0f, 0x0b}, 2},    // call; block br 0 loop end end; return
		{"if around a loop", []byte{0x10, 0x00, 0x41, 0x00, 0x04, 0x40, 0x03, 0x40, 0x0b, 0x0b, 0x0b}, 2},
		{"loops in then and else", []byte{0x10, 0x00, 0x41, 0x00, 0x04, 0x40, 0x03, 0x40, 0x0b, 0x05, 0x03, 0x40, 0x0b, 0x0b, 0x0b}, 2},
		{"loop in then only", []byte{0x10, 0x00, 0x41, 0x00, 0x04, 0x40, 0x03, 0x40, 0x0b, 0x05, 0x01, 0x0b, 0x0b}, 2},
		{"branch out of the function", []byte{0x10, 0x00, 0x02, 0x40, 0x0c, 0x01, 0x0b, 0x03, 0x40, 0x0b, 0x00, 0x0b}, 2},
		{"br_table default out", []byte{0x10, 0x00, 0x02, 0x40, 0x41, 0x00, 0x0e, 0x00, 0x01, 0x0b, 0x03, 0x40, 0x0b, 0x00, 0x0b}, 2},
		{"branch out from inside a loop", []byte{0x10, 0x00, 0x03, 0x40, 0x0c, 0x01, 0x0b, 0x00, 0x0b}, 1},
		{"starts with a loop", []byte{0x03, 0x40, 0x0b, 0x0b}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wasm := cat(magic, sec(1, vec([]byte{0x60, 0x00, 0x00})), sec(3, vec([]byte{0x00})), sec(10, vec(body(tc.code...))))
			out, err := Instrument(wasm)
			if err != nil {
				t.Fatal(err)
			}
			if got := (len(out) - len(wasm) - extraBytes(t, wasm, out)) / checkSize; got != tc.checks {
				t.Errorf("%d checks, want %d", got, tc.checks)
			}
			instantiate(t, out) // still valid
		})
	}
}

// extraBytes is what Instrument adds besides checks: the global, its
// export and the sections holding them.
func extraBytes(t *testing.T, wasm, out []byte) int {
	t.Helper()
	code := func(b []byte) int {
		secs, err := sections(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secs {
			if s.id == secCode {
				return len(s.content)
			}
		}
		return 0
	}
	return len(out) - len(wasm) - (code(out) - code(wasm))
}
