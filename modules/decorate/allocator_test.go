package decorate

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// fakeAllocator records its calls; fail makes Allocate (or Initialize)
// misbehave in the way given.
type fakeAllocator struct {
	mu       sync.Mutex
	name     string
	fail     string // "", "error", "hang", "panic", "init"
	inits    []*allocator.InitializeRequest
	requests []*allocator.AllocateRequest
}

func (f *fakeAllocator) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.inits = append(f.inits, req)
	if f.fail == "init" {
		return nil, errors.New("cannot initialize")
	}
	return &allocator.InitializeResponse{}, nil
}

func (f *fakeAllocator) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	f.mu.Lock()
	f.requests = append(f.requests, req)
	fail := f.fail
	f.mu.Unlock()
	switch fail {
	case "error":
		return nil, errors.New("allocator bug")
	case "hang":
		<-ctx.Done()
		return nil, ctx.Err()
	case "panic":
		panic("index out of range")
	}
	return &allocator.AllocateResponse{Allocations: []*allocator.Allocation{{FrameworkId: f.name, AgentId: "a1"}}}, nil
}

func (f *fakeAllocator) set(fail string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = fail
}

func (f *fakeAllocator) calls() (inits, allocs int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.inits), len(f.requests)
}

var snapshotEvents = []*allocator.Event{
	{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{AgentId: "a1", Active: true}}},
	{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{FrameworkId: "f1", Active: true}}},
}

type allocFixture struct {
	*fixture
	module, builtin *fakeAllocator
	alloc           *Allocator
	now             time.Time
	snapshots       int
}

func newAllocFixture(t *testing.T, fail string, retry time.Duration) *allocFixture {
	t.Helper()
	spec := modules.Spec{Library: "liballoc", Name: "org_example_alloc", Kind: modules.KindAllocator, Runtime: modules.RuntimeWASM,
		Parameters: map[string]string{"greed": "0.5"}, CallTimeout: 30 * time.Millisecond}
	af := &allocFixture{
		fixture: newFixture(t, spec),
		module:  &fakeAllocator{name: "module", fail: fail},
		builtin: &fakeAllocator{name: "builtin"},
		now:     time.Unix(1000, 0),
	}
	var err error
	af.alloc, err = NewAllocator(af.d, af.module, AllocatorOptions{
		Fallback: af.builtin, FallbackName: "HierarchicalDRF", FallbackParameters: map[string]string{"seed": "1"},
		Snapshot: func(context.Context) ([]*allocator.Event, error) {
			af.snapshots++
			return snapshotEvents, nil
		},
		RetryAfter: retry,
		Now:        func() time.Time { return af.now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return af
}

func (af *allocFixture) cycle(t *testing.T, events ...*allocator.Event) string {
	t.Helper()
	resp, err := af.alloc.Allocate(context.Background(), &allocator.AllocateRequest{Events: events, Allocate: true, NowUnixNanos: 7})
	if err != nil {
		t.Fatalf("Allocate: %v", err)
	}
	return resp.GetAllocations()[0].GetFrameworkId()
}

func TestAllocatorModuleServes(t *testing.T) {
	af := newAllocFixture(t, "", 0)
	if _, err := af.alloc.Initialize(context.Background(), &allocator.InitializeRequest{AllocationIntervalNanos: 1e9}); err != nil {
		t.Fatal(err)
	}
	if who := af.cycle(t); who != "module" {
		t.Errorf("served by %s", who)
	}
	if got := af.module.inits[0].GetParameters()["greed"]; got != "0.5" {
		t.Errorf("module not initialized with its manifest parameters: %v", af.module.inits[0].GetParameters())
	}
	if i, a := af.builtin.calls(); i+a != 0 || af.alloc.OnFallback() {
		t.Error("fallback used while the module works")
	}
}

func TestAllocatorFallsBack(t *testing.T) {
	for _, fail := range []string{"error", "hang", "panic"} {
		t.Run(fail, func(t *testing.T) {
			af := newAllocFixture(t, "", 0)
			if _, err := af.alloc.Initialize(context.Background(), &allocator.InitializeRequest{ExpectedAgentCount: 5}); err != nil {
				t.Fatal(err)
			}
			af.cycle(t)
			af.module.set(fail)
			pending := &allocator.Event{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: "a9"}}}
			if who := af.cycle(t, pending); who != "builtin" {
				t.Fatalf("served by %s after the module failed", who)
			}
			// The built-in started from the master's snapshot, not from
			// the failed batch, with its own parameters and no wait for
			// agents.
			init := af.builtin.inits[0]
			if init.GetParameters()["seed"] != "1" || init.GetParameters()["greed"] != "" || init.GetExpectedAgentCount() != 0 {
				t.Errorf("built-in initialized with %v", init)
			}
			first := af.builtin.requests[0]
			if len(first.GetEvents()) != len(snapshotEvents) || !first.GetAllocate() || first.GetNowUnixNanos() != 7 || af.snapshots != 1 {
				t.Errorf("built-in's first request %v (snapshots %d)", first, af.snapshots)
			}
			// From then on the built-in gets the master's batches as they
			// are, and the module is left alone.
			_, before := af.module.calls()
			next := &allocator.Event{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: "a1"}}}
			if who := af.cycle(t, next); who != "builtin" {
				t.Errorf("served by %s", who)
			}
			if got := af.builtin.requests[1].GetEvents(); len(got) != 1 || got[0] != next {
				t.Errorf("built-in got %v, want the batch", got)
			}
			if _, after := af.module.calls(); after != before || af.snapshots != 1 {
				t.Error("module called again, or snapshot taken again, with no retry configured")
			}
			// Loudly, once.
			msg := "allocator module org_example_alloc failed; falling back to built-in HierarchicalDRF"
			if n := strings.Count(af.log.String(), msg); n != 1 {
				t.Errorf("%d fallback log lines, want 1:\n%s", n, af.log)
			}
			if !strings.Contains(af.log.String(), "level=ERROR msg=\"allocator module") {
				t.Errorf("fallback not logged at ERROR:\n%s", af.log)
			}
			s := af.d.Status()
			if s.State != StateFailed || s.Fallback != "HierarchicalDRF" || !af.alloc.OnFallback() {
				t.Errorf("status %+v", s)
			}
			if af.flat(t)["modules/liballoc/org_example_alloc/fallbacks"] != 1 {
				t.Error("fallback not counted")
			}
		})
	}
}

func TestAllocatorInitializeFallsBack(t *testing.T) {
	af := newAllocFixture(t, "init", 0)
	if _, err := af.alloc.Initialize(context.Background(), &allocator.InitializeRequest{}); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if who := af.cycle(t); who != "builtin" || af.snapshots != 0 {
		t.Errorf("served by %s, %d snapshots (none needed: the built-in saw everything)", who, af.snapshots)
	}
}

func TestAllocatorCanceledDoesNotFallBack(t *testing.T) {
	af := newAllocFixture(t, "hang", 0)
	if _, err := af.alloc.Initialize(context.Background(), &allocator.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := af.alloc.Allocate(ctx, &allocator.AllocateRequest{Allocate: true}); ClassOf(err) != ClassCanceled {
		t.Errorf("error %v", err)
	}
	if af.alloc.OnFallback() {
		t.Error("fell back because the master shut down")
	}
}

func TestAllocatorWithoutFallbackPropagates(t *testing.T) {
	f := newFixture(t, modules.Spec{Library: "l", Name: "a", Kind: modules.KindAllocator, Runtime: modules.RuntimeBuiltin})
	a, err := NewAllocator(f.d, &fakeAllocator{fail: "error"}, AllocatorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = a.Initialize(context.Background(), &allocator.InitializeRequest{})
	if _, err := a.Allocate(context.Background(), &allocator.AllocateRequest{}); ClassOf(err) != ClassError {
		t.Errorf("error %v", err)
	}
	if _, err := NewAllocator(f.d, &fakeAllocator{}, AllocatorOptions{Fallback: &fakeAllocator{}}); err == nil {
		t.Error("fallback without a snapshot accepted")
	}
}

func TestAllocatorRetriesAndSwitchesBack(t *testing.T) {
	af := newAllocFixture(t, "", time.Minute)
	if _, err := af.alloc.Initialize(context.Background(), &allocator.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	af.module.set("error")
	if who := af.cycle(t); who != "builtin" {
		t.Fatalf("served by %s", who)
	}
	// Before RetryAfter: the built-in serves, the module is not tried.
	af.now = af.now.Add(30 * time.Second)
	_, before := af.module.calls()
	af.cycle(t)
	if _, after := af.module.calls(); after != before {
		t.Error("module retried early")
	}
	// After RetryAfter, still failing: tried once, the built-in serves.
	af.now = af.now.Add(31 * time.Second)
	if who := af.cycle(t); who != "builtin" {
		t.Errorf("served by %s", who)
	}
	if !strings.Contains(af.log.String(), "still failing") {
		t.Errorf("failed retry not logged:\n%s", af.log)
	}
	// Fixed: re-initialized, fed the snapshot, and back in charge.
	af.module.set("")
	af.now = af.now.Add(2 * time.Minute)
	if who := af.cycle(t); who != "module" {
		t.Fatalf("served by %s after the module recovered", who)
	}
	last := af.module.requests[len(af.module.requests)-1]
	if len(last.GetEvents()) != len(snapshotEvents) {
		t.Errorf("module resumed without the snapshot: %v", last)
	}
	if inits, _ := af.module.calls(); inits != 3 {
		t.Errorf("module initialized %d times, want 3 (start, failed retry, retry)", inits)
	}
	if !strings.Contains(af.log.String(), "allocator module org_example_alloc recovered; switching back from built-in HierarchicalDRF") {
		t.Errorf("switch back not logged:\n%s", af.log)
	}
	if s := af.d.Status(); s.State != StateHealthy || s.Fallback != "" || af.alloc.OnFallback() {
		t.Errorf("status %+v", s)
	}
	// A second failure falls back again, and the built-in starts afresh.
	af.module.set("error")
	builtinInits, _ := af.builtin.calls()
	if who := af.cycle(t); who != "builtin" {
		t.Errorf("served by %s", who)
	}
	if inits, _ := af.builtin.calls(); inits != builtinInits+1 {
		t.Error("built-in not re-initialized when it took over again")
	}
}

func TestAllocatorRejectCountsAgainstTheModuleOnly(t *testing.T) {
	af := newAllocFixture(t, "", 0)
	_, _ = af.alloc.Initialize(context.Background(), &allocator.InitializeRequest{})
	af.cycle(t)
	af.alloc.Reject("not free", errors.New("cpus:4 on a1 is allocated"))
	af.module.set("error")
	af.cycle(t)
	af.alloc.Reject("not free", errors.New("from the built-in"))
	if got := af.d.Status().Rejected; got != 1 {
		t.Errorf("%d rejections counted against the module, want 1", got)
	}
}
