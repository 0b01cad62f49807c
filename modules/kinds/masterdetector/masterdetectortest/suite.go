// Package masterdetectortest is the conformance suite of the
// MasterDetector module kind: what every detector does whatever tells it
// the leader. The built-in standalone detector runs it, and so do the
// ZooKeeper, plugin and WASM ones.
package masterdetectortest

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// Fixture is what the suite needs of a detector under test.
type Fixture struct {
	// New returns a fresh detector that sees Leader as the leader.
	New    func(t *testing.T) masterdetector.MasterDetector
	Leader *mesospb.MasterInfo
	// Appoint, if set, makes leader (nil: none) the leader the detector
	// sees from now on.
	Appoint func(t *testing.T, d masterdetector.MasterDetector, leader *mesospb.MasterInfo)
}

// Master is a master at 127.0.0.1:port.
func Master(id string, port uint32) *mesospb.MasterInfo {
	return &mesospb.MasterInfo{
		Id: proto.String(id), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(port),
		Pid: proto.String("master@127.0.0.1:" + strconv.FormatUint(uint64(port), 10)), Hostname: proto.String("localhost"),
	}
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh detector.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"DetectFromNothing", fromNothing},
		{"DetectFromAnother", fromAnother},
		{"SameLeaderBlocks", sameBlocks},
		{"LeaderChange", change},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

type result struct {
	leader *mesospb.MasterInfo
	err    error
}

func detect(c context.Context, d masterdetector.MasterDetector, previous *mesospb.MasterInfo) <-chan result {
	done := make(chan result, 1)
	go func() {
		resp, err := d.Detect(c, &masterdetector.DetectRequest{Previous: previous})
		done <- result{resp.GetLeader(), err}
	}()
	return done
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func answers(t *testing.T, done <-chan result, want *mesospb.MasterInfo, what string) {
	t.Helper()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("%s: Detect = %v", what, r.err)
		}
		if masterdetector.Differs(r.leader, want) {
			t.Fatalf("%s: Detect = %v, want %v", what, r.leader, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: Detect did not answer", what)
	}
}

func blocks(t *testing.T, c context.Context, d masterdetector.MasterDetector, previous *mesospb.MasterInfo, what string) {
	t.Helper()
	c, cancel := context.WithTimeout(c, 200*time.Millisecond)
	defer cancel()
	select {
	case r := <-detect(c, d, previous):
		if !errors.Is(r.err, context.DeadlineExceeded) {
			t.Fatalf("%s: Detect = %v, %v; want it to block until its context ends", what, r.leader, r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: Detect did not return after its context ended", what)
	}
}

func fromNothing(t *testing.T, f Fixture) {
	d := f.New(t)
	if f.Leader == nil {
		blocks(t, ctx(t), d, nil, "no leader, none known")
		return
	}
	answers(t, detect(ctx(t), d, nil), f.Leader, "no leader known")
}

func fromAnother(t *testing.T, f Fixture) {
	other := Master("someone-else", 15050)
	answers(t, detect(ctx(t), f.New(t), other), f.Leader, "another leader known")
}

func sameBlocks(t *testing.T, f Fixture) {
	blocks(t, ctx(t), f.New(t), f.Leader, "the leader known")
}

func change(t *testing.T, f Fixture) {
	if f.Appoint == nil {
		t.Skip("the fixture cannot change the leader")
	}
	d := f.New(t)
	c := ctx(t)
	next := Master("next", 25050)
	var waiters []<-chan result
	for range 3 {
		waiters = append(waiters, detect(c, d, f.Leader))
	}
	time.Sleep(50 * time.Millisecond)
	f.Appoint(t, d, next)
	for _, w := range waiters {
		answers(t, w, next, "after a new leader was appointed")
	}
	// Losing the leader is a change too.
	w := detect(c, d, next)
	time.Sleep(50 * time.Millisecond)
	f.Appoint(t, d, nil)
	answers(t, w, nil, "after the leader was lost")
}
