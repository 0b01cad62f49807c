package zookeeper_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	zkcontender "github.com/gomesos/mesos/builtin/contender/zookeeper"
	"github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
)

// failoverTimeout is the session timeout of the failover benchmark.
const failoverTimeout = 2 * time.Second

// BenchmarkFailover measures how long the masters are without a leader
// when the leader goes, from its going to a detector reporting the next
// leader, with a 2s session timeout (ns/op includes setting up the masters;
// the metrics are the failover):
//
//   - crash: the leader is cut off from ZooKeeper (as a crash or a
//     partition would). ZooKeeper expires its session after the timeout
//     (rounded up to its next tick) and deletes its znode. ms/failover is
//     the whole gap, which the session timeout dominates;
//     ms/after-expiry is the part after the znode was deleted (seen by a
//     plain watch): what detection adds to the session loss.
//   - close: the leader ends its session (a clean shutdown); ZooKeeper
//     deletes its znode at once. ms/failover is the whole gap.
func BenchmarkFailover(b *testing.B) {
	srv := zktest.Start(b)
	run := 0
	for _, mode := range []string{"crash", "close"} {
		b.Run(mode, func(b *testing.B) {
			var total, afterExpiry time.Duration
			for range b.N {
				run++
				f := newFailover(b, srv.URL(fmt.Sprintf("/failover/%d", run)))
				gap, sinceDeletion := f.run(b, mode)
				f.close()
				total += gap
				afterExpiry += sinceDeletion
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/failover")
			if mode == "crash" {
				b.ReportMetric(float64(afterExpiry.Microseconds())/1000/float64(b.N), "ms/after-expiry")
			}
		})
	}
}

// failover is one leader, one standby, a detector and a watcher of the
// leader's znode, torn down by close (a benchmark runs many).
type failover struct {
	closers  []func()
	leader   *zkcontender.Contender
	link     *zktest.Link
	detector *zookeeper.Detector
	deleted  chan time.Time
}

func (f *failover) close() {
	for i := len(f.closers) - 1; i >= 0; i-- {
		f.closers[i]()
	}
}

func newFailover(b *testing.B, url string) *failover {
	b.Helper()
	f := &failover{link: zktest.NewLink(), deleted: make(chan time.Time, 1)}
	u := parse(b, url)
	newClient := func(link *zktest.Link) *zk.Client {
		opts := zk.Options{SessionTimeout: failoverTimeout, Logger: logger(b)}
		if link != nil {
			opts.Dialer = link.Dial
		}
		c, err := zk.NewClient(u, opts)
		if err != nil {
			b.Fatal(err)
		}
		f.closers = append(f.closers, func() { c.Close() })
		return c
	}
	join := func(c *zk.Client, info *mesospb.MasterInfo) *zkcontender.Contender {
		m, err := zkcontender.New(zkcontender.Config{Client: c, Logger: logger(b)})
		if err != nil {
			b.Fatal(err)
		}
		f.closers = append(f.closers, func() { m.Close(context.Background()) })
		if _, err := m.Contend(ctx(b), &mastercontender.ContendRequest{MasterInfo: info}); err != nil {
			b.Fatal(err)
		}
		return m
	}
	f.leader = join(newClient(f.link), master(1))
	join(newClient(nil), master(2))
	d, err := zookeeper.New(zookeeper.Config{Client: newClient(nil), Logger: logger(b)})
	if err != nil {
		b.Fatal(err)
	}
	f.closers = append(f.closers, func() { d.Close(context.Background()) })
	f.detector = d
	detects(b, d, nil, master(1), 10*time.Second)

	watcher, err := newClient(nil).Session(ctx(b))
	if err != nil {
		b.Fatal(err)
	}
	members, err := zk.ListMembers(ctx(b), watcher, u.Path)
	if err != nil || len(members) != 2 {
		b.Fatalf("members of %s: %v, %v", u.Path, members, err)
	}
	ok, _, events, err := watcher.Conn().ExistsW(zk.Join(u.Path, members[0].Name))
	if err != nil || !ok {
		b.Fatalf("watching the leader's znode: %v, %v", ok, err)
	}
	go func() {
		<-events
		f.deleted <- time.Now()
	}()
	return f
}

// run makes the leader go and returns the gap until the detector reports
// the standby, and the part of it after the leader's znode was deleted.
func (f *failover) run(b *testing.B, mode string) (gap, sinceDeletion time.Duration) {
	b.Helper()
	start := time.Now()
	switch mode {
	case "crash":
		f.link.Cut()
	case "close":
		f.leader.Close(context.Background())
	}
	at := detects(b, f.detector, master(1), master(2), 3*failoverTimeout)
	select {
	case gone := <-f.deleted:
		return at.Sub(start), at.Sub(gone)
	case <-time.After(time.Second):
		b.Fatal("no deletion event for the leader's znode")
		return 0, 0
	}
}
