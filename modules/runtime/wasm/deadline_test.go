package wasm

import (
	"context"
	"errors"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// The instrumentation (package interrupt) stops a guest that loops for
// ever at its deadline: on a first load, which instruments the module and
// caches the result, and on a load after a "restart" that takes the
// instrumented module from the cache. The instance is thrown
// away and the next call gets a new one.
func TestDeadlineStopsLoopThroughInstrumentation(t *testing.T) {
	dir := t.TempDir()
	for _, round := range []string{"instrumented now", "instrumented module from the cache"} {
		t.Run(round, func(t *testing.T) {
			l := newLoader(t, Config{CacheDir: dir, PoolSize: 1})
			if !l.instruments() {
				t.Fatal("the default Loader does not instrument")
			}
			in := load(t, l, modules.Spec{File: guest(t, chaosPkg), Kind: modules.KindHook, CallTimeout: time.Second})
			if m := in.Impl.(*hookClient).c.m; !m.instrumented {
				t.Fatal("module not instrumented")
			}
			entries, err := os.ReadDir(dir + "/instrumented")
			if err != nil || len(entries) != 1 {
				t.Fatalf("instrumented cache holds %v (%v), want one module", entries, err)
			}
			h := in.Impl.(hook.Hook)
			ctx := context.Background()
			if _, err := labelCall(ctx, h, "ok"); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err = labelCall(ctx, h, "loop")
			took := time.Since(start)
			var ce *CallError
			if !errors.As(err, &ce) || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, modules.ErrCrashed) {
				t.Fatalf("error %v (%T), want a *CallError for the deadline", err, err)
			}
			wantErrContains(t, err, "timed out after 1s")
			if took < time.Second || took > 15*time.Second {
				t.Errorf("the looping call returned after %v, want about the 1s timeout", took)
			}
			resp, err := labelCall(ctx, h, "ok")
			if err != nil {
				t.Fatal(err)
			}
			if got := label(resp.GetLabels(), "calls"); got != "1" {
				t.Errorf("calls = %s after the timeout, want 1 (a new instance)", got)
			}
		})
	}
}

// A call that ends as its deadline passes leaves the instance usable: a
// deadline noticed late does not interrupt the next call. (wazero's
// WithCloseOnContextDone, used before, failed this now and then: its
// watcher closed the module after the call had returned.)
func TestDeadlineAtTheEndOfACall(t *testing.T) {
	h := load(t, newLoader(t, Config{PoolSize: 1}), modules.Spec{File: guest(t, chaosPkg), Kind: modules.KindHook}).
		Impl.(hook.Hook)
	for i := range 200 {
		// Deadlines around the time a call takes; some calls time out
		// (and lose their instance), the others must succeed cleanly.
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%20)*5*time.Microsecond)
		_, err := labelCall(ctx, h, "ok")
		cancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("call %d: %v", i, err)
		}
		if _, err := labelCall(context.Background(), h, "ok"); err != nil {
			t.Fatalf("call %d after a call with a short deadline: %v", i, err)
		}
	}
}

// A caller that cancels its context (no deadline) stops a looping guest
// too: yield checks the context.
func TestCallerCancelsWithoutDeadline(t *testing.T) {
	h := chaosHook(t, modules.Spec{CallTimeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := labelCall(ctx, h, "loop")
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("the canceled call returned after %v", took)
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("error %v, want a crash by cancellation", err)
	}
	wantErrContains(t, err, "canceled by the caller")
	if _, err := labelCall(context.Background(), h, "ok"); err != nil {
		t.Fatal(err)
	}
}

// A module whose initialization loops for ever is stopped too: the
// reactor's _initialize runs under the watchdog, bounded by the load's
// context.
func TestInitializationLoopStopped(t *testing.T) {
	path := guest(t, "./modules/runtime/wasm/testdata/guests/initloop")
	l := newLoader(t, Config{})
	spec := modules.Spec{Library: "lib", Name: "mod", File: path, Runtime: modules.RuntimeWASM}
	loadWithin := func(d time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		_, err := l.Load(ctx, spec)
		return err
	}
	// Compile it first (however long that takes on a busy machine): the
	// Loader keeps the compiled code for the load.
	wasm, sum, err := readModule(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.compiled(context.Background(), l.cfg.memoryLimit(0), wasm, sum); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = loadWithin(2 * time.Second)
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("the load returned after %v", took)
	}
	var le *modules.LoadError
	if !errors.As(err, &le) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v (%T), want a LoadError for the deadline", err, err)
	}
	wantErrContains(t, err, "_initialize", "timed out")
}

// TestDeadlineStopsLoopDuringGarbageCollection: an instrumented guest
// looping for ever returns to Go at every yield, so garbage collections
// started while it loops complete, and its deadline stops it. (The first
// instrumentation, which had a watchdog goroutine set a flag the guest
// checked, deadlocked here: the collection waited for the guest, and the
// guest for a watchdog that could not run.)
func TestDeadlineStopsLoopDuringGarbageCollection(t *testing.T) {
	l := newLoader(t, Config{CacheDir: t.TempDir(), PoolSize: 1})
	if !l.instruments() {
		t.Fatal("the default Loader does not instrument")
	}
	in := load(t, l, modules.Spec{File: guest(t, chaosPkg), Kind: modules.KindHook, CallTimeout: time.Second})
	h := in.Impl.(hook.Hook)
	stop := make(chan struct{})
	collections := make(chan int, 1)
	go func() {
		n := 0
		defer func() { collections <- n }()
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				n++
				time.Sleep(10 * time.Millisecond)
			}
		}
	}()
	_, err := labelCall(context.Background(), h, "loop")
	close(stop)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the deadline", err)
	}
	if n := <-collections; n < 2 {
		t.Fatalf("%d garbage collections completed while the guest looped, want several", n)
	}
}

// expiringContext reports no error for its first checks, then its
// deadline as passed: a deadline that passes after the call began (its
// first check) and before the guest is entered.
type expiringContext struct {
	context.Context
	checks atomic.Int32
	after  int32
}

func (c *expiringContext) Err() error {
	if c.checks.Add(1) > c.after {
		return context.DeadlineExceeded
	}
	return nil
}

// A deadline that passes before the guest is entered fails the call with
// the deadline, and keeps the instance, which was not called: it goes on
// counting its calls. (The call was failed as a trap and the instance
// thrown away, an error the caller could not tell from a crash.)
func TestDeadlineBeforeTheGuestIsEntered(t *testing.T) {
	h := load(t, newLoader(t, Config{PoolSize: 1}), modules.Spec{File: guest(t, chaosPkg), Kind: modules.KindHook}).
		Impl.(hook.Hook)
	if resp, err := labelCall(context.Background(), h, "ok"); err != nil || label(resp.GetLabels(), "calls") != "1" {
		t.Fatalf("first call: %v %v", resp, err)
	}
	_, err := labelCall(&expiringContext{Context: context.Background(), after: 1}, h, "ok")
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("error %v, want the deadline and no crash", err)
	}
	resp, err := labelCall(context.Background(), h, "ok")
	if err != nil {
		t.Fatal(err)
	}
	if got := label(resp.GetLabels(), "calls"); got != "2" {
		t.Errorf("calls = %s after the call not made, want 2 (the same instance)", got)
	}
}
