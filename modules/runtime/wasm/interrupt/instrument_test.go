package interrupt

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// checkSize is the size of one inserted check for indices below 128.
var checkSize = len(appendCheck(nil, 0, 0))

// host is the test's side of the yield import: it counts yields and,
// once stop is set, ends the call.
type host struct {
	yields atomic.Int64
	stop   atomic.Bool
}

var errStopped = errors.New("stopped by the host")

func (h *host) yield(_ context.Context, stack []uint64) {
	h.yields.Add(1)
	if h.stop.Load() {
		panic(errStopped)
	}
	stack[0] = Fuel
}

// instantiate instantiates wasm in a runtime with h's yield as the
// import, and env.f (returns 40) for modules that import it.
func instantiate(t *testing.T, wasm []byte, h *host) api.Module {
	t.Helper()
	ctx := context.Background()
	// The compiler without WithCloseOnContextDone, as the runtime uses it.
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig())
	t.Cleanup(func() { rt.Close(ctx) })
	if h == nil {
		h = &host{}
	}
	_, err := rt.NewHostModuleBuilder(ImportModule).NewFunctionBuilder().
		WithGoFunction(api.GoFunc(h.yield), nil, []api.ValueType{api.ValueTypeI32}).
		Export(ImportName).Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithFunc(func() int32 { return 40 }).Export("f").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
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
	// 3 checks: the loops of spin, count and mixed (none calls, so no
	// entry checks).
	if got, want := len(code(out))-len(code(orig)), 3*checkSize; got != want {
		t.Errorf("code grew by %d bytes, want %d (3 checks)", got, want)
	}
	for _, wasm := range [][]byte{orig, out} {
		res, err := instantiate(t, wasm, nil).ExportedFunction("mixed").Call(context.Background())
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

// The guest yields once every Fuel checks, and a yield that panics stops
// a function that loops for ever.
func TestYieldStopsLoop(t *testing.T) {
	out, err := Instrument(testModule())
	if err != nil {
		t.Fatal(err)
	}
	h := &host{}
	mod := instantiate(t, out, h)
	// count's loop starts n times: n checks, and a yield at the check that
	// uses the last of the fuel: the Fuel-th, the 2 Fuel-th...
	if _, err := mod.ExportedFunction("count").Call(context.Background(), 3*Fuel+1); err != nil {
		t.Fatal(err)
	}
	if got := h.yields.Load(); got != 3 {
		t.Fatalf("%d yields for 3 Fuel + 1 checks, want 3", got)
	}
	done := make(chan error, 1)
	go func() {
		_, err := mod.ExportedFunction("spin").Call(context.Background())
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("spin returned before the host stopped it: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if h.yields.Load() < 100 {
		t.Errorf("%d yields in 100ms of spinning", h.yields.Load())
	}
	h.stop.Store(true)
	select {
	case err := <-done:
		if !errors.Is(err, errStopped) {
			t.Fatalf("spin ended with %v, want the host's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("spin did not stop within 30s of the host's stop")
	}
}

// A module without type, import and global sections gets them, in order.
func TestInstrumentAddsSections(t *testing.T) {
	for _, wasm := range [][]byte{
		magic,
		cat(magic, sec(1, vec([]byte{0x60, 0x00, 0x00})), sec(3, vec([]byte{0x00})), sec(10, vec(body(0x01, 0x0b)))), // nop; end
		cat(magic, sec(5, vec([]byte{0x00, 0x01}))), // only a memory
	} {
		out, err := Instrument(wasm)
		if err != nil {
			t.Fatal(err)
		}
		secs, err := sections(out)
		if err != nil {
			t.Fatal(err)
		}
		last := 0
		for _, s := range secs {
			if order(s.id) <= last {
				t.Errorf("section %d out of order in the output", s.id)
			}
			last = order(s.id)
		}
		if !bytes.Contains(out, []byte(ImportName)) {
			t.Error("no import of the yield")
		}
		instantiate(t, out, nil)
	}
}

// An imported global moves the fuel's index.
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
		// global.get 2; i32.eqz; if; call 0 (the yield); global.set 2; end
		if s.id == secCode && !bytes.Contains(s.content, []byte{0x23, 0x02, 0x45, 0x04, 0x40, 0x10, 0x00, 0x24, 0x02, 0x0b, 0x0b}) {
			t.Errorf("code %x does not check global 2", s.content)
		}
	}
}

// The yield's import moves every defined function up one: calls (with a
// padded index too), ref.func, exports, both forms of element segments,
// a global's initializer and the function names follow.
func TestInstrumentRenumbers(t *testing.T) {
	callIndirect := []byte{0x11, 0x00, 0x00, 0x6a} // call_indirect type 0 table 0; i32.add
	mainCode := cat(
		[]byte{0x10, 0x82, 0x80, 0x80, 0x80, 0x00}, // call 2 (b, 1), padded
		[]byte{0x41, 0x00}, callIndirect,           // table[0]: c from the expression segment, 2
		[]byte{0x41, 0x01}, callIndirect, // table[1]: b from the index segment, 1
		[]byte{0x41, 0x02, 0x41, 0x02, 0x23, 0x00, 0x26, 0x00}, // table[2] = global 0 (ref.func b)
		callIndirect, // 1
		[]byte{0x41, 0x03, 0x41, 0x03, 0xd2, 0x03, 0x26, 0x00}, // table[3] = ref.func c
		[]byte{0x11, 0x00, 0x00, 0x6a},                         // 2
		[]byte{0x10, 0x00, 0x6a},                               // call 0 (env.f, 40)
		[]byte{0x0b},
	)
	// (The i32.const 2 / 3 pushed before each table.set stay on the stack
	// as the call_indirect's operand.)
	wasm := cat(magic,
		sec(1, vec([]byte{0x60, 0x00, 0x01, 0x7f})),
		sec(2, vec(cat(str("env"), str("f"), []byte{0x00, 0x00}))),
		sec(3, vec([]byte{0x00}, []byte{0x00}, []byte{0x00})),
		sec(4, vec([]byte{0x70, 0x00, 0x04})),
		sec(6, vec([]byte{0x70, 0x00, 0xd2, 0x02, 0x0b})), // global 0: ref.func b
		sec(7, vec(cat(str("main"), []byte{0x00, 0x01}), cat(str("b"), []byte{0x00, 0x02}))),
		sec(9, vec(
			cat([]byte{0x04, 0x41, 0x00, 0x0b}, vec([]byte{0xd2, 0x03, 0x0b})), // table[0] = ref.func c
			cat([]byte{0x00, 0x41, 0x01, 0x0b}, vec([]byte{0x02})),             // table[1] = b
		)),
		sec(10, vec(
			append(appendU32(nil, uint32(len(mainCode)+1)), append([]byte{0x00}, mainCode...)...),
			body(0x41, 0x01, 0x0b), // b: 1
			body(0x41, 0x02, 0x0b), // c: 2
		)),
		sec(0, str("name"), []byte{0x01}, func() []byte {
			m := vec(cat([]byte{0x00}, str("f")), cat([]byte{0x01}, str("main")), cat([]byte{0x02}, str("b")), cat([]byte{0x03}, str("c")))
			return append(appendU32(nil, uint32(len(m))), m...)
		}()),
	)
	for i, w := range [][]byte{wasm, nil} {
		if w == nil {
			var err error
			if w, err = Instrument(wasm); err != nil {
				t.Fatal(err)
			}
		}
		mod := instantiate(t, w, nil)
		res, err := mod.ExportedFunction("main").Call(context.Background())
		if err != nil {
			t.Fatalf("module %d: %v", i, err)
		}
		if int32(res[0]) != 47 {
			t.Errorf("module %d: main returned %d, want 47", i, int32(res[0]))
		}
		for _, name := range []string{"main", "b"} {
			if got := mod.ExportedFunction(name).Definition().Name(); got != name {
				t.Errorf("module %d: export %s is named %q", i, name, got)
			}
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
		{"instrumented already", cat(magic, sec(2, vec(cat(str(ImportModule), str(ImportName), []byte{0x00, 0x00})))), "already imports"},
		{"out of order", cat(magic, sec(3, vec()), sec(1, vec())), "out of order"},
		{"twice", cat(magic, sec(1, vec()), sec(1, vec())), "repeated"},
		{"element flags", cat(magic, sec(9, vec([]byte{0x08, 0x00}))), "element segment flags"},
		{"export truncated", cat(magic, sec(7, vec(cat(str("x"), []byte{0x00})))), "unexpected end"},
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
			instantiate(t, out, nil) // still valid
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
