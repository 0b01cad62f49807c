// Package clustertest runs an in-process master and agents for the
// command-line tools' tests (mesos, mesos-execute), as mesos-local runs
// them: on loopback ports, until the test ends. The test binary must be
// the agent's helpers too: its TestMain calls containerizer.MaybeRunHelper
// and executors.MaybeRun before anything else.
package clustertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/agent"
	"github.com/gomesos/mesos/core/master"
)

// StartMaster runs a master (the built-in allocator, 50 ms allocation
// interval) on a loopback port until the test ends, and returns its
// address; edit, if not nil, changes its configuration first.
func StartMaster(t testing.TB, log *slog.Logger, edit func(*master.Config)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := master.Config{
		IP: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Version: "1.11.0",
		AllocationInterval: 50 * time.Millisecond,
		Allocator:          hierarchical.New(),
		Logger:             log.With("component", "master"),
	}
	if edit != nil {
		edit(&cfg)
	}
	m, err := master.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: m.Handler()}
	go srv.Serve(l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("master: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	return l.Addr().String()
}

// StartAgent runs an agent with resources in workDir, registered with
// masterAddr, its executors being this test binary, until the test ends;
// then it fails the test for (and kills) whatever it started that still
// runs.
func StartAgent(t testing.TB, log *slog.Logger, masterAddr, workDir, resources string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.New(agent.Config{
		Master:                      masterAddr,
		WorkDir:                     workDir,
		IP:                          "127.0.0.1",
		Hostname:                    "localhost",
		Resources:                   resources,
		Isolation:                   "posix/cpu,posix/mem",
		ExecutorBinary:              self,
		ExecutorShutdownGracePeriod: time.Second,
		RegistrationBackoffFactor:   100 * time.Millisecond,
		Flags:                       map[string]string{"work_dir": workDir},
		Logger:                      log.With("component", "agent"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("agent did not stop")
		}
		KillProcessesUnder(t, workDir)
	})
}

// KillProcessesUnder fails the test for, and kills, any process still
// running from dir (its working directory or command line below it)
// after 10 seconds.
func KillProcessesUnder(t testing.TB, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left := processesUnder(dir)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range left {
				t.Errorf("process %d left behind", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func processesUnder(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	self := os.Getpid()
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
			continue // a zombie
		}
		cwd, _ := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if strings.HasPrefix(cwd, dir) || bytes.Contains(cmdline, []byte(dir)) {
			out = append(out, pid)
		}
	}
	return out
}
