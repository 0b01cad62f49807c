package master

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// scriptedAllocator is a misbehaving allocator: it allocates nothing of
// its own, only the responses a test queues, one per cycle, whatever the
// state; and it keeps what the master gave back.
type scriptedAllocator struct {
	mu        sync.Mutex
	script    []*allocator.AllocateResponse
	recovered []*allocator.ResourcesRecovered
}

func (s *scriptedAllocator) Initialize(context.Context, *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	return &allocator.InitializeResponse{}, nil
}

func (s *scriptedAllocator) Allocate(_ context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range req.GetEvents() {
		if rr := ev.GetResourcesRecovered(); rr != nil {
			s.recovered = append(s.recovered, rr)
		}
	}
	if !req.GetAllocate() || len(s.script) == 0 {
		return &allocator.AllocateResponse{}, nil
	}
	resp := s.script[0]
	s.script = s.script[1:]
	return resp, nil
}

func (s *scriptedAllocator) queue(allocs ...*allocator.Allocation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, &allocator.AllocateResponse{Allocations: allocs})
}

func (s *scriptedAllocator) givenBack() []*allocator.ResourcesRecovered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*allocator.ResourcesRecovered(nil), s.recovered...)
}

func scriptedAlloc(fw, agent, role, text string) *allocator.Allocation {
	return &allocator.Allocation{FrameworkId: fw, AgentId: agent, Resources: resources.MustParse(text).Allocate(role).Protos()}
}

// The master checks every allocation with the allocation guard: an
// allocator module (decorated) that hands out a resource twice, hands out
// what is offered already, or allocates to an inactive framework has each
// of those allocations rejected, counted (in total, by reason, and against
// the module) and given back; the frameworks never see them.
func TestAllocationGuardRejects(t *testing.T) {
	script := &scriptedAllocator{}
	d := decorate.New(modules.Spec{Library: "libbad", Name: "org_example_bad", Kind: modules.KindAllocator, Runtime: modules.RuntimePlugin},
		decorate.Options{Logger: slog.New(slog.DiscardHandler)})
	module, err := decorate.NewAllocator(d, script, decorate.AllocatorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tm := startMaster(t, func(c *Config) { c.Allocator = module })
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	a := subscribe(t, tm, httpapi.JSON, frameworkInfo("a"))
	idleInfo := frameworkInfo("idle")
	idleInfo.FailoverTimeout = new(float64(60))
	idle := subscribe(t, tm, httpapi.JSON, idleInfo)
	// The idle framework's scheduler goes away: it is inactive (and kept,
	// for its failover timeout).
	idle.events.resp.Body.Close()
	eventually(t, "the idle framework to be inactive", func() bool {
		var inactive bool
		onLoop(t, tm, func() {
			fw := tm.frameworks[idle.id]
			inactive = fw != nil && !fw.active
		})
		return inactive
	})

	metrics := func() map[string]float64 {
		var out map[string]float64
		onLoop(t, tm, func() { out = tm.loopMetrics() })
		return out
	}
	waitRejected := func(n float64) {
		t.Helper()
		eventually(t, "rejections", func() bool { return metrics()["master/allocations_rejected"] >= n })
	}

	// 1. The same resources twice in one response: the first is offered,
	// the second refused.
	all := "cpus:2;mem:512"
	script.queue(scriptedAlloc(a.id, agent.id, "*", all), scriptedAlloc(a.id, agent.id, "*", all))
	offer := a.nextOffer()
	if got := resources.New(offer.GetResources()...); !got.Equal(resources.MustParse(all)) {
		t.Fatalf("offer %s, want %s", got, all)
	}
	waitRejected(1)

	// 2. What is offered already is not free.
	script.queue(scriptedAlloc(a.id, agent.id, "*", "cpus:1"))
	waitRejected(2)

	// 3. To an inactive framework (the resources are free: the offer is
	// declined first).
	a.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_DECLINE.Enum(), Decline: &schedulerpb.Call_Decline{OfferIds: []*mesospb.OfferID{offer.GetId()}}})
	eventually(t, "the offer declined", func() bool {
		var n int
		onLoop(t, tm, func() { n = len(tm.offers) })
		return n == 0
	})
	script.queue(scriptedAlloc(idle.id, agent.id, "*", "cpus:1"))
	waitRejected(3)

	got := metrics()
	for name, want := range map[string]float64{
		"master/allocations_rejected":                    3,
		"master/allocations_rejected/not_free":           2,
		"master/allocations_rejected/inactive_framework": 1,
		"master/allocations_rejected/unknown_agent":      0,
		"master/offers_sent":                             1,
	} {
		if got[name] != want {
			t.Errorf("%s = %v, want %v", name, got[name], want)
		}
	}
	if st := d.Status(); st.Rejected != 3 {
		t.Errorf("the module's status counts %d rejections, want 3", st.Rejected)
	}
	// Each rejected allocation went back to the allocator (besides the
	// declined offer).
	eventually(t, "the rejected allocations given back", func() bool {
		rejected := 0
		for _, rr := range script.givenBack() {
			if rr.GetFilters() == nil {
				rejected++
			}
		}
		return rejected >= 3
	})
	var back resources.Resources
	for _, rr := range script.givenBack() {
		if rr.GetFilters() == nil {
			back = back.Add(resources.New(rr.GetResources()...).Unallocate())
		}
	}
	if want := resources.MustParse("cpus:4;mem:512"); !back.Equal(want) {
		t.Errorf("given back %s, want %s", back, want)
	}
	// The framework saw only the one offer.
	quiet := time.After(200 * time.Millisecond)
	for {
		select {
		case ev := <-a.events.events:
			if ev.GetType() == schedulerpb.Event_OFFERS {
				t.Errorf("a rejected allocation was offered: %v", ev)
			}
			continue
		case <-quiet:
		}
		break
	}
}
