// Package zktest starts real ZooKeeper servers for tests, through the
// scripts in scripts/zookeeper: a standalone server or a three-server
// ensemble on loopback ports, each in a test's temporary directory,
// stopped when the test ends. It needs Debian's zookeeper package; when
// that is missing it runs scripts/zookeeper/install.sh, and skips the test
// only if that fails. Every server is also told the test binary's pid, so
// that none outlives it, even when the binary is killed.
package zktest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptTimeout bounds a start or stop script.
const scriptTimeout = 90 * time.Second

// Server is one ZooKeeper server.
type Server struct {
	// Dir holds its configuration, data and log (zookeeper.log).
	Dir string
	// Port is its client port on 127.0.0.1.
	Port int
}

// Addr is the server's client address.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// Stop shuts the server down (its data stays).
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	run(t, nil, "stop.sh", s.Dir)
}

// Kill crashes the server (SIGKILL; its data stays).
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	run(t, []string{"ZK_STOP_SIGNAL=KILL"}, "stop.sh", s.Dir)
}

// Start starts the server again after Stop or Kill, with its data.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	run(t, watchEnv(), "start-server.sh", s.Dir)
}

// Standalone is a standalone server.
type Standalone struct {
	*Server
}

// ConnectString is the servers' addresses, as a --zk URL lists them.
func (s *Standalone) ConnectString() string { return s.Addr() }

// URL is zk://<servers><path>.
func (s *Standalone) URL(path string) string { return "zk://" + s.ConnectString() + path }

// Start starts a standalone server for the test, stopped when it ends.
func Start(t testing.TB) *Standalone {
	t.Helper()
	requireInstalled(t)
	dir := filepath.Join(t.TempDir(), "zk")
	port := freePorts(t)
	s := &Standalone{&Server{Dir: dir, Port: port}}
	t.Cleanup(func() { run(t, nil, "stop.sh", dir) })
	run(t, watchEnv(), "start-standalone.sh", dir, strconv.Itoa(port))
	return s
}

// Ensemble is three servers.
type Ensemble struct {
	Dir     string
	Servers [3]*Server
}

// ConnectString lists the servers' addresses.
func (e *Ensemble) ConnectString() string {
	addrs := make([]string, len(e.Servers))
	for i, s := range e.Servers {
		addrs[i] = s.Addr()
	}
	return strings.Join(addrs, ",")
}

// URL is zk://<servers><path>.
func (e *Ensemble) URL(path string) string { return "zk://" + e.ConnectString() + path }

// StartEnsemble starts a three-server ensemble for the test, stopped when
// it ends.
func StartEnsemble(t testing.TB) *Ensemble {
	t.Helper()
	requireInstalled(t)
	dir := filepath.Join(t.TempDir(), "zk")
	e := &Ensemble{Dir: dir}
	args := []string{dir}
	for i := range e.Servers {
		port := freePorts(t)
		e.Servers[i] = &Server{Dir: filepath.Join(dir, strconv.Itoa(i+1)), Port: port}
		args = append(args, strconv.Itoa(port))
	}
	t.Cleanup(func() { run(t, nil, "stop.sh", dir) })
	run(t, watchEnv(), "start-ensemble.sh", args...)
	return e
}

// ScriptsDir is scripts/zookeeper in this source tree.
func ScriptsDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "scripts", "zookeeper")
}

func watchEnv() []string { return []string{"ZK_WATCH_PID=" + strconv.Itoa(os.Getpid())} }

func run(t testing.TB, env []string, script string, args ...string) string {
	t.Helper()
	out, err := runScript(env, script, args...)
	if err != nil {
		t.Fatalf("%s %s: %v", script, strings.Join(args, " "), err)
	}
	return out
}

func runScript(env []string, script string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(ScriptsDir(), script), args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

var install struct {
	once sync.Once
	err  error
}

// Installed reports whether ZooKeeper can be run, installing it once if
// it is missing; the error says why not.
func Installed() error {
	install.once.Do(func() {
		if present() {
			return
		}
		if _, err := runScript(nil, "install.sh"); err != nil {
			install.err = fmt.Errorf("scripts/zookeeper/install.sh: %w", err)
			return
		}
		if !present() {
			install.err = fmt.Errorf("install.sh ran but /usr/share/java/zookeeper.jar or java is still missing")
		}
	})
	return install.err
}

// present reports whether a server can be started: Debian's jars (or a
// classpath given in ZK_CLASSPATH, which the scripts use) and java.
func present() bool {
	if os.Getenv("ZK_CLASSPATH") == "" {
		if _, err := os.Stat("/usr/share/java/zookeeper.jar"); err != nil {
			return false
		}
	}
	_, err := exec.LookPath("java")
	return err == nil
}

func requireInstalled(t testing.TB) {
	t.Helper()
	if err := Installed(); err != nil {
		t.Skipf("ZooKeeper is not installed and cannot be installed (Debian's zookeeper package is needed): %v", err)
	}
}
