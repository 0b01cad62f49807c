// Package mastercontendertest is the conformance suite of the
// MasterContender module kind: what every contender does whatever runs the
// election. The built-in standalone contender runs it, and so do the
// ZooKeeper, plugin and WASM ones.
package mastercontendertest

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
)

// Fixture is what the suite needs of a contender under test.
type Fixture struct {
	// New returns a fresh contender (a new master's).
	New func(t *testing.T) mastercontender.MasterContender
	// Master is the master that contends; default MasterInfo().
	Master *mesospb.MasterInfo
}

// MasterInfo is a master at 127.0.0.1:5050.
func MasterInfo() *mesospb.MasterInfo {
	return &mesospb.MasterInfo{
		Id: proto.String("master-1"), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(5050),
		Pid: proto.String("master@127.0.0.1:5050"), Hostname: proto.String("localhost"),
		Address: &mesospb.Address{Hostname: proto.String("localhost"), Ip: proto.String("127.0.0.1"), Port: proto.Int32(5050)},
	}
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh contender.
func Run(t *testing.T, f Fixture) {
	if f.Master == nil {
		f.Master = MasterInfo()
	}
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"HeldLeaseIsNotLost", held},
		{"WithdrawLosesLease", withdraw},
		{"ContendAgainReplacesLease", contendAgain},
		{"UnknownLease", unknownLease},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func contend(t *testing.T, c mastercontender.MasterContender, f Fixture) string {
	t.Helper()
	resp, err := c.Contend(ctx(t), &mastercontender.ContendRequest{MasterInfo: f.Master})
	if err != nil {
		t.Fatalf("Contend = %v", err)
	}
	if resp.GetLease() == "" {
		t.Fatal("Contend gave no lease")
	}
	lease := resp.GetLease()
	t.Cleanup(func() { _, _ = c.Withdraw(context.Background(), &mastercontender.WithdrawRequest{Lease: lease}) })
	return lease
}

// watch starts a Watch and returns the channel its error arrives on.
func watch(t *testing.T, c mastercontender.MasterContender, lease string) (<-chan error, context.CancelFunc) {
	wctx, cancel := context.WithCancel(ctx(t))
	done := make(chan error, 1)
	go func() {
		_, err := c.Watch(wctx, &mastercontender.WatchRequest{Lease: lease})
		done <- err
	}()
	t.Cleanup(cancel)
	return done, cancel
}

func lost(t *testing.T, done <-chan error, what string) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: Watch = %v, want the lease lost", what, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: the lease is not lost", what)
	}
}

func notLost(t *testing.T, done <-chan error, what string) {
	t.Helper()
	select {
	case err := <-done:
		t.Fatalf("%s: Watch returned (%v) while the lease is held", what, err)
	case <-time.After(200 * time.Millisecond):
	}
}

func held(t *testing.T, f Fixture) {
	c := f.New(t)
	lease := contend(t, c, f)
	done, cancel := watch(t, c, lease)
	notLost(t, done, "held lease")
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Watch after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not return after its context ended")
	}
}

func withdraw(t *testing.T, f Fixture) {
	c := f.New(t)
	lease := contend(t, c, f)
	done, _ := watch(t, c, lease)
	if _, err := c.Withdraw(ctx(t), &mastercontender.WithdrawRequest{Lease: lease}); err != nil {
		t.Fatalf("Withdraw = %v", err)
	}
	lost(t, done, "withdrawn lease")
	if _, err := c.Withdraw(ctx(t), &mastercontender.WithdrawRequest{Lease: lease}); err != nil {
		t.Fatalf("second Withdraw = %v, want success", err)
	}
}

func contendAgain(t *testing.T, f Fixture) {
	c := f.New(t)
	first := contend(t, c, f)
	firstDone, _ := watch(t, c, first)
	second := contend(t, c, f)
	if second == first {
		t.Fatalf("two Contends gave the same lease %q", first)
	}
	lost(t, firstDone, "replaced lease")
	secondDone, _ := watch(t, c, second)
	notLost(t, secondDone, "new lease")
}

func unknownLease(t *testing.T, f Fixture) {
	c := f.New(t)
	done, _ := watch(t, c, "no-such-lease")
	lost(t, done, "unknown lease")
	if _, err := c.Withdraw(ctx(t), &mastercontender.WithdrawRequest{Lease: "no-such-lease"}); err != nil {
		t.Fatalf("Withdraw(unknown) = %v, want success", err)
	}
}
