package plugin

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules"
)

// bins are the plugin executables built once for the package's tests.
var bins = map[string]string{}

// binSources are the plugins the tests build (in one go build), by name.
var binSources = map[string]string{
	"binpack": "../../../sdk/examples/plugin/binpack-allocator",
	"env":     "../../../sdk/examples/plugin/env-isolator",
	"broken":  "./testdata/brokenplugin",
	"auth":    "../../../sdk/examples/plugin/file-authenticator",
	"kinds":   "./testdata/kindsplugin",
}

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperHost())
	}
	dir, err := os.MkdirTemp("", "plugin-test-bins")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		args := []string{"build", "-o", dir + string(filepath.Separator)}
		for _, pkg := range binSources {
			args = append(args, pkg)
		}
		cmd := exec.Command("go", args...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "building the test plugins: %v\n", err)
			return 1
		}
		for name, pkg := range binSources {
			bins[name] = filepath.Join(dir, filepath.Base(pkg))
		}
		return m.Run()
	}()
	os.Exit(code)
}

// testLogger writes the runtime's log to the test's output, until the
// test ends (go-plugin's goroutines of a detached or reattached process
// may log later).
func testLogger(t testing.TB) *slog.Logger {
	w := &testWriter{t: t}
	t.Cleanup(w.close)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return len(p), nil
	}
	return w.t.Output().Write(p)
}

func (w *testWriter) close() {
	w.mu.Lock()
	w.done = true
	w.mu.Unlock()
}

// fastRestarts keeps restarts quick in tests.
var fastRestarts = RestartPolicy{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, MaxCrashes: 3, StableAfter: time.Minute}

func newTestLoader(t testing.TB, opts Options) *Loader {
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	if opts.Restart == (RestartPolicy{}) {
		opts.Restart = fastRestarts
	}
	return New(opts)
}

// load loads a module and closes it when the test ends.
func load(t testing.TB, l *Loader, spec modules.Spec) *modules.Instance {
	t.Helper()
	if spec.Library == "" {
		spec.Library = "lib" + spec.Name
	}
	inst, err := l.Load(context.Background(), spec)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Cleanup(func() {
		if err := inst.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return inst
}

// waitState waits for the instance's process to reach a state.
func waitState(t testing.TB, impl any, want State) Status {
	t.Helper()
	return waitStatus(t, impl, func(st Status) bool { return st.State == want }, want.String())
}

// waitRestarted waits for the instance to run again after n restarts.
func waitRestarted(t testing.TB, impl any, n int) Status {
	t.Helper()
	return waitStatus(t, impl, func(st Status) bool { return st.State == StateRunning && st.Restarts >= n },
		fmt.Sprintf("running after %d restarts", n))
}

func waitStatus(t testing.TB, impl any, ok func(Status) bool, want string) Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := impl.(Supervised).PluginStatus()
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %+v, want %s", st, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether a process exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	for i := len(data) - 1; i >= 0; i-- {
		if data[i] == ')' {
			return i+2 < len(data) && data[i+2] != 'Z' && data[i+2] != 'X'
		}
	}
	return false
}

func waitGone(t testing.TB, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still alive", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
