package wasm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
)

// chaosHook loads the chaos module as a hook with one instance.
func chaosHook(t *testing.T, spec modules.Spec) hook.Hook {
	t.Helper()
	spec.File, spec.Kind = guest(t, chaosPkg), modules.KindHook
	return load(t, newLoader(t, Config{PoolSize: 1}), spec).Impl.(hook.Hook)
}

// A guest that panics, traps, loops or eats memory fails the call, is
// replaced, and the module goes on serving.
func TestFailuresAreContained(t *testing.T) {
	for _, tc := range []struct {
		cmd   string
		is    error
		wants []string
	}{
		{"panic", nil, []string{"trapped: wasm error: unreachable", "stderr: panic: chaos: asked to panic"}},
		{"trap", nil, []string{"trapped", "out of bounds memory access"}},
		{"loop", context.DeadlineExceeded, []string{"timed out"}},
		{"hog", nil, []string{"out of memory", "limit of 1024 pages"}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			h := chaosHook(t, modules.Spec{CallTimeout: time.Second, MemoryLimitPages: 1024})
			ctx := context.Background()
			if _, err := labelCall(ctx, h, "ok"); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err := labelCall(ctx, h, tc.cmd)
			took := time.Since(start)
			var ce *CallError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want a *CallError", err, err)
			}
			if !errors.Is(err, modules.ErrCrashed) {
				t.Errorf("error %v does not wrap modules.ErrCrashed", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			wantErrContains(t, err, tc.wants...)
			if tc.cmd == "loop" && (took < time.Second || took > 10*time.Second) {
				t.Errorf("a looping call returned after %v, want about the 1s timeout", took)
			}
			// The failed instance was replaced by a fresh one.
			resp, err := labelCall(ctx, h, "ok")
			if err != nil {
				t.Fatalf("call after the failure: %v", err)
			}
			if got := label(resp.GetLabels(), "calls"); got != "1" {
				t.Errorf("calls = %s after the failure, want 1 (a new instance)", got)
			}
		})
	}
}

// An error the module returns is not a failure of the instance.
func TestModuleErrorKeepsInstance(t *testing.T) {
	h := chaosHook(t, modules.Spec{})
	ctx := context.Background()
	labelCall(ctx, h, "ok")
	_, err := labelCall(ctx, h, "error")
	var me *ModuleError
	if !errors.As(err, &me) || me.Status != abi.StatusError {
		t.Fatalf("error %v (%T), want a *ModuleError", err, err)
	}
	if errors.Is(err, modules.ErrCrashed) {
		t.Errorf("a module's error is taken for a crash: %v", err)
	}
	wantErrContains(t, err, "lib/mod", "MasterLaunchTaskLabelDecorator", "chaos: asked to fail")
	resp, err := labelCall(ctx, h, "ok")
	if err != nil {
		t.Fatal(err)
	}
	if got := label(resp.GetLabels(), "calls"); got != "2" {
		t.Errorf("calls = %s, want 2 (the same instance)", got)
	}
}

// The caller's context ends a call too.
func TestCallerCancels(t *testing.T) {
	h := chaosHook(t, modules.Spec{CallTimeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := labelCall(ctx, h, "loop")
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("error %v, want a crash by deadline", err)
	}
	if _, err := labelCall(context.Background(), h, "ok"); err != nil {
		t.Fatal(err)
	}
}

// An allocator's state lives in its instance: after a crash it is lost,
// Allocate says so until Initialize starts over.
func TestAllocatorLosesStateWithItsInstance(t *testing.T) {
	a := load(t, newLoader(t, Config{}), modules.Spec{File: guest(t, chaosPkg), Kind: modules.KindAllocator}).
		Impl.(allocator.Allocator)
	ctx := context.Background()
	cmd := func(c string) *allocator.AllocateRequest {
		return &allocator.AllocateRequest{Events: []*allocator.Event{{Kind: &allocator.Event_WhitelistUpdated{
			WhitelistUpdated: &allocator.WhitelistUpdated{Hostnames: []string{c}}}}}}
	}
	calls := func() string {
		t.Helper()
		resp, err := a.Allocate(ctx, cmd("ok"))
		if err != nil {
			t.Fatal(err)
		}
		return resp.GetAllocations()[0].GetFrameworkId()
	}
	if _, err := a.Initialize(ctx, &allocator.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	calls()
	if got := calls(); got != "calls=2" {
		t.Fatalf("got %s, want calls=2", got)
	}
	if _, err := a.Allocate(ctx, cmd("panic")); !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("panicking allocator: error %v", err)
	}
	_, err := a.Allocate(ctx, cmd("ok"))
	if !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("Allocate after losing the state: error %v, want ErrCrashed", err)
	}
	wantErrContains(t, err, "lost its state", "call Initialize")
	if _, err := a.Initialize(ctx, &allocator.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	if got := calls(); got != "calls=1" {
		t.Errorf("got %s after Initialize, want calls=1", got)
	}
}

// No filesystem unless granted.
func TestFilesystemOnlyWhenGranted(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "secret")
	if err := os.WriteFile(file, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	h := chaosHook(t, modules.Spec{})
	if _, err := labelCall(ctx, h, "read:"+file); err == nil {
		t.Fatal("a module without grants read a host file")
	}
	h = chaosHook(t, modules.Spec{Grants: []string{"fs-ro=" + dir + ":/data"}})
	resp, err := labelCall(ctx, h, "read:/data/secret")
	if err != nil {
		t.Fatal(err)
	}
	if got := label(resp.GetLabels(), "content"); got != "hello" {
		t.Errorf("read %q through the grant, want hello", got)
	}
}

func TestClose(t *testing.T) {
	in := load(t, newLoader(t, Config{}), modules.Spec{File: guest(t, chaosPkg), Kind: modules.KindHook})
	h := in.Impl.(hook.Hook)
	if _, err := labelCall(context.Background(), h, "ok"); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := labelCall(context.Background(), h, "ok"); !errors.Is(err, ErrClosed) {
		t.Errorf("call after Close: %v, want ErrClosed", err)
	}
}
