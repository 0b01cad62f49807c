package wasm

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/gomesos/mesos/sdk/examples/plugin/binpack-allocator/binpack"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The examples written in Rust with no crates (sdk/examples/wasm-rust):
// proof that a module need not come from the Go SDK. The tests build them
// from source, once per test binary, with the compiler `make
// modules-rust` uses: $RUSTC_WASM, else Debian's /usr/bin/rustc (apt-get
// install rustc libstd-rust-dev-wasm32). Without a rustc that has the
// wasm32-unknown-unknown target they skip.
const rustExamplesDir = "sdk/examples/wasm-rust"

// rustBuild is one example's build.
type rustBuild struct {
	once sync.Once
	path string
	err  error
	skip bool
}

var rustBuilds = struct {
	mu sync.Mutex
	m  map[string]*rustBuild
}{m: map[string]*rustBuild{}}

// rustFlags are the Makefile's RUST_WASM_FLAGS.
var rustFlags = []string{"--edition", "2021", "--target", "wasm32-unknown-unknown", "--crate-type", "cdylib",
	"-C", "opt-level=3", "-C", "panic=abort", "-C", "lto=fat", "-C", "codegen-units=1", "-C", "strip=debuginfo"}

// rustGuest returns the path of the Rust bin-packing module.
func rustGuest(t testing.TB) string { return rustExample(t, "binpack-allocator") }

// rustExample returns the path of the Rust example in
// sdk/examples/wasm-rust/<name>, built into the test binary's temporary
// directory; it skips the test if there is no Rust compiler for
// wasm32-unknown-unknown.
func rustExample(t testing.TB, name string) string {
	t.Helper()
	rustBuilds.mu.Lock()
	rb := rustBuilds.m[name]
	if rb == nil {
		rb = &rustBuild{}
		rustBuilds.m[name] = rb
	}
	rustBuilds.mu.Unlock()
	rb.once.Do(func() {
		rustc := os.Getenv("RUSTC_WASM")
		if rustc == "" {
			rustc = "/usr/bin/rustc"
		}
		out, err := exec.Command(rustc, "--print", "target-libdir", "--target", "wasm32-unknown-unknown").Output()
		if err != nil {
			rb.skip, rb.err = true, fmt.Errorf("Rust WASM module not built: no %s (apt-get install rustc libstd-rust-dev-wasm32, or set RUSTC_WASM): %v", rustc, err)
			return
		}
		if _, err := os.Stat(strings.TrimSpace(string(out))); err != nil {
			rb.skip, rb.err = true, fmt.Errorf("Rust WASM module not built: %s has no wasm32-unknown-unknown standard library (apt-get install libstd-rust-dev-wasm32)", rustc)
			return
		}
		rb.path = filepath.Join(guests.dir, name+"-rs.wasm")
		args := append(append([]string{}, rustFlags...), "-o", rb.path, filepath.Join(rustExamplesDir, name, "src", "lib.rs"))
		cmd := exec.Command(rustc, args...)
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			rb.err = fmt.Errorf("building the Rust module %s: %v\n%s", name, err, out)
		}
	})
	if rb.skip {
		t.Skip(rb.err)
	}
	if rb.err != nil {
		t.Fatal(rb.err)
	}
	return rb.path
}

// The allocator conformance suite against the Rust module, as against
// the Go one in TestAllocatorConformance.
func TestRustAllocatorConformance(t *testing.T) {
	path := rustGuest(t)
	l := newLoader(t, Config{})
	allocatortest.Run(t, func(t *testing.T) allocator.Allocator {
		return load(t, l, modules.Spec{File: path}).Impl.(allocator.Allocator)
	})
}

// The module declares itself as the Rust example and imports nothing:
// wasm32-unknown-unknown, no WASI.
func TestRustAllocatorLoads(t *testing.T) {
	path := rustGuest(t)
	l := newLoader(t, Config{})
	in := load(t, l, modules.Spec{File: path, Kind: "Allocator"})
	if _, ok := in.Impl.(allocator.Allocator); !ok {
		t.Fatalf("impl is %T, want an allocator.Allocator", in.Impl)
	}
	code, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(code), "wasi_snapshot_preview1") {
		t.Error("the Rust module imports WASI; it should import nothing")
	}
}

// Bad input gets a clear error, not a crash, and loses nothing: after a
// malformed Allocate the module still allocates as before.
func TestRustAllocatorBadRequest(t *testing.T) {
	path := rustGuest(t)
	l := newLoader(t, Config{})
	a := load(t, l, modules.Spec{File: path}).Impl.(allocator.Allocator)
	ctx := context.Background()
	if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Allocate: true}); err == nil ||
		!strings.Contains(err.Error(), "Allocate before Initialize") {
		t.Fatalf("Allocate before Initialize: err = %v, want the module's error", err)
	}
	if _, err := a.Initialize(ctx, &allocator.InitializeRequest{Parameters: map[string]string{"max_agents_per_framework": "x"}}); err == nil ||
		!strings.Contains(err.Error(), "max_agents_per_framework") {
		t.Fatalf("bad parameter: err = %v, want one naming it", err)
	}
	if _, err := a.Initialize(ctx, &allocator.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	events := benchCluster(4, 2)
	if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: events}); err != nil {
		t.Fatal(err)
	}
	good, err := a.Allocate(ctx, &allocator.AllocateRequest{Allocate: true})
	if err != nil || len(good.GetAllocations()) != 4 {
		t.Fatalf("first cycle: %d allocations, err %v; want 4", len(good.GetAllocations()), err)
	}
	if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: recoverAll(good)}); err != nil {
		t.Fatal(err)
	}

	// An event batch that does not decode: a valid event (removing an
	// agent) followed by a truncated one (sent as unknown bytes, which the host's encoder
	// passes through). The valid one must not be
	// applied either: all 4 agents are still offered.
	remove := &allocator.Event{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: "agent-0"}}}
	bad := &allocator.AllocateRequest{Events: []*allocator.Event{remove}}
	bad.ProtoReflect().SetUnknown(protoreflect.RawFields{0x0a, 0x05, 0x0a})
	_, err = a.Allocate(ctx, bad)
	var me *ModuleError
	if !errors.As(err, &me) || me.Status != abi.StatusBadRequest || !strings.Contains(me.Msg, "AllocateRequest") {
		t.Fatalf("malformed request: err = %v, want a bad-request status naming AllocateRequest", err)
	}
	again, err := a.Allocate(ctx, &allocator.AllocateRequest{Allocate: true})
	if err != nil || len(again.GetAllocations()) != 4 {
		t.Fatalf("after a bad request: %d allocations, err %v; want 4 as before", len(again.GetAllocations()), err)
	}
}

// The Rust module makes the same decisions as its Go twin (the built-in
// binpack package): cycle after cycle on the benchmark's cluster, with
// everything given back in between, the same frameworks get the same
// resources of the same agents.
func TestRustAllocatorMatchesGo(t *testing.T) {
	path := rustGuest(t)
	l := newLoader(t, Config{})
	rs := load(t, l, modules.Spec{File: path}).Impl.(allocator.Allocator)
	gos := binpack.New()
	ctx := context.Background()
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	for _, a := range []allocator.Allocator{rs, gos} {
		if _, err := a.Initialize(ctx, &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second)}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: benchCluster(300, 40), NowUnixNanos: now}); err != nil {
			t.Fatal(err)
		}
	}
	for cycle := range 4 {
		var got [2]map[string]string
		for i, a := range []allocator.Allocator{rs, gos} {
			resp, err := a.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: now})
			if err != nil {
				t.Fatal(err)
			}
			got[i] = map[string]string{}
			for _, al := range resp.GetAllocations() {
				got[i][al.GetAgentId()] = al.GetFrameworkId() + " " + resources.New(al.GetResources()...).String()
			}
			if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: recoverAll(resp), NowUnixNanos: now}); err != nil {
				t.Fatal(err)
			}
		}
		if len(got[1]) != 300 {
			t.Fatalf("cycle %d: Go allocated %d agents, want all 300", cycle, len(got[1]))
		}
		if !maps.Equal(got[0], got[1]) {
			for agent, g := range got[1] {
				if got[0][agent] != g {
					t.Errorf("cycle %d, %s: Rust %q, Go %q", cycle, agent, got[0][agent], g)
				}
			}
			t.Fatalf("cycle %d: Rust made %d allocations, Go %d, and they differ", cycle, len(got[0]), len(got[1]))
		}
	}
}

// FuzzRustAllocatorRequest sends arbitrary bytes as the Initialize or
// Allocate request of the Rust module, whose protobuf decoding is its
// own: every answer is a response or the module's error, never a crash
// of the instance.
func FuzzRustAllocatorRequest(f *testing.F) {
	for _, req := range []proto.Message{
		&allocator.AllocateRequest{Events: benchCluster(2, 1), Allocate: true},
		&allocator.AllocateRequest{Events: recoverAll(&allocator.AllocateResponse{Allocations: []*allocator.Allocation{{
			FrameworkId: "framework-0", AgentId: "agent-0", Resources: resources.MustParse("cpus:1;ports:[31000-31010]").Allocate("role-0").Protos()}}})},
		&allocator.InitializeRequest{Parameters: map[string]string{"max_agents_per_framework": "2"}},
	} {
		b, err := proto.Marshal(req)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	path := rustGuest(f)
	a := load(f, newLoader(f, Config{}), modules.Spec{File: path}).Impl.(allocator.Allocator)
	ctx := context.Background()
	if _, err := a.Initialize(ctx, &allocator.InitializeRequest{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var err error
		if len(data) > 0 && data[0]%8 == 0 {
			req := &allocator.InitializeRequest{}
			req.ProtoReflect().SetUnknown(data[1:])
			_, err = a.Initialize(ctx, req)
		} else {
			req := &allocator.AllocateRequest{}
			req.ProtoReflect().SetUnknown(data)
			_, err = a.Allocate(ctx, req)
		}
		if errors.Is(err, modules.ErrCrashed) {
			t.Fatalf("the module crashed on %x: %v", data, err)
		}
	})
}
