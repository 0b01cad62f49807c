package mesosgo

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// repoRoot is the root of the product's source tree (this module lives in
// test/mesosgo of it).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// ourBinary is bin/<name> as `make build` leaves it; the test skips without
// it, because the point is to try the binaries users run.
func ourBinary(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(repoRoot(), "bin", name)
	info, err := os.Stat(path)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		t.Skipf("test/mesosgo needs %s (run `make build` in the repository root): %v", path, err)
	}
	return path
}

// upstreamPrograms are mesos-go's example programs, built once per test
// run with `go build` from the module cache, unmodified.
type upstreamPrograms struct {
	scheduler string
	executor  string
}

var (
	buildOnce  sync.Once
	built      upstreamPrograms
	buildError error
)

// The import paths of the example programs, as go.mod's tool block lists
// them.
const (
	exampleSchedulerPkg = "github.com/mesos/mesos-go/api/v1/cmd/example-scheduler"
	exampleExecutorPkg  = "github.com/mesos/mesos-go/api/v1/cmd/example-executor"
)

// buildUpstream builds the example scheduler and executor as a user would:
// `go build` of the upstream packages at the versions go.mod pins.
func buildUpstream(t *testing.T) upstreamPrograms {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mesosgo-bin-")
		if err != nil {
			buildError = fmt.Errorf("temporary directory for the example programs: %w", err)
			return
		}
		cmd := exec.Command("go", "build", "-o", dir+string(filepath.Separator), exampleSchedulerPkg, exampleExecutorPkg)
		cmd.Dir = filepath.Join(repoRoot(), "test", "mesosgo")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildError = fmt.Errorf("go build %s %s: %w\n%s", exampleSchedulerPkg, exampleExecutorPkg, err, out)
			return
		}
		built = upstreamPrograms{
			scheduler: filepath.Join(dir, "example-scheduler"),
			executor:  filepath.Join(dir, "example-executor"),
		}
	})
	if buildError != nil {
		t.Fatal(buildError)
	}
	return built
}

// TestMain removes the built example programs after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.scheduler != "" {
		os.RemoveAll(filepath.Dir(built.scheduler))
	}
	os.Exit(code)
}
