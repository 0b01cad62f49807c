// Package anonymoustest is the conformance suite of the Anonymous module
// kind: the life cycle every anonymous module follows. Plugin and WASM
// anonymous modules run it.
package anonymoustest

import (
	"context"
	"testing"
	"time"

	"github.com/gomesos/mesos/modules/kinds/anonymous"
)

// Fixture is what the suite needs of a module under test.
type Fixture struct {
	// New returns a fresh module.
	New func(t *testing.T) anonymous.Anonymous
	// Parameters are given to Start.
	Parameters map[string]string
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh module.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"StartStop", startStop},
		{"StopWithoutStart", stopWithoutStart},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func startStop(t *testing.T, f Fixture) {
	for _, daemon := range []anonymous.Daemon{anonymous.Daemon_MASTER, anonymous.Daemon_AGENT} {
		m := f.New(t)
		req := &anonymous.StartRequest{Daemon: daemon, Parameters: f.Parameters, WorkDir: t.TempDir()}
		if _, err := m.Start(ctx(t), req); err != nil {
			t.Fatalf("Start in %v = %v", daemon, err)
		}
		if _, err := m.Stop(ctx(t), &anonymous.StopRequest{}); err != nil {
			t.Fatalf("Stop in %v = %v", daemon, err)
		}
		if _, err := m.Stop(ctx(t), &anonymous.StopRequest{}); err != nil {
			t.Fatalf("second Stop in %v = %v, want success", daemon, err)
		}
	}
}

func stopWithoutStart(t *testing.T, f Fixture) {
	if _, err := f.New(t).Stop(ctx(t), &anonymous.StopRequest{}); err != nil {
		t.Fatalf("Stop without Start = %v, want success", err)
	}
}
