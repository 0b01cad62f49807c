package decorate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/prometheus/client_golang/prometheus"
)

// fixture is a decorator on a fresh registry with its log captured.
type fixture struct {
	reg *prometheus.Registry
	d   *Decorator
	log *bytes.Buffer
}

func newFixture(t *testing.T, spec modules.Spec) *fixture {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if spec.Name == "" {
		spec = modules.Spec{Library: "lib", Name: "mod", Kind: modules.KindHook, Runtime: modules.RuntimeBuiltin}
	}
	return &fixture{reg: reg, d: New(spec, Options{Metrics: m, Logger: log}), log: &buf}
}

func (f *fixture) flat(t *testing.T) map[string]float64 {
	t.Helper()
	out, err := Flat(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ok(ctx context.Context) (int, error) { return 42, nil }

func TestCallCountsAndReturns(t *testing.T) {
	f := newFixture(t, modules.Spec{})
	for range 3 {
		if v, err := Call(context.Background(), f.d, "masterSlaveLostHook", ok); v != 42 || err != nil {
			t.Fatalf("Call = %v, %v", v, err)
		}
	}
	flat := f.flat(t)
	for name, want := range map[string]float64{
		"modules/lib/mod/calls":                                3,
		"modules/lib/mod/masterSlaveLostHook/calls":            3,
		"modules/lib/mod/masterSlaveLostHook/latency_ms/count": 3,
		"modules/lib/mod/errors":                               0,
		"modules/lib/mod/healthy":                              1,
		"modules/lib/mod/failed":                               0,
	} {
		if flat[name] != want {
			t.Errorf("%s = %v, want %v", name, flat[name], want)
		}
	}
	if _, ok := flat["modules/lib/mod/masterSlaveLostHook/latency_ms/p99"]; !ok {
		t.Error("no latency percentiles")
	}
	s := f.d.Status()
	if s.State != StateHealthy || s.Calls != 3 || s.Errors != 0 || len(s.Methods) != 1 || s.Methods[0].Calls != 3 {
		t.Errorf("status %+v", s)
	}
}

func TestCallDeadline(t *testing.T) {
	spec := modules.Spec{Library: "lib", Name: "slow", Kind: modules.KindHook, Runtime: modules.RuntimePlugin, CallTimeout: 20 * time.Millisecond}
	f := newFixture(t, spec)
	start := time.Now()
	_, err := Call(context.Background(), f.d, "slaveResourcesDecorator", func(ctx context.Context) (int, error) {
		<-ctx.Done()
		return 0, ctx.Err()
	})
	if time.Since(start) > time.Second {
		t.Fatal("deadline not applied")
	}
	var ce *CallError
	if !errors.As(err, &ce) || ce.Class != ClassTimeout || ce.Timeout != 20*time.Millisecond || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %#v", err)
	}
	if !strings.Contains(err.Error(), "Hook module 'lib/slow' slaveResourcesDecorator timed out after 20ms") {
		t.Errorf("error text %q", err)
	}
	if flat := f.flat(t); flat["modules/lib/slow/errors/timeout"] != 1 || flat["modules/lib/slow/slaveResourcesDecorator/errors"] != 1 {
		t.Errorf("timeout not counted: %v", flat)
	}
	if s := f.d.Status(); s.State != StateFailing || s.LastError == "" || s.LastErrorTime == nil {
		t.Errorf("status %+v", s)
	}
}

func TestCallDefaultDeadlineAndUnbounded(t *testing.T) {
	spec := modules.Spec{Library: "l", Name: "iso", Kind: modules.KindIsolator, Runtime: modules.RuntimeBuiltin}
	f := newFixture(t, spec)
	deadline := func(method string) (time.Duration, bool) {
		var left time.Duration
		var has bool
		_, _ = Call(context.Background(), f.d, method, func(ctx context.Context) (int, error) {
			var dl time.Time
			dl, has = ctx.Deadline()
			left = time.Until(dl)
			return 0, nil
		})
		return left, has
	}
	if left, has := deadline("Prepare"); !has || left <= 50*time.Second || left > time.Minute {
		t.Errorf("Prepare deadline %v, %v; want the isolator default (1 minute)", left, has)
	}
	if _, has := deadline("Watch"); has {
		t.Error("Watch, which blocks by design, got a deadline")
	}
}

func TestCallPanicContained(t *testing.T) {
	f := newFixture(t, modules.Spec{})
	_, err := Call(context.Background(), f.d, "slaveAttributesDecorator", func(context.Context) (int, error) {
		var m map[string]int
		m["boom"]++ // a real runtime panic
		return 0, nil
	})
	var pe *PanicError
	if ClassOf(err) != ClassPanic || !errors.As(err, &pe) || len(pe.Stack) == 0 {
		t.Fatalf("error %v", err)
	}
	if !strings.Contains(err.Error(), "panicked: assignment to entry in nil map") {
		t.Errorf("error text %q", err)
	}
	if s := f.d.Status(); s.State != StateFailed {
		t.Errorf("a panic leaves the module %s, want failed", s.State)
	}
	if !strings.Contains(f.log.String(), "module panicked") || !strings.Contains(f.log.String(), "stack=") {
		t.Errorf("panic not logged with its stack: %s", f.log)
	}
	// It recovers with the next good call.
	if _, err := Call(context.Background(), f.d, "slaveAttributesDecorator", ok); err != nil || f.d.Status().State != StateHealthy {
		t.Errorf("no recovery: %v, %s", err, f.d.Status().State)
	}
}

func TestCallCrashFailsAtOnce(t *testing.T) {
	f := newFixture(t, modules.Spec{})
	_, err := Call(context.Background(), f.d, "m", func(context.Context) (int, error) {
		return 0, fmt.Errorf("plugin process exited: %w", modules.ErrCrashed)
	})
	if ClassOf(err) != ClassCrash || !errors.Is(err, modules.ErrCrashed) || f.d.Status().State != StateFailed {
		t.Errorf("crash: %v, %s", err, f.d.Status().State)
	}
}

func TestCallCanceledIsNotTheModules(t *testing.T) {
	f := newFixture(t, modules.Spec{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Call(ctx, f.d, "m", func(ctx context.Context) (int, error) { return 0, ctx.Err() })
	if ClassOf(err) != ClassCanceled {
		t.Fatalf("class %s", ClassOf(err))
	}
	if s := f.d.Status(); s.State != StateHealthy || s.Errors != 0 || s.Calls != 1 {
		t.Errorf("status %+v", s)
	}
}

func TestStateTransitions(t *testing.T) {
	f := newFixture(t, modules.Spec{}) // hook policy: failed after 3 in a row
	bad := func(context.Context) (int, error) { return 0, errors.New("nope") }
	var got []State
	for range 4 {
		_, _ = Call(context.Background(), f.d, "m", bad)
		got = append(got, f.d.Status().State)
	}
	_, _ = Call(context.Background(), f.d, "m", ok)
	got = append(got, f.d.Status().State)
	want := []State{StateFailing, StateFailing, StateFailed, StateFailed, StateHealthy}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("states %v, want %v", got, want)
	}
	// One log line per transition, not per failure.
	if n := strings.Count(f.log.String(), "module failing"); n != 1 {
		t.Errorf("%d 'failing' lines:\n%s", n, f.log)
	}
	if n := strings.Count(f.log.String(), "module failed"); n != 1 {
		t.Errorf("%d 'failed' lines:\n%s", n, f.log)
	}
	if !strings.Contains(f.log.String(), "module recovered") {
		t.Error("recovery not logged")
	}
}

func TestReject(t *testing.T) {
	f := newFixture(t, modules.Spec{})
	err := f.d.Reject("masterLaunchTaskResourceDecorator", "invalid resources", errors.New("negative cpus"))
	if ClassOf(err) != ClassRejected || !strings.Contains(err.Error(), "output rejected: negative cpus") {
		t.Errorf("error %v", err)
	}
	flat := f.flat(t)
	if flat["modules/lib/mod/rejected"] != 1 || flat["modules/lib/mod/errors/rejected"] != 1 {
		t.Errorf("rejection not counted: %v", flat)
	}
	if s := f.d.Status(); s.Rejected != 1 || s.State != StateFailing {
		t.Errorf("status %+v", s)
	}
}

func TestPolicies(t *testing.T) {
	for kind, want := range map[modules.Kind]Failure{
		modules.KindAuthenticator:     FailClosed,
		modules.KindHTTPAuthenticator: FailClosed,
		modules.KindAuthorizer:        FailClosed,
		modules.KindAllocator:         FallBack,
		modules.KindHook:              Skip,
		modules.KindIsolator:          Propagate,
	} {
		if p := PolicyFor(kind); p.OnFailure != want || p.Timeout <= 0 || p.FailAfter < 1 {
			t.Errorf("%s policy %+v, want %s", kind, p, want)
		}
	}
	for _, k := range modules.Kinds() {
		if p := PolicyFor(k); p.Timeout <= 0 || p.OnFailure == "" {
			t.Errorf("%s has no policy: %+v", k, p)
		}
	}
}

func TestMetricsShareARegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewMetrics(reg)
	if err != nil || a.calls != b.calls {
		t.Errorf("second NewMetrics on one registry: %v (same vectors: %v)", err, a.calls == b.calls)
	}
	bad := prometheus.NewRegistry()
	bad.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: MetricCalls, Help: "x"}))
	if _, err := NewMetrics(bad); err == nil {
		t.Error("conflicting metric accepted")
	}
}

func TestFlatLibraryIsOneSegment(t *testing.T) {
	f := newFixture(t, modules.Spec{Library: "/opt/mesos/modules/gpu.wasm", Name: "org_gpu", Kind: modules.KindIsolator, Runtime: modules.RuntimeWASM})
	_, _ = Call(context.Background(), f.d, "Prepare", ok)
	if f.flat(t)["modules/gpu.wasm/org_gpu/Prepare/calls"] != 1 {
		t.Errorf("flat names %v", f.flat(t))
	}
}

func BenchmarkCall(b *testing.B) {
	reg := prometheus.NewRegistry()
	m, _ := NewMetrics(reg)
	d := New(modules.Spec{Library: "l", Name: "m", Kind: modules.KindAllocator, Runtime: modules.RuntimeBuiltin}, Options{Metrics: m})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = Call(ctx, d, "Allocate", ok)
	}
}
