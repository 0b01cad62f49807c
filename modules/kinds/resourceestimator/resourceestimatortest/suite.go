// Package resourceestimatortest is the conformance suite of the
// ResourceEstimator module kind: what every estimator does whatever it
// estimates. The built-in estimators run it, and so do plugin and WASM
// estimators.
package resourceestimatortest

import (
	"context"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
)

// Fixture is what the suite needs of an estimator under test.
type Fixture struct {
	// New returns a fresh estimator (a new agent's).
	New func(t *testing.T) resourceestimator.ResourceEstimator
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh estimator.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"NoUsage", noUsage},
		{"EmptyUsage", emptyUsage},
		{"BusyAgent", busyAgent},
		{"Repeated", repeated},
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

// Scalar is a scalar resource, revocable if asked.
func Scalar(name string, v float64, revocable bool) *mesospb.Resource {
	r := &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
	if revocable {
		r.Revocable = &mesospb.Resource_RevocableInfo{}
	}
	return r
}

// Executor is one entry of a ResourceUsage.
func Executor(framework, executor string, allocated ...*mesospb.Resource) *mesospb.ResourceUsage_Executor {
	return &mesospb.ResourceUsage_Executor{
		ExecutorInfo: &mesospb.ExecutorInfo{
			ExecutorId:  &mesospb.ExecutorID{Value: proto.String(executor)},
			FrameworkId: &mesospb.FrameworkID{Value: proto.String(framework)},
			Command:     &mesospb.CommandInfo{Value: proto.String("sleep 1000")},
		},
		ContainerId: &mesospb.ContainerID{Value: proto.String("container-" + executor)},
		Allocated:   allocated,
		Statistics:  &mesospb.ResourceStatistics{Timestamp: proto.Float64(float64(time.Now().Unix()))},
	}
}

// BusyUsage is an agent with a regular and a revocable executor.
func BusyUsage() *mesospb.ResourceUsage {
	return &mesospb.ResourceUsage{
		Executors: []*mesospb.ResourceUsage_Executor{
			Executor("f1", "regular", Scalar("cpus", 2, false), Scalar("mem", 512, false)),
			Executor("f2", "revocable", Scalar("cpus", 1, true), Scalar("mem", 128, true)),
		},
		Total: []*mesospb.Resource{Scalar("cpus", 8, false), Scalar("mem", 8192, false), Scalar("disk", 10240, false)},
	}
}

func estimate(t *testing.T, e resourceestimator.ResourceEstimator, usage *mesospb.ResourceUsage) *resourceestimator.OversubscribableResponse {
	t.Helper()
	resp, err := e.Oversubscribable(ctx(t), &resourceestimator.OversubscribableRequest{Usage: usage})
	if err != nil {
		t.Fatalf("Oversubscribable = %v", err)
	}
	if _, err := resourceestimator.Check(resp); err != nil {
		t.Fatalf("estimate %v fails the agent's check: %v", resp.GetResources(), err)
	}
	return resp
}

func noUsage(t *testing.T, f Fixture) { estimate(t, f.New(t), nil) }

func emptyUsage(t *testing.T, f Fixture) { estimate(t, f.New(t), &mesospb.ResourceUsage{}) }

func busyAgent(t *testing.T, f Fixture) { estimate(t, f.New(t), BusyUsage()) }

func repeated(t *testing.T, f Fixture) {
	e := f.New(t)
	for range 3 {
		estimate(t, e, BusyUsage())
	}
}

func cancelled(t *testing.T, f Fixture) {
	e := f.New(t)
	c, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		// Either answer is fine; hanging is not.
		resp, err := e.Oversubscribable(c, &resourceestimator.OversubscribableRequest{Usage: BusyUsage()})
		if err == nil {
			_, err = resourceestimator.Check(resp)
		} else {
			err = nil
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("estimate fails the agent's check: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Oversubscribable did not return with a cancelled context")
	}
}
