// Package clustertest runs an in-process master and agents for the
// command-line tools' tests (mesos, mesos-execute), as mesos-local runs
// them: on loopback ports, until the test ends. The test binary must be
// the agent's helpers too: its TestMain calls containerizer.MaybeRunHelper
// and executors.MaybeRun before anything else.
package clustertest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/agent"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/core/proctest"
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
		proctest.CheckNone(t, workDir)
	})
}
