package failover

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// repoRoot is the root of this source tree.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// masterBinary is bin/mesos-master, as `make build` leaves it; the
// benchmark skips without it (it measures the binary operators run, so it
// does not build one of its own).
func masterBinary(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(repoRoot(), "bin", "mesos-master")
	if env := os.Getenv("GOMESOS_MASTER_BINARY"); env != "" {
		path = env
	}
	info, err := os.Stat(path)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		tb.Skipf("test/failover needs the mesos-master binary at %s (run `make build`, or set GOMESOS_MASTER_BINARY): %v", path, err)
	}
	return path
}

// raiseFileLimit makes sure this process, and the masters it starts (they
// inherit it), may open at least want files: every simulated agent holds a
// connection at each end. The soft limit is raised to the hard one, and the
// hard one too when it is lower and the process may (root).
func raiseFileLimit(tb testing.TB, want uint64) {
	tb.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		tb.Fatalf("getrlimit(RLIMIT_NOFILE): %v", err)
	}
	if lim.Cur >= want {
		return
	}
	next := lim
	next.Cur = want
	if next.Max < want {
		next.Max = want
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &next); err != nil {
		tb.Skipf("this many simulated agents need %d open files in this process and in the master; RLIMIT_NOFILE is %d (hard %d) and raising it failed: %v",
			want, lim.Cur, lim.Max, err)
	}
}

// describeLimit is RLIMIT_NOFILE for the log.
func describeLimit() string {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%d (hard %d)", lim.Cur, lim.Max)
}
