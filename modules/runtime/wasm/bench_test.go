package wasm

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/sdk/examples/plugin/binpack-allocator/binpack"
	"github.com/gomesos/mesos/sdk/examples/wasm/label-hook/labelhook"
	"google.golang.org/protobuf/proto"
)

// BenchmarkHookCall: one call of a label decorator, built in and as
// WASM (the Go example, and its twin in Rust: "wasm-rust"). "trivial" is an empty request answered "no change" (the module
// has no labels to add): the cost of a call itself. "labels" adds two
// labels to a task that has two. "builtin+proto" is the built-in hook
// with the request and response encoded and decoded as the ABI does, the
// floor of what any out-of-process call costs. The parallel variants
// call from GOMAXPROCS goroutines through the pool.
func BenchmarkHookCall(b *testing.B) {
	params := map[string]map[string]string{
		"trivial": {},
		"labels":  {"label.team": "infra", "label.tier": "gold"},
	}
	reqs := map[string]*hook.MasterLaunchTaskLabelDecoratorRequest{
		"trivial": {},
		"labels":  {Task: taskWithLabels("team", "web", "app", "shop")},
	}
	for _, name := range []string{"trivial", "labels"} {
		req := reqs[name]
		builtin := &labelhook.Hook{}
		if err := builtin.Configure(params[name]); err != nil {
			b.Fatal(err)
		}
		wasmHook := func(cfg Config) func(b *testing.B) hook.Hook {
			return func(b *testing.B) hook.Hook {
				return load(b, newLoader(b, cfg), modules.Spec{File: guest(b, labelPkg), Parameters: params[name]}).
					Impl.(hook.Hook)
			}
		}
		hooks := map[string]func(b *testing.B) hook.Hook{
			"builtin":              func(*testing.B) hook.Hook { return builtin },
			"builtin+proto":        func(*testing.B) hook.Hook { return protoHook{builtin} },
			"wasm":                 wasmHook(Config{}),
			"wasm-uninterruptible": wasmHook(Config{Uninterruptible: true}),
			"wasm-rust": func(b *testing.B) hook.Hook {
				return load(b, newLoader(b, Config{}), modules.Spec{File: rustExample(b, "label-hook"), Parameters: params[name]}).
					Impl.(hook.Hook)
			},
		}
		for _, runtime := range []string{"builtin", "builtin+proto", "wasm", "wasm-uninterruptible", "wasm-rust"} {
			b.Run(name+"/"+runtime, func(b *testing.B) {
				h := hooks[runtime](b)
				ctx := context.Background()
				b.ReportAllocs()
				b.ResetTimer()
				cpu := startCPU()
				for range b.N {
					if _, err := h.MasterLaunchTaskLabelDecorator(ctx, req); err != nil {
						b.Fatal(err)
					}
				}
				cpu.report(b, "cpu-µs/op", time.Microsecond)
			})
			b.Run(name+"/"+runtime+"/parallel", func(b *testing.B) {
				h := hooks[runtime](b)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := h.MasterLaunchTaskLabelDecorator(context.Background(), req); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// protoHook calls a hook with its request and response encoded and
// decoded, as a call through the ABI does.
type protoHook struct{ hook.Hook }

func (h protoHook) MasterLaunchTaskLabelDecorator(ctx context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	b, err := marshalOpts.Marshal(req)
	if err != nil {
		return nil, err
	}
	in := &hook.MasterLaunchTaskLabelDecoratorRequest{}
	if err := unmarshalOpts.Unmarshal(b, in); err != nil {
		return nil, err
	}
	resp, err := h.Hook.MasterLaunchTaskLabelDecorator(ctx, in)
	if err != nil {
		return nil, err
	}
	if b, err = marshalOpts.Marshal(resp); err != nil {
		return nil, err
	}
	out := &hook.MasterLaunchTaskLabelDecoratorResponse{}
	return out, unmarshalOpts.Unmarshal(b, out)
}

// BenchmarkTrivialAllocate: an Allocate with no events and no cycle,
// the call modules/runtime/plugin's BenchmarkTrivialCall times through a
// plugin, built in and as WASM.
func BenchmarkTrivialAllocate(b *testing.B) {
	for _, runtime := range []string{"builtin", "wasm"} {
		b.Run(runtime, func(b *testing.B) {
			var a allocator.Allocator = binpack.New()
			if runtime == "wasm" {
				a = load(b, newLoader(b, Config{}), modules.Spec{File: guest(b, binpackPkg)}).Impl.(allocator.Allocator)
			}
			ctx := context.Background()
			if _, err := a.Initialize(ctx, &allocator.InitializeRequest{}); err != nil {
				b.Fatal(err)
			}
			req := &allocator.AllocateRequest{}
			b.ResetTimer()
			cpu := startCPU()
			for range b.N {
				if _, err := a.Allocate(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b, "cpu-µs/op", time.Microsecond)
		})
	}
}

// BenchmarkAllocatorCycle: one allocation cycle of 10,000 agents and
// 1,000 frameworks (the cluster of Mesos's allocator benchmarks, as in
// builtin/allocator/hierarchical), each policy built in and as WASM
// (bin-packing also as the Rust module, "wasm-rust").
// Between timed cycles everything allocated is given back (untimed).
func BenchmarkAllocatorCycle(b *testing.B) {
	const agents, frameworks = 10000, 1000
	policies := []struct {
		name    string
		builtin func() allocator.Allocator
		pkg     string
	}{
		{"binpack", func() allocator.Allocator { return binpack.New() }, binpackPkg},
		{"drf", func() allocator.Allocator { return hierarchical.New() }, drfPkg},
	}
	for _, p := range policies {
		for _, runtime := range []string{"builtin", "wasm", "wasm-rust", "wasm-uninterruptible", "wasm-rust-uninterruptible"} {
			if strings.HasPrefix(runtime, "wasm-rust") && p.name != "binpack" {
				continue // only bin-packing has a Rust twin (rust_guest_test.go)
			}
			b.Run(fmt.Sprintf("%s/%s/agents=%d/frameworks=%d", p.name, runtime, agents, frameworks), func(b *testing.B) {
				var a allocator.Allocator
				switch runtime {
				case "builtin":
					a = p.builtin()
				case "wasm-rust", "wasm-rust-uninterruptible":
					cfg := Config{Uninterruptible: runtime == "wasm-rust-uninterruptible"}
					a = load(b, newLoader(b, cfg), modules.Spec{File: rustGuest(b), CallTimeout: 10 * time.Minute}).
						Impl.(allocator.Allocator)
				default:
					cfg := Config{Uninterruptible: runtime == "wasm-uninterruptible"}
					a = load(b, newLoader(b, cfg), modules.Spec{File: guest(b, p.pkg), CallTimeout: 10 * time.Minute}).
						Impl.(allocator.Allocator)
				}
				runCycles(b, a, agents, frameworks)
			})
		}
	}
}

func runCycles(b *testing.B, a allocator.Allocator, agents, frameworks int) {
	ctx := context.Background()
	if _, err := a.Initialize(ctx, &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second)}); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: benchCluster(agents, frameworks), NowUnixNanos: now}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var cpu time.Duration
	for range b.N {
		c0 := cpuTime()
		resp, err := a.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: now})
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		b.StopTimer()
		if len(resp.GetAllocations()) == 0 {
			b.Fatal("nothing allocated")
		}
		if _, err := a.Allocate(ctx, &allocator.AllocateRequest{Events: recoverAll(resp), NowUnixNanos: now}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/cycle")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ms/cycle")
}

// benchCluster: every agent has cpus:24;mem:4096;disk:4096;
// ports:[31000-32000] and runs tasks of one framework (round robin) using
// cpus:16;mem:2014;disk:1024 and 16 ports; each framework has a role of
// its own.
func benchCluster(agents, frameworks int) []*allocator.Event {
	total := resources.MustParse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]").Protos()
	ports := ""
	for i := range 16 {
		if i > 0 {
			ports += ","
		}
		ports += fmt.Sprintf("%d-%d", 31000+i*60, 31000+i*60)
	}
	used := resources.MustParse("cpus:16;mem:2014;disk:1024;ports:[" + ports + "]")
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
			Used: []*allocator.FrameworkResources{{FrameworkId: fmt.Sprintf("framework-%d", fw),
				Resources: used.Allocate(fmt.Sprintf("role-%d", fw)).Protos()}},
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

// BenchmarkLoad: loading a module. "restart" is a new Loader on a warm
// on-disk compilation cache, as after a daemon restart: read, decode and
// validate the binary, take the compiled code from the cache,
// instantiate, negotiate, init. "again" is a second load in the same
// Loader, which reuses the compiled code.
func BenchmarkLoad(b *testing.B) {
	// The Go guests, and the bin-packing allocator written in Rust: load
	// time follows the module's size (8-9 MB against 0.2 MB).
	guests := []struct {
		name string
		path func(testing.TB) string
	}{
		{"label-hook", func(tb testing.TB) string { return guest(tb, "./sdk/examples/wasm/label-hook") }},
		{"binpack-allocator", func(tb testing.TB) string { return guest(tb, "./sdk/examples/wasm/binpack-allocator") }},
		{"binpack-allocator-rs", rustGuest},
		{"label-hook-rs", func(tb testing.TB) string { return rustExample(tb, "label-hook") }},
	}
	for _, g := range guests {
		b.Run(g.name+"/restart", func(b *testing.B) {
			path := g.path(b)
			dir := b.TempDir()
			load(b, newLoader(b, Config{CacheDir: dir}), modules.Spec{File: path})
			b.ResetTimer()
			var cpu time.Duration
			for range b.N {
				c0 := cpuTime()
				l := newLoader(b, Config{CacheDir: dir})
				in := load(b, l, modules.Spec{File: path})
				cpu += cpuTime() - c0
				b.StopTimer()
				in.Close(context.Background())
				l.Close(context.Background())
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/load")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ms/load")
		})
		b.Run(g.name+"/again", func(b *testing.B) {
			path := g.path(b)
			l := newLoader(b, Config{})
			load(b, l, modules.Spec{File: path})
			b.ResetTimer()
			var cpu time.Duration
			for range b.N {
				c0 := cpuTime()
				in := load(b, l, modules.Spec{File: path})
				cpu += cpuTime() - c0
				b.StopTimer()
				in.Close(context.Background())
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/load")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1e6, "cpu-ms/load")
		})
	}
}
