package plugin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
)

// brokenSpec is the broken plugin in one of its modes.
func brokenSpec(mode string, env ...string) modules.Spec {
	return modules.Spec{Library: "broken", Name: "broken", Kind: modules.KindAllocator, File: bins["broken"],
		Env: append([]string{"BROKEN_MODE=" + mode}, env...)}
}

// initialized loads the broken plugin, initializes it and adds a cluster
// of one agent and one framework without allocating.
func initialized(t *testing.T, l *Loader, spec modules.Spec) (*modules.Instance, allocator.Allocator) {
	t.Helper()
	inst := load(t, l, spec)
	a := inst.Impl.(allocator.Allocator)
	c := allocatortest.NewCluster(t, a, nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	c.Flush()
	return inst, a
}

func allocate(a allocator.Allocator, timeout time.Duration) (*allocator.AllocateResponse, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return a.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: allocatortest.Epoch.UnixNano()})
}

// A plugin that exits in the middle of a call: the call fails with
// ErrCrashed, the daemon carries on, the plugin is restarted and
// re-fed, and answers again.
func TestCrashMidCall(t *testing.T) {
	l := newTestLoader(t, Options{})
	inst, a := initialized(t, l, brokenSpec("crash"))
	pid := inst.Impl.(Supervised).PluginStatus().PID
	_, err := allocate(a, 10*time.Second)
	if !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("Allocate on a crashing plugin = %v, want ErrCrashed", err)
	}
	st := waitRestarted(t, inst.Impl, 1)
	if st.PID == pid || st.Restarts != 1 {
		t.Errorf("after the crash: pid %d (was %d), %d restarts, want a new process and 1 restart", st.PID, pid, st.Restarts)
	}
	// The restarted allocator has the cluster back (replayed): a flush
	// works, and the agent is still known (no error on an event naming it).
	if _, err := a.Allocate(context.Background(), &allocator.AllocateRequest{NowUnixNanos: 1}); err != nil {
		t.Fatalf("Allocate(flush) after the restart = %v", err)
	}
}

// A module that panics: the SDK turns it into an error; the host
// restarts the process.
func TestPanicMidCall(t *testing.T) {
	l := newTestLoader(t, Options{})
	inst, a := initialized(t, l, brokenSpec("panic"))
	_, err := allocate(a, 10*time.Second)
	if !errors.Is(err, modules.ErrCrashed) || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("Allocate on a panicking module = %v, want ErrCrashed naming the panic", err)
	}
	waitRestarted(t, inst.Impl, 1)
}

// A plugin that hangs past the call's deadline: the call fails with
// DeadlineExceeded (and ErrCrashed: a hung allocator is restarted).
func TestHangPastDeadline(t *testing.T) {
	l := newTestLoader(t, Options{})
	spec := brokenSpec("hang")
	spec.CallTimeout = 300 * time.Millisecond
	inst, a := initialized(t, l, spec)
	start := time.Now()
	_, err := allocate(a, time.Minute)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("Allocate on a hung plugin = %v, want DeadlineExceeded and ErrCrashed", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the call took %v with a 300ms deadline", d)
	}
	waitRestarted(t, inst.Impl, 1)
}

// A plugin that answers with bytes that are not a response.
func TestGarbageReply(t *testing.T) {
	l := newTestLoader(t, Options{})
	inst, a := initialized(t, l, brokenSpec("garbage"))
	_, err := allocate(a, 10*time.Second)
	if !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("Allocate answered with garbage = %v, want ErrCrashed", err)
	}
	waitRestarted(t, inst.Impl, 1)
}

// A plugin that keeps crashing at start-up is failed for good after
// MaxCrashes restarts; calls then fail at once.
func TestFailsForGood(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	l := newTestLoader(t, Options{})
	inst, a := initialized(t, l, brokenSpec("crash", "BROKEN_MARKER="+marker))
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := allocate(a, 10*time.Second); !errors.Is(err, modules.ErrCrashed) {
		t.Fatalf("Allocate = %v, want ErrCrashed", err)
	}
	st := waitState(t, inst.Impl, StateFailed)
	if st.Crashes <= fastRestarts.MaxCrashes || !strings.Contains(st.LastError.Error(), "marker file present") {
		t.Errorf("failed with %d crashes in a row, last error %v", st.Crashes, st.LastError)
	}
	start := time.Now()
	if _, err := allocate(a, 10*time.Second); !errors.Is(err, modules.ErrCrashed) || time.Since(start) > time.Second {
		t.Errorf("Allocate on a failed module = %v after %v, want ErrCrashed at once", err, time.Since(start))
	}
}

// A plugin that writes junk to stderr (malformed log lines included)
// does not disturb the host, and works.
func TestStderrJunk(t *testing.T) {
	l := newTestLoader(t, Options{})
	_, a := initialized(t, l, brokenSpec("junk"))
	resp, err := allocate(a, 10*time.Second)
	if err != nil || len(resp.GetAllocations()) != 1 {
		t.Fatalf("Allocate = %v, %v", resp, err)
	}
}

func TestLoadErrors(t *testing.T) {
	l := newTestLoader(t, Options{StartTimeout: 3 * time.Second})
	dir := t.TempDir()
	script := filepath.Join(dir, "script")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hello, I am no plugin\nsleep 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}
	binpack := modules.Spec{Library: "lib", Name: "binpack", Kind: modules.KindAllocator, File: bins["binpack"]}
	withSHA := binpack
	withSHA.SHA256 = strings.Repeat("0", 64)
	asIsolator := binpack
	asIsolator.Kind = modules.KindIsolator
	unknownKind := binpack
	unknownKind.Kind = "Bogus"
	asAuthorizer := binpack
	asAuthorizer.Kind = modules.KindAuthorizer
	for _, tc := range []struct {
		name string
		spec modules.Spec
		is   error
		says string
	}{
		{"MissingFile", modules.Spec{Name: "m", Kind: modules.KindAllocator, File: filepath.Join(dir, "nope")}, modules.ErrFileMissing, "no such file"},
		{"NotExecutable", modules.Spec{Name: "m", Kind: modules.KindAllocator, File: plain}, nil, "not executable"},
		{"WrongSHA256", withSHA, modules.ErrChecksum, "the manifest says 0000"},
		{"WrongCookie", brokenSpec("cookie"), nil, "magic cookie"},
		{"NoCommonVersion", brokenSpec("v99"), modules.ErrAPIVersion, "speaks Allocator v99, the host speaks v1"},
		{"KindMismatch", asIsolator, modules.ErrKindMismatch, "is a Allocator, not a Isolator"},
		{"KindMismatchAuthorizer", asAuthorizer, modules.ErrKindMismatch, "is a Allocator, not a Authorizer"},
		{"UnknownKind", unknownKind, modules.ErrUnknownKind, `"Bogus"`},
		{"ExitsAtOnce", brokenSpec("exit"), nil, "exiting at once"},
		{"NotAPlugin", modules.Spec{Name: "m", Kind: modules.KindAllocator, File: script}, nil, "hello, I am no plugin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.spec.Library == "" {
				tc.spec.Library = "lib"
			}
			inst, err := l.Load(context.Background(), tc.spec)
			if err == nil {
				_ = inst.Close(context.Background())
				t.Fatal("loaded")
			}
			t.Logf("error: %v", err)
			var le *modules.LoadError
			if !errors.As(err, &le) || le.Module != tc.spec.Name || le.Library != tc.spec.Library {
				t.Errorf("error %v is not a LoadError naming the module", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}

// A manifest without a kind: the plugin's description says it.
func TestKindFromDescription(t *testing.T) {
	l := newTestLoader(t, Options{})
	inst := load(t, l, modules.Spec{Name: "whatever", File: bins["binpack"]})
	if inst.Kind != modules.KindAllocator || inst.APIVersion != allocator.APIVersion {
		t.Fatalf("kind %q version %d", inst.Kind, inst.APIVersion)
	}
	if _, ok := inst.Impl.(allocator.Allocator); !ok {
		t.Fatalf("Impl is a %T", inst.Impl)
	}
}
