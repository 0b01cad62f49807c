package plugin

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/sdk/examples/plugin/binpack-allocator/binpack"
	"github.com/gomesos/mesos/sdk/examples/plugin/env-isolator/envisolator"
	"google.golang.org/protobuf/proto"
)

// The same policy (the bin-packing example) in-process ("builtin") and
// as a plugin subprocess, side by side.
//
//	go test -run='^$' -bench='TrivialCall|AllocatorCycle' -benchtime=... ./modules/runtime/plugin

var runtimes = []string{"builtin", "plugin"}

// quietLogger keeps benchmark output to warnings.
func quietLogger(b *testing.B) *slog.Logger {
	w := &testWriter{t: b}
	b.Cleanup(w.close)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func benchAllocator(b *testing.B, rt string) allocator.Allocator {
	if rt == "builtin" {
		return binpack.New()
	}
	l := New(Options{Logger: quietLogger(b)})
	inst := load(b, l, modules.Spec{Name: "binpack", Kind: modules.KindAllocator, File: bins["binpack"]})
	return inst.Impl.(allocator.Allocator)
}

// BenchmarkTrivialCall is the round trip of a call that does nothing:
// Allocate with no events and no cycle, and an isolator's Status.
func BenchmarkTrivialCall(b *testing.B) {
	ctx := context.Background()
	for _, rt := range runtimes {
		b.Run("Allocate/"+rt, func(b *testing.B) {
			a := benchAllocator(b, rt)
			if _, err := a.Initialize(ctx, &allocator.InitializeRequest{}); err != nil {
				b.Fatal(err)
			}
			req := &allocator.AllocateRequest{}
			for b.Loop() {
				if _, err := a.Allocate(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/call")
		})
	}
	for _, rt := range runtimes {
		b.Run("IsolatorStatus/"+rt, func(b *testing.B) {
			var iso isolator.Isolator
			if rt == "builtin" {
				var err error
				if iso, err = envisolator.New(nil); err != nil {
					b.Fatal(err)
				}
			} else {
				l := New(Options{Logger: quietLogger(b)})
				iso = load(b, l, modules.Spec{Name: "env", Kind: modules.KindIsolator, File: bins["env"]}).Impl.(isolator.Isolator)
			}
			id := &mesospb.ContainerID{Value: proto.String("c1")}
			if _, err := iso.Prepare(ctx, &isolator.PrepareRequest{ContainerId: id}); err != nil {
				b.Fatal(err)
			}
			req := &isolator.StatusRequest{ContainerId: id}
			for b.Loop() {
				if _, err := iso.Status(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/call")
		})
	}
}

// BenchmarkAllocatorCycle is one allocation cycle in which every agent
// is allocated, on the cluster of the HierarchicalDRF benchmark (Mesos's
// allocator benchmark: cpus:24;mem:4096;disk:4096;ports:[31000-32000]
// agents each already running tasks of one framework). Between timed
// cycles everything is given back (untimed).
func BenchmarkAllocatorCycle(b *testing.B) {
	ctx := context.Background()
	for _, size := range []struct{ agents, frameworks int }{{1000, 100}, {10000, 1000}} {
		for _, rt := range runtimes {
			b.Run(fmt.Sprintf("agents=%d/frameworks=%d/%s", size.agents, size.frameworks, rt), func(b *testing.B) {
				a := benchAllocator(b, rt)
				if _, err := a.Initialize(ctx, &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second)}); err != nil {
					b.Fatal(err)
				}
				now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
				if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: benchCluster(size.agents, size.frameworks), NowUnixNanos: now}); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for range b.N {
					resp, err := a.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: now})
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					if n := len(resp.GetAllocations()); n != size.agents {
						b.Fatalf("allocated %d agents, want all %d", n, size.agents)
					}
					if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: recoverAll(resp), NowUnixNanos: now}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				b.StopTimer()
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/cycle")
			})
		}
	}
}

const (
	benchAgent = "cpus:24;mem:4096;disk:4096;ports:[31000-32000]"
	benchUsed  = "cpus:16;mem:2014;disk:1024"
)

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

// benchCluster is the events that set up the benchmark cluster.
func benchCluster(agents, frameworks int) []*allocator.Event {
	total := resources.MustParse(benchAgent).Protos()
	used := resources.MustParse(benchUsed + ";" + benchUsedPorts())
	var evs []*allocator.Event
	for i := range frameworks {
		id := fmt.Sprintf("framework-%d", i)
		evs = append(evs, &allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: id,
			Info: &mesospb.FrameworkInfo{
				Id: &mesospb.FrameworkID{Value: proto.String(id)}, Name: proto.String(id), User: proto.String("bench"),
				Roles:        []string{fmt.Sprintf("role-%d", i)},
				Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}},
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
			AgentId: id, Info: &mesospb.AgentInfo{Hostname: proto.String(id)}, Capabilities: caps, Total: total,
			Used: []*allocator.FrameworkResources{{
				FrameworkId: fmt.Sprintf("framework-%d", fw),
				Resources:   used.Allocate(fmt.Sprintf("role-%d", fw)).Protos(),
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
