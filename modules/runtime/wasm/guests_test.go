package wasm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gomesos/mesos/modules"
)

// The WASM modules the tests load are built from source by the tests
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared), once per test
// binary, into a temporary directory. The tests share a wazero
// compilation cache in the user's cache directory (it is keyed by the
// module's content and wazero's version), so that a module is compiled
// once, not once per run; without a user cache directory it is temporary.
var guests = guestBuilds{built: map[string]*guestBuild{}}

type guestBuilds struct {
	dir   string
	cache string

	mu    sync.Mutex
	built map[string]*guestBuild
}

type guestBuild struct {
	once sync.Once
	path string
	err  error
	skip bool
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gomesos-wasm-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	guests.dir = dir
	guests.cache = filepath.Join(dir, "cache")
	if user, err := os.UserCacheDir(); err == nil {
		guests.cache = filepath.Join(user, "gomesos", "wasm-test-compilation-cache")
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module root, three levels above this package.
func repoRoot(t testing.TB) string {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// guest builds the WASM module of the package at pkg (relative to the
// repository root) as a reactor, and returns the .wasm path. It skips
// the test if the Go toolchain cannot build for wasip1.
func guest(t testing.TB, pkg string) string { return buildGuest(t, pkg, "c-shared") }

// guestCommand builds pkg as a WASI command (no -buildmode=c-shared).
func guestCommand(t testing.TB, pkg string) string { return buildGuest(t, pkg, "default") }

func buildGuest(t testing.TB, pkg, mode string) string {
	t.Helper()
	key := pkg + "@" + mode
	guests.mu.Lock()
	b := guests.built[key]
	if b == nil {
		b = &guestBuild{}
		guests.built[key] = b
	}
	guests.mu.Unlock()
	b.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			b.skip, b.err = true, errors.New("no go toolchain in PATH to build the WASM test modules")
			return
		}
		name := strings.NewReplacer("/", "_", ".", "_").Replace(key) + ".wasm"
		b.path = filepath.Join(guests.dir, name)
		cmd := exec.Command(goBin, "build", "-buildmode="+mode, "-o", b.path, pkg)
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		switch {
		case err != nil && strings.Contains(string(out), "unsupported GOOS/GOARCH"):
			b.skip, b.err = true, fmt.Errorf("this Go toolchain cannot build wasip1/wasm: %s", out)
		case err != nil:
			b.err = fmt.Errorf("building %s: %v\n%s", pkg, err, out)
		}
	})
	if b.skip {
		t.Skip(b.err)
	}
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// Packages of the modules the tests use.
const (
	binpackPkg  = "./sdk/examples/wasm/binpack-allocator"
	labelPkg    = "./sdk/examples/wasm/label-hook"
	fixedPkg    = "./sdk/examples/wasm/fixed-estimator"
	loadQoSPkg  = "./sdk/examples/wasm/load-qos"
	drfPkg      = "./modules/runtime/wasm/testdata/guests/drf"
	chaosPkg    = "./modules/runtime/wasm/testdata/guests/chaos"
	noABIPkg    = "./modules/runtime/wasm/testdata/guests/noabi"
	badABIPkg   = "./modules/runtime/wasm/testdata/guests/badabi"
	importPkg   = "./modules/runtime/wasm/testdata/guests/hostimport"
	versionsPkg = "./modules/runtime/wasm/testdata/guests/versions"
)

// newLoader returns a Loader sharing the test binary's compilation cache.
func newLoader(t testing.TB, cfg Config) *Loader {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = guests.cache
	}
	if cfg.Logger == nil {
		// Failures are logged at ERROR, expectedly in these tests; loads
		// at INFO. Keep the output readable, the benchmarks' above all.
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(context.Background()) })
	return l
}

// load loads spec (runtime wasm, file wasm) and closes it at the end of
// the test.
func load(t testing.TB, l *Loader, spec modules.Spec) *modules.Instance {
	t.Helper()
	in, err := tryLoad(t, l, spec)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return in
}

func tryLoad(t testing.TB, l *Loader, spec modules.Spec) (*modules.Instance, error) {
	t.Helper()
	if spec.Library == "" {
		spec.Library = "lib"
	}
	if spec.Name == "" {
		spec.Name = "mod"
	}
	spec.Runtime = modules.RuntimeWASM
	in, err := l.Load(context.Background(), spec)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { in.Close(context.Background()) })
	return in, nil
}
