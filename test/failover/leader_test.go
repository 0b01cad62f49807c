package failover

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	zkdetector "github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// leaderWatch follows the leading master through the ZooKeeper detector
// that agents use (--master=zk://...). The simulated agents share one, as
// if each agent's own detector saw the same change at the same moment;
// the benchmark reads from it when the next leader was detected.
type leaderWatch struct {
	mu      sync.Mutex
	leader  *mesospb.MasterInfo // nil: none
	at      time.Time           // when it was detected
	changed chan struct{}       // closed and replaced on every change
}

// watchLeader starts following the leader at zkURL until ctx ends.
func watchLeader(ctx context.Context, tb testing.TB, zkURL string) *leaderWatch {
	tb.Helper()
	u, err := zk.ParseURL(zkURL)
	if err != nil {
		tb.Fatal(err)
	}
	// The agents' --zk_session_timeout is Mesos's default (10 s); only the
	// masters' is 2 s. It bounds how long a starved client keeps its
	// session, not how fast a dead leader is seen.
	d, err := zkdetector.New(zkdetector.Config{URL: u, SessionTimeout: zk.DefaultSessionTimeout, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	w := &leaderWatch{changed: make(chan struct{})}
	go func() {
		defer d.Close(context.Background())
		var previous *mesospb.MasterInfo
		for {
			resp, err := d.Detect(ctx, &masterdetector.DetectRequest{Previous: previous})
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				time.Sleep(100 * time.Millisecond)
				continue
			}
			previous = resp.GetLeader()
			w.set(previous, time.Now())
		}
	}()
	return w
}

// set records a new leader; the same one detected again (after a
// reconnection) is no change, as for core/agent.
func (w *leaderWatch) set(leader *mesospb.MasterInfo, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if (leader == nil) == (w.leader == nil) && leader.GetId() == w.leader.GetId() {
		return
	}
	w.leader, w.at = leader, at
	close(w.changed)
	w.changed = make(chan struct{})
}

// current is the leader (nil for none), when it was detected, and a
// channel closed at the next change.
func (w *leaderWatch) current() (*mesospb.MasterInfo, time.Time, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.leader, w.at, w.changed
}

// await waits up to d for a leader other than notID (any leader for "")
// and returns it with when it was detected.
func (w *leaderWatch) await(notID string, d time.Duration) (*mesospb.MasterInfo, time.Time, bool) {
	deadline := time.After(d)
	for {
		leader, at, changed := w.current()
		if leader != nil && leader.GetId() != notID {
			return leader, at, true
		}
		select {
		case <-changed:
		case <-deadline:
			return nil, time.Time{}, false
		}
	}
}
