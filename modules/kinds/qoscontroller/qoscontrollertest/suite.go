// Package qoscontrollertest is the conformance suite of the QoSController
// module kind: what every QoS controller does whatever its policy. The
// built-in controllers run it, and so do plugin and WASM controllers.
package qoscontrollertest

import (
	"context"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
)

// Fixture is what the suite needs of a controller under test.
type Fixture struct {
	// New returns a fresh controller (a new agent's).
	New func(t *testing.T) qoscontroller.QoSController
	// NewOverloaded, if set, returns a controller that sees the agent in
	// trouble, so that it must correct something on a busy agent.
	NewOverloaded func(t *testing.T) qoscontroller.QoSController
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh controller.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"NoUsage", noUsage},
		{"IdleAgent", idleAgent},
		{"BusyAgent", busyAgent},
		{"Overloaded", overloaded},
		{"CancelledContext", cancelled},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func scalar(name string, v float64, revocable bool) *mesospb.Resource {
	r := &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
	if revocable {
		r.Revocable = &mesospb.Resource_RevocableInfo{}
	}
	return r
}

func executor(framework, executor string, allocated ...*mesospb.Resource) *mesospb.ResourceUsage_Executor {
	return &mesospb.ResourceUsage_Executor{
		ExecutorInfo: &mesospb.ExecutorInfo{
			ExecutorId:  &mesospb.ExecutorID{Value: proto.String(executor)},
			FrameworkId: &mesospb.FrameworkID{Value: proto.String(framework)},
			Command:     &mesospb.CommandInfo{Value: proto.String("sleep 1000")},
		},
		ContainerId: &mesospb.ContainerID{Value: proto.String("container-" + executor)},
		Allocated:   allocated,
	}
}

// BusyUsage is an agent with two regular and two revocable executors.
func BusyUsage() *mesospb.ResourceUsage {
	return &mesospb.ResourceUsage{
		Executors: []*mesospb.ResourceUsage_Executor{
			executor("f1", "regular-1", scalar("cpus", 2, false), scalar("mem", 512, false)),
			executor("f2", "revocable-1", scalar("cpus", 1, true), scalar("mem", 128, true)),
			executor("f1", "regular-2", scalar("cpus", 1, false)),
			executor("f2", "revocable-2", scalar("cpus", 0.5, true), scalar("mem", 64, false)),
		},
		Total: []*mesospb.Resource{scalar("cpus", 8, false), scalar("mem", 8192, false)},
	}
}

// corrections calls the controller and checks every correction against
// the usage, as the agent does.
func corrections(t *testing.T, q qoscontroller.QoSController, usage *mesospb.ResourceUsage) []*qoscontroller.QoSCorrection {
	t.Helper()
	resp, err := q.Corrections(ctx(t), &qoscontroller.CorrectionsRequest{Usage: usage})
	if err != nil {
		t.Fatalf("Corrections = %v", err)
	}
	for _, c := range resp.GetCorrections() {
		if _, err := qoscontroller.Check(c, usage); err != nil {
			t.Errorf("correction %v: %v", c, err)
		}
	}
	return resp.GetCorrections()
}

func noUsage(t *testing.T, f Fixture) {
	if cs := corrections(t, f.New(t), nil); len(cs) != 0 {
		t.Errorf("corrections without executors: %v", cs)
	}
}

func idleAgent(t *testing.T, f Fixture) {
	usage := &mesospb.ResourceUsage{Total: []*mesospb.Resource{scalar("cpus", 8, false)}}
	if cs := corrections(t, f.New(t), usage); len(cs) != 0 {
		t.Errorf("corrections without executors: %v", cs)
	}
}

func busyAgent(t *testing.T, f Fixture) {
	q := f.New(t)
	for range 3 {
		corrections(t, q, BusyUsage())
	}
}

func overloaded(t *testing.T, f Fixture) {
	if f.NewOverloaded == nil {
		t.Skip("the fixture cannot overload the agent")
	}
	cs := corrections(t, f.NewOverloaded(t), BusyUsage())
	if len(cs) == 0 {
		t.Fatal("no correction on an overloaded busy agent")
	}
	seen := map[string]bool{}
	for _, c := range cs {
		key := c.GetKill().GetFrameworkId().GetValue() + "/" + c.GetKill().GetExecutorId().GetValue()
		if seen[key] {
			t.Errorf("executor %s killed twice in one answer", key)
		}
		seen[key] = true
	}
}

func cancelled(t *testing.T, f Fixture) {
	q := f.New(t)
	c, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = q.Corrections(c, &qoscontroller.CorrectionsRequest{Usage: BusyUsage()})
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Corrections did not return with a cancelled context")
	}
}
