package hierarchical

import (
	"context"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	at "github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"google.golang.org/protobuf/proto"
)

// FuzzAllocate feeds arbitrary requests (events come from the master or
// from a module host, so they are outside input) to an allocator holding a
// small cluster: it must neither panic nor corrupt its bookkeeping.
func FuzzAllocate(f *testing.F) {
	for _, req := range fuzzSeeds() {
		b, err := proto.MarshalOptions{AllowPartial: true}.Marshal(req)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req := &allocator.AllocateRequest{}
		if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(data, req); err != nil {
			return
		}
		h := New()
		ctx := context.Background()
		if _, err := h.Initialize(ctx, &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second)}); err != nil {
			t.Fatal(err)
		}
		for _, seed := range fuzzSeeds()[:1] {
			if _, err := h.Allocate(ctx, seed); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := h.Allocate(ctx, req); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Allocate(ctx, &allocator.AllocateRequest{Allocate: true, NowUnixNanos: req.GetNowUnixNanos() + 1}); err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, h)
	})
}

func fuzzSeeds() []*allocator.AllocateRequest {
	caps := []*mesospb.AgentInfo_Capability{{Type: mesospb.AgentInfo_Capability_MULTI_ROLE.Enum()}}
	fw := func(id, role string) *allocator.Event {
		return &allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: id, Active: true, Info: &mesospb.FrameworkInfo{Roles: []string{role},
				Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}}}}}}
	}
	agent := func(id, text string) *allocator.Event {
		return &allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
			AgentId: id, Capabilities: caps, Total: at.Parse(text).Protos(), Active: true,
			Info: &mesospb.AgentInfo{Hostname: proto.String(id)}}}}
	}
	now := at.Epoch.UnixNano()
	return []*allocator.AllocateRequest{
		{Events: []*allocator.Event{fw("f1", "a"), fw("f2", "b/c"), agent("s1", "cpus:4;mem:1024;cpus(a):1"), agent("s2", "cpus:2;mem:512;ports:[1-10]")},
			Allocate: true, NowUnixNanos: now},
		{Events: []*allocator.Event{
			{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{FrameworkId: "f1", AgentId: "s1",
				Resources: at.Parse("cpus:4;mem:1024").Allocate("a").Protos(), Filters: &mesospb.Filters{}}}},
			{Kind: &allocator.Event_OffersSuppressed{OffersSuppressed: &allocator.OffersSuppressed{FrameworkId: "f2", Roles: []string{"b/c"}}}},
			at.QuotaEvent("a", map[string]float64{"cpus": 3}, map[string]float64{"mem": 100}),
			{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: "s2"}}},
		}, Allocate: true, NowUnixNanos: now + 1},
		{Events: []*allocator.Event{
			{Kind: &allocator.Event_AllocationConverted{AllocationConverted: &allocator.AllocationConverted{FrameworkId: "f1", AgentId: "s1",
				From: at.Parse("cpus:1").Allocate("a").Protos(), To: at.Parse("cpus(a):1").Allocate("a").Protos()}}},
			{Kind: &allocator.Event_FrameworkRemoved{FrameworkRemoved: &allocator.FrameworkRemoved{FrameworkId: "f1"}}},
			{Kind: &allocator.Event_UnavailabilityUpdated{UnavailabilityUpdated: &allocator.UnavailabilityUpdated{AgentId: "s1",
				Unavailability: at.NewUnavailability(at.Epoch, time.Hour)}}},
		}, Allocate: true, NowUnixNanos: now + 2},
	}
}
