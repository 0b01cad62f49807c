package failover

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk/zktest"
)

// registrationBackoff is the agents' --registration_backoff_factor, Mesos's
// and core/agent's default: after a new leader is detected each agent
// waits a random time within it before re-registering, so that they do
// not all arrive at once.
const registrationBackoff = time.Second

// BenchmarkFailover kills the leading master (SIGKILL) of three, with N
// agents registered, b.N times, and measures from the kill:
//
//   - s-elect: until the next leader is detected through ZooKeeper (what
//     agents, schedulers and the masters see). The dead leader's session
//     must expire first: ZooKeeper expires it at its last heartbeat plus
//     the 2 s session timeout, rounded up to its tickTime (ZK_TICK_TIME,
//     100 ms by default).
//   - s-serve: until the new leader accepted its first re-registration
//     (it has recovered the registry from ZooKeeper and serves).
//   - s-all: until every agent has re-registered with it; ns/op is the
//     mean of this.
//   - s-leader-cpu: the CPU time the new leader used from the kill until
//     then, which does not depend on what else loads the machine.
//
// Each metric is reported as min, median (med) and max over the kills of
// the run; every kill is logged. After each kill the dead master is
// restarted, as a supervisor would, and rejoins as a follower before the
// next kill; each kill waits a random part of a second first, so that it
// lands at a random point between two ZooKeeper heartbeats.
//
//	go test -run='^$' -bench=Failover -benchtime=3x -timeout=60m ./test/failover
func BenchmarkFailover(b *testing.B) {
	binary := masterBinary(b)
	sizes := []int{100, 1000, 10000}
	if testing.Short() {
		sizes = sizes[:1]
	}
	zks := zktest.Start(b)
	b.Logf("ZooKeeper %s, tickTime %s ms (ZK_TICK_TIME), RLIMIT_NOFILE %s", zks.Addr(), tickTime(), describeLimit())
	for _, n := range sizes {
		env := &clusterEnv{binary: binary, zkURL: zks.URL(fmt.Sprintf("/failover-%d", n)), n: n}
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			b.StopTimer()
			env.setUp(b)
			env.measure(b)
		})
		env.tearDown()
	}
}

// tickTime is the tickTime the scripts give ZooKeeper.
func tickTime() string {
	if v := os.Getenv("ZK_TICK_TIME"); v != "" {
		return v
	}
	return "100 (scripts/zookeeper's default)"
}

// clusterEnv is one size's cluster, set up on the first run of its
// benchmark and kept for the next (the testing package runs a benchmark
// function once with b.N=1 before the real run).
type clusterEnv struct {
	binary string
	zkURL  string
	n      int

	ready   bool
	dir     string
	masters []*master
	watch   *leaderWatch
	fleet   *fleet
	http    *http.Client
	cancel  context.CancelFunc
	kills   int
}

func (e *clusterEnv) setUp(b *testing.B) {
	if e.ready {
		return
	}
	// Each agent holds a connection in this process and in the leader.
	raiseFileLimit(b, uint64(e.n+4096))
	var err error
	if e.dir, err = os.MkdirTemp("", "failover-"); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	e.http = &http.Client{Timeout: 10 * time.Second}
	for _, name := range []string{"m1", "m2", "m3"} {
		m := newMaster(b, name, e.dir, e.zkURL)
		m.start(b, e.binary)
		e.masters = append(e.masters, m)
	}
	e.watch = watchLeader(ctx, b, e.zkURL)
	leader, _, ok := e.watch.await("", time.Minute)
	if !ok {
		e.fail(b, "no leader elected within a minute")
	}
	start := time.Now()
	e.fleet = newFleet(b, e.n, registrationBackoff, e.watch)
	e.fleet.start(ctx)
	if _, _, err := e.fleet.await(leader.GetId(), 10*time.Minute); err != nil {
		e.fail(b, "first registration: %v", err)
	}
	b.Logf("%d agents registered with %s in %s", e.n, leader.GetPid(), time.Since(start).Round(time.Millisecond))
	e.ready = true
}

func (e *clusterEnv) tearDown() {
	if e.cancel != nil {
		e.cancel()
	}
	for _, m := range e.masters {
		m.kill()
	}
	if e.fleet != nil {
		e.fleet.client.CloseIdleConnections()
	}
	if e.dir != "" {
		os.RemoveAll(e.dir)
	}
}

// fail stops the benchmark with the masters' logs.
func (e *clusterEnv) fail(b *testing.B, format string, args ...any) {
	b.Helper()
	var logs strings.Builder
	for _, m := range e.masters {
		fmt.Fprintf(&logs, "\n--- %s (running %v), end of its log:\n%s", m.name, m.running(), m.logTail())
	}
	b.Fatalf(format+"%s", append(args, logs.String())...)
}

// sample is one kill's timings, from the kill, and the CPU time the new
// leader used meanwhile (load-independent, unlike the timings on a shared
// machine).
type sample struct{ elect, serve, all, cpu time.Duration }

func (e *clusterEnv) measure(b *testing.B) {
	var samples []sample
	for range b.N {
		samples = append(samples, e.killLeader(b))
	}
	report(b, samples)
}

// killLeader kills the leader, measures the failover and restarts the
// killed master as a follower.
func (e *clusterEnv) killLeader(b *testing.B) sample {
	time.Sleep(time.Duration(rand.Int64N(int64(time.Second))))
	leader, _, _ := e.watch.current()
	old := e.byPid(b, leader)
	e.fleet.takeRefusals()
	e.kills++

	cpuBefore := map[*master]time.Duration{}
	for _, m := range e.masters {
		cpuBefore[m] = m.cpu()
	}
	b.StartTimer()
	killed := time.Now()
	old.kill()
	next, detected, ok := e.watch.await(leader.GetId(), time.Minute)
	if !ok {
		e.fail(b, "kill %d: no new leader within a minute of killing %s", e.kills, old.name)
	}
	first, last, err := e.fleet.await(next.GetId(), 5*time.Minute)
	b.StopTimer()
	if err != nil {
		e.fail(b, "kill %d: %s leads: %v", e.kills, next.GetPid(), err)
	}
	leading := e.byPid(b, next)
	s := sample{elect: detected.Sub(killed), serve: first.Sub(killed), all: last.Sub(killed), cpu: leading.cpu() - cpuBefore[leading]}
	q := e.fleet.quantiles(next.GetId(), killed, 0.5, 0.9, 0.99)
	b.Logf("kill %d: %s killed; %s elected %s, serving %s, agents re-registered: half %s, 90%% %s, 99%% %s, all %d %s after the kill; the new leader used %s of CPU (refused meanwhile: %v)",
		e.kills, old.name, leading.name, seconds(s.elect), seconds(s.serve),
		seconds(q[0]), seconds(q[1]), seconds(q[2]), e.n, seconds(s.all), seconds(s.cpu), e.fleet.takeRefusals())

	if active, err := leading.metric(e.http, "master/slaves_active"); err != nil || int(active) != e.n {
		e.fail(b, "kill %d: %s: master/slaves_active = %v (%v), want %d", e.kills, leading.name, active, err, e.n)
	}
	old.start(b, e.binary)
	deadline := time.Now().Add(time.Minute)
	for !old.follows(e.http, next.GetPid()) {
		if time.Now().After(deadline) || !old.running() {
			e.fail(b, "kill %d: restarted %s does not follow %s", e.kills, old.name, next.GetPid())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return s
}

func (e *clusterEnv) byPid(b *testing.B, info *mesospb.MasterInfo) *master {
	for _, m := range e.masters {
		if m.pid() == info.GetPid() {
			return m
		}
	}
	e.fail(b, "the leader %s is none of the masters", info.GetPid())
	return nil
}

// report gives each measurement's min, median and max as metrics.
func report(b *testing.B, samples []sample) {
	for _, m := range []struct {
		name string
		get  func(sample) time.Duration
	}{
		{"elect", func(s sample) time.Duration { return s.elect }},
		{"serve", func(s sample) time.Duration { return s.serve }},
		{"all", func(s sample) time.Duration { return s.all }},
		{"leader-cpu", func(s sample) time.Duration { return s.cpu }},
	} {
		var ds []time.Duration
		for _, s := range samples {
			ds = append(ds, m.get(s))
		}
		slices.Sort(ds)
		b.ReportMetric(ds[0].Seconds(), "s-"+m.name+"-min")
		b.ReportMetric(ds[len(ds)/2].Seconds(), "s-"+m.name+"-med")
		b.ReportMetric(ds[len(ds)-1].Seconds(), "s-"+m.name+"-max")
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
