package hierarchical

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// The benchmark cluster follows Mesos's allocator benchmarks
// (hierarchical_allocator_tests.cpp, HierarchicalAllocator_BENCHMARK_Test):
// every agent has cpus:24;mem:4096;disk:4096;ports:[31000-32000] and
// already runs tasks of one framework (round robin) using
// cpus:16;mem:2014;disk:1024 and 16 single ports, so each has
// cpus:8;mem:2082;disk:3072 and 985 ports free. Each framework is in a role
// of its own (the role sorter then has as many clients as there are
// frameworks, the harder case for it).
const (
	benchAgent = "cpus:24;mem:4096;disk:4096;ports:[31000-32000]"
	benchUsed  = "cpus:16;mem:2014;disk:1024"
)

var benchFull = flag.Bool("allocator.fullgrid", false,
	"run the largest benchmark combinations (20k and 50k agents with 5k frameworks) even with -short")

// benchGrid is Mesos's grid of agents × frameworks.
var benchGrid = struct{ agents, frameworks []int }{
	agents:     []int{1000, 5000, 10000, 20000, 50000},
	frameworks: []int{1, 100, 1000, 5000},
}

func benchUsedPorts() string {
	s := ""
	for i := range 16 {
		if i > 0 {
			s += ","
		}
		p := 31000 + i*60
		s += fmt.Sprintf("%d-%d", p, p)
	}
	return "ports:[" + s + "]"
}

// benchCluster builds the events that set up a cluster, each framework in
// a role of its own.
func benchCluster(agents, frameworks int) []*allocator.Event {
	return benchClusterRoles(agents, frameworks, func(i int) string { return fmt.Sprintf("role-%d", i) })
}

// benchClusterRoles builds the events that set up a cluster; framework i
// is in role roleOf(i).
func benchClusterRoles(agents, frameworks int, roleOf func(int) string) []*allocator.Event {
	total := resources.MustParse(benchAgent).Protos()
	used := resources.MustParse(benchUsed + ";" + benchUsedPorts())
	var evs []*allocator.Event
	for i := range frameworks {
		id := fmt.Sprintf("framework-%d", i)
		evs = append(evs, &allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: id,
			Info: &mesospb.FrameworkInfo{
				Id:    &mesospb.FrameworkID{Value: proto.String(id)},
				Name:  proto.String(id),
				User:  proto.String("bench"),
				Roles: []string{roleOf(i)},
				Capabilities: []*mesospb.FrameworkInfo_Capability{
					{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}},
			},
			Active: true,
		}}})
	}
	caps := []*mesospb.AgentInfo_Capability{
		{Type: mesospb.AgentInfo_Capability_MULTI_ROLE.Enum()},
		{Type: mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE.Enum()},
	}
	for i := range agents {
		id := fmt.Sprintf("agent-%d", i)
		fw := i % frameworks
		evs = append(evs, &allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
			AgentId:      id,
			Info:         &mesospb.AgentInfo{Hostname: proto.String(id)},
			Capabilities: caps,
			Total:        total,
			Used: []*allocator.FrameworkResources{{
				FrameworkId: fmt.Sprintf("framework-%d", fw),
				Resources:   used.Allocate(roleOf(fw)).Protos(),
			}},
			Active: true,
		}}})
	}
	return evs
}

// recoverAll gives back everything a response allocated, without filters.
func recoverAll(resp *allocator.AllocateResponse) []*allocator.Event {
	evs := make([]*allocator.Event, 0, len(resp.GetAllocations()))
	for _, a := range resp.GetAllocations() {
		evs = append(evs, &allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
			FrameworkId: a.GetFrameworkId(), AgentId: a.GetAgentId(), Resources: a.GetResources()}}})
	}
	return evs
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkCycle measures one full allocation cycle: every agent has free
// resources and no filters, so every agent is allocated. Between timed
// cycles everything is given back (untimed).
func BenchmarkCycle(b *testing.B) {
	for _, agents := range benchGrid.agents {
		for _, frameworks := range benchGrid.frameworks {
			name := fmt.Sprintf("agents=%d/frameworks=%d", agents, frameworks)
			b.Run(name, func(b *testing.B) {
				if testing.Short() && !*benchFull && agents*frameworks > 10000*1000 {
					b.Skip("large combination: run without -short or with -allocator.fullgrid")
				}
				benchCycle(b, func() []*allocator.Event { return benchCluster(agents, frameworks) }, agents)
			})
		}
	}
}

// BenchmarkCycleFewRoles is BenchmarkCycle with the frameworks spread
// over 10 roles (hundreds of frameworks per role sorter).
func BenchmarkCycleFewRoles(b *testing.B) {
	for _, size := range []struct{ agents, frameworks int }{{10000, 1000}, {50000, 5000}} {
		b.Run(fmt.Sprintf("agents=%d/frameworks=%d/roles=10", size.agents, size.frameworks), func(b *testing.B) {
			if testing.Short() && !*benchFull && size.agents*size.frameworks > 10000*1000 {
				b.Skip("large combination: run without -short or with -allocator.fullgrid")
			}
			benchCycle(b, func() []*allocator.Event {
				return benchClusterRoles(size.agents, size.frameworks,
					func(i int) string { return fmt.Sprintf("role-%d", i%10) })
			}, size.agents)
		})
	}
}

// benchCycle sets up a cluster with the events setup builds and times
// full cycles. B/agent is the heap the allocator holds per agent.
func benchCycle(b *testing.B, setup func() []*allocator.Event, agents int) {
	ctx := context.Background()
	before := heapInUse()
	evs := setup()
	h := New()
	if _, err := h.Initialize(ctx, &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second)}); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	if _, err := h.Allocate(ctx, &allocator.AllocateRequest{Events: evs, NowUnixNanos: now}); err != nil {
		b.Fatal(err)
	}
	evs = nil
	perAgent := float64(heapInUse()-before) / float64(agents)
	var allocs int
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		c0 := cpuTime()
		resp, err := h.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: now})
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		b.StopTimer()
		allocs += len(resp.GetAllocations())
		if len(resp.GetAllocations()) != agents {
			b.Fatalf("allocated %d agents, want all %d", len(resp.GetAllocations()), agents)
		}
		if _, err := h.Allocate(ctx, &allocator.AllocateRequest{Events: recoverAll(resp), NowUnixNanos: now}); err != nil {
			b.Fatal(err)
		}
		resp = nil
		// Collect the untimed work's garbage now rather than during the
		// next timed cycle.
		runtime.GC()
		b.StartTimer()
	}
	b.StopTimer()
	perCycle := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(float64(allocs)/b.Elapsed().Seconds(), "allocs/s")
	b.ReportMetric(perCycle/1e6, "ms/cycle")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ms/cycle")
	b.ReportMetric(perAgent, "B/agent")
}

// cpuTime is the CPU time (user and system, all threads) the process has
// used. On a shared machine it measures a cycle's cost where wall time
// also measures the neighbours; it includes the garbage collector's work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCycleAllDeclined measures cycles in a cluster where every
// framework has declined every agent for an hour (Mesos's DeclineOffers
// situation): "walk" re-examines every framework for every agent (the
// first cycle, or after a quota change), "memo" is a following cycle with
// nothing changed, "recheck" one after a framework changed (say revived
// but still declining): only that framework is asked again.
func BenchmarkCycleAllDeclined(b *testing.B) {
	ctx := context.Background()
	for _, size := range []struct{ agents, frameworks int }{{1000, 100}, {10000, 100}, {10000, 1000}} {
		for _, mode := range []string{"walk", "memo", "recheck"} {
			b.Run(fmt.Sprintf("agents=%d/frameworks=%d/%s", size.agents, size.frameworks, mode), func(b *testing.B) {
				if testing.Short() && !*benchFull && size.agents*size.frameworks > 1000000 {
					b.Skip("large combination: run without -short or with -allocator.fullgrid")
				}
				h := New()
				if _, err := h.Initialize(ctx, &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second)}); err != nil {
					b.Fatal(err)
				}
				now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
				if _, err := h.Allocate(ctx, &allocator.AllocateRequest{Events: benchCluster(size.agents, size.frameworks), NowUnixNanos: now}); err != nil {
					b.Fatal(err)
				}
				hour := &mesospb.Filters{RefuseSeconds: proto.Float64(3600)}
				for _, f := range h.frameworks {
					for _, a := range h.agentList {
						h.addFilter(f, f.roles[0], a, a.avail, hour, now)
					}
				}
				if mode != "walk" {
					// The first cycle walks and records the memos.
					if _, err := h.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: now}); err != nil {
						b.Fatal(err)
					}
				}
				b.ResetTimer()
				for range b.N {
					switch mode {
					case "walk":
						h.st.policy++ // as after a quota change: every agent is walked again
					case "recheck":
						for _, fr := range h.frameworks["framework-0"].byRole {
							h.changed(fr)
						}
					}
					resp, err := h.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: now})
					if err != nil {
						b.Fatal(err)
					}
					if len(resp.GetAllocations()) != 0 {
						b.Fatalf("%d allocations with everything declined", len(resp.GetAllocations()))
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/cycle")
			})
		}
	}
}

// BenchmarkRecover measures applying the ResourcesRecovered events that
// give back a whole cycle's allocations (declined offers), per event.
func BenchmarkRecover(b *testing.B) {
	ctx := context.Background()
	const agents, frameworks = 10000, 1000
	h := New()
	if _, err := h.Initialize(ctx, &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second)}); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	if _, err := h.Allocate(ctx, &allocator.AllocateRequest{Events: benchCluster(agents, frameworks), NowUnixNanos: now}); err != nil {
		b.Fatal(err)
	}
	var events int
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		resp, err := h.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: now})
		if err != nil {
			b.Fatal(err)
		}
		evs := recoverAll(resp)
		events += len(evs)
		b.StartTimer()
		if _, err := h.Allocate(ctx, &allocator.AllocateRequest{Events: evs, NowUnixNanos: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
}
