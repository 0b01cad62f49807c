package hierarchical

import (
	"slices"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	at "github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"google.golang.org/protobuf/proto"
)

const agentUnit = "cpus:4;mem:1024"

func newCluster(t *testing.T, init *allocator.InitializeRequest) (*at.Cluster, *HierarchicalDRF) {
	h := New()
	return at.NewCluster(t, h, init), h
}

func frameworksOf(allocs []*allocator.Allocation) []string {
	var out []string
	for _, a := range allocs {
		out = append(out, a.GetFrameworkId())
	}
	return out
}

// A role's share includes its subroles: "a" (a/x holding two agents) goes
// after "b" (one agent) even though a/y holds nothing.
func TestSubtreeShares(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.AddFramework("fx", []string{"a/x"})
	c.AddFramework("fy", []string{"a/y"})
	c.AddFramework("fb", []string{"b"})
	c.AddAgent("u1", agentUnit, at.Used("fx", "a/x", agentUnit))
	c.AddAgent("u2", agentUnit, at.Used("fx", "a/x", agentUnit))
	c.AddAgent("u3", agentUnit, at.Used("fb", "b", agentUnit))
	c.Flush()

	c.AddAgent("free1", agentUnit)
	if got := frameworksOf(c.Cycle()); !slices.Equal(got, []string{"fb"}) {
		t.Fatalf("first free agent went to %v, want fb (b's share 1 < a's share 2)", got)
	}
	// Now a and b both hold two agents; a has had fewer allocations, and
	// within a, a/y holds nothing.
	c.AddAgent("free2", agentUnit)
	if got := frameworksOf(c.Cycle()); !slices.Equal(got, []string{"fy"}) {
		t.Fatalf("second free agent went to %v, want fy", got)
	}
}

// A weight on an internal role divides the share of its whole subtree.
func TestWeightOnParentRole(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.Send(at.WeightsEvent("a", 3))
	c.AddFramework("fx", []string{"a/x"})
	c.AddFramework("fb", []string{"b"})
	c.AddAgent("u1", agentUnit, at.Used("fx", "a/x", agentUnit))
	c.AddAgent("u2", agentUnit, at.Used("fx", "a/x", agentUnit))
	c.AddAgent("u3", agentUnit, at.Used("fb", "b", agentUnit))
	c.Flush()
	c.AddAgent("free", agentUnit)
	// a: 2 units / 3 < b: 1 unit / 1.
	if got := frameworksOf(c.Cycle()); !slices.Equal(got, []string{"fx"}) {
		t.Fatalf("free agent went to %v, want fx (a weighted 3)", got)
	}
}

// Unreserved resources are held back for unsatisfied guarantees of a role
// that has no framework yet; once it has one, it gets them.
func TestQuotaHeadroom(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.Send(at.QuotaEvent("q", map[string]float64{"cpus": 4}, nil))
	c.AddAgent("a1", agentUnit)
	c.AddAgent("a2", agentUnit)
	c.AddFramework("other", []string{"o"})
	c.CycleUntilQuiet(5)
	if cpus := at.Scalars(c.Held("other"), "cpus"); cpus != 4 {
		t.Fatalf("other role holds cpus:%v, want 4 (4 of 8 held back for q's guarantee)", cpus)
	}
	c.AddFramework("fq", []string{"q"})
	c.CycleUntilQuiet(5)
	if cpus := at.Scalars(c.Held("fq"), "cpus"); cpus != 4 {
		t.Errorf("quota role holds cpus:%v, want its guarantee 4", cpus)
	}
}

// Stage 1 serves unsatisfied guarantees before DRF: the quota role is
// offered an agent although its share is higher.
func TestQuotaGuaranteeBeforeFairShare(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.Send(at.QuotaEvent("q", map[string]float64{"cpus": 6}, nil))
	c.AddFramework("fq", []string{"q"})
	c.AddFramework("fo", []string{"o"})
	c.AddAgent("used", agentUnit, at.Used("fq", "q", agentUnit))
	c.Flush()
	c.AddAgent("a2", agentUnit)
	c.AddAgent("a3", agentUnit)
	got := c.Cycle()
	if cpus := at.Scalars(at.Sum(at.For(got, "fq")), "cpus"); cpus < 2 {
		t.Errorf("quota role got cpus:%v, want at least the 2 its guarantee lacks", cpus)
	}
	if len(at.For(got, "fo")) == 0 {
		t.Errorf("the other role got nothing")
	}
}

// Quota limits chop allocations: with a cpus limit of 3 and agents of 2
// cpus, the role gets 2 + 1 cpus, and all the memory it is offered.
func TestQuotaLimitChops(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.Send(at.QuotaEvent("capped", nil, map[string]float64{"cpus": 3}))
	for _, id := range []string{"a1", "a2", "a3"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("f", []string{"capped"})
	got := c.CycleUntilQuiet(5)
	if cpus := at.Scalars(c.Held("f"), "cpus"); cpus != 3 {
		t.Errorf("capped role holds cpus:%v, want 3", cpus)
	}
	if mem := at.Scalars(at.Sum(got), "mem"); mem != 1536 {
		t.Errorf("capped role got mem:%v, want all 1536 (memory is not limited)", mem)
	}
}

// A reservation refined to eng/web is not offered to eng.
func TestRefinedReservationNotToParent(t *testing.T) {
	c, _ := newCluster(t, nil)
	refinement := at.Capabilities(mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT)
	c.AddAgent("a1", "cpus:1;mem:128", at.ExtraResources(at.Reserved("cpus", 2, "eng", "eng/web")))
	c.AddFramework("parent", []string{"eng"}, refinement)
	got := c.CycleUntilQuiet(5)
	if r := at.Sum(got).Reserved(); !r.IsEmpty() {
		t.Fatalf("%s reserved to eng/web offered to eng", r)
	}
	c.AddFramework("child", []string{"eng/web"}, refinement)
	if r := at.Sum(c.CycleUntilQuiet(5)).Reserved(); r.IsEmpty() {
		t.Error("refined reservation never offered to eng/web")
	}
}

func declineAfter(t *testing.T, refuse *float64) (*at.Cluster, []*allocator.Allocation) {
	c, _ := newCluster(t, nil) // 1 s allocation interval
	c.AddAgent("a1", agentUnit)
	c.AddFramework("f", []string{"r"})
	first := c.Cycle()
	if len(first) != 1 {
		t.Fatalf("want one allocation, got %d", len(first))
	}
	c.Recover("f", "a1", first[0].GetResources(), &mesospb.Filters{RefuseSeconds: refuse})
	// Apply the decline now: a filter starts when the allocator learns of
	// it (the batch's clock).
	c.Flush()
	return c, first
}

// Filters without refuse_seconds last 5 seconds; negative values too; at
// least one allocation interval in any case.
func TestRefuseSeconds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		refuse  *float64
		blocked time.Duration // still filtered this long after
		free    time.Duration // offered again this long after
	}{
		{"unset", nil, 4900 * time.Millisecond, 5100 * time.Millisecond},
		{"negative", proto.Float64(-3), 4900 * time.Millisecond, 5100 * time.Millisecond},
		{"below the interval", proto.Float64(0.2), 900 * time.Millisecond, 1100 * time.Millisecond},
		{"ten seconds", proto.Float64(10), 9900 * time.Millisecond, 10100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := declineAfter(t, tc.refuse)
			c.Advance(tc.blocked)
			if got := c.Cycle(); len(got) != 0 {
				t.Fatalf("offered again after %v", tc.blocked)
			}
			c.Advance(tc.free - tc.blocked)
			if got := c.Cycle(); len(got) == 0 {
				t.Fatalf("still filtered after %v", tc.free)
			}
		})
	}
}

// A filter only refuses offers it contains: when the agent grows, the
// framework is offered the larger amount.
func TestFilterOnlyRefusesWhatItContains(t *testing.T) {
	c, _ := declineAfter(t, proto.Float64(3600))
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentUpdated{AgentUpdated: &allocator.AgentUpdated{
		AgentId: "a1", Total: at.Parse("cpus:8;mem:1024").Protos()}}})
	c.Agent("a1").Total = at.Parse("cpus:8;mem:1024")
	if got := c.Cycle(); len(got) == 0 {
		t.Error("agent grew beyond the declined offer, yet not offered")
	}
}

// Deactivating a framework drops its filters, as in Mesos.
func TestDeactivationClearsFilters(t *testing.T) {
	c, _ := declineAfter(t, proto.Float64(3600))
	c.SetFrameworkActive("f", false)
	c.Flush()
	c.SetFrameworkActive("f", true)
	if got := c.Cycle(); len(got) == 0 {
		t.Error("reactivated framework still filtered")
	}
}

// Shared volumes stay offerable while in use, but are offered once per
// cycle.
func TestSharedVolumeOncePerCycle(t *testing.T) {
	c, _ := newCluster(t, nil)
	anything := at.EditInfo(func(info *mesospb.FrameworkInfo) {
		// No minimum: a volume alone is worth offering.
		info.OfferFilters = map[string]*mesospb.OfferFilters{"r": {
			MinAllocatableResources: &mesospb.OfferFilters_MinAllocatableResources{}}}
	})
	shared := at.Capabilities(mesospb.FrameworkInfo_Capability_SHARED_RESOURCES)
	c.AddAgent("a1", agentUnit, at.ExtraResources(at.SharedVolume("r", "vol", 100)))
	c.AddFramework("f1", []string{"r"}, shared, anything)
	c.AddFramework("f2", []string{"r"}, shared, anything)
	first := c.Cycle()
	if n := len(at.Sum(first).Shared().Items()); n != 1 {
		t.Fatalf("the volume was offered %d times in one cycle", n)
	}
	holder := first[0].GetFrameworkId()
	second := c.Cycle()
	if len(second) != 1 || second[0].GetFrameworkId() == holder || at.Sum(second).Shared().IsEmpty() {
		t.Fatalf("second cycle: want the volume, in use by %s, offered to the other framework; got %v", holder, second)
	}
}

// A framework gets one allocation per agent per cycle, whatever the number
// of roles it gets resources in.
func TestOneAllocationPerFrameworkAndAgent(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.AddAgent("a1", agentUnit, at.ExtraResources(at.Reserved("cpus", 2, "b")))
	c.AddFramework("f", []string{"a", "b"})
	got := c.Cycle()
	if len(got) != 1 {
		t.Fatalf("want one allocation, got %d", len(got))
	}
	roles := map[string]bool{}
	for _, r := range got[0].GetResources() {
		roles[r.GetAllocationInfo().GetRole()] = true
	}
	if !roles["a"] || !roles["b"] {
		t.Errorf("want resources in roles a and b in the one allocation, got roles %v", roles)
	}
}

// Agents without HIERARCHICAL_ROLE are not offered to hierarchical roles,
// agents without MULTI_ROLE not to MULTI_ROLE frameworks.
func TestAgentCapabilitiesGateOffers(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.AddAgent("flat", agentUnit, at.AgentCapabilities(mesospb.AgentInfo_Capability_MULTI_ROLE))
	c.AddFramework("nested", []string{"a/b"})
	if got := c.Cycle(); len(got) != 0 {
		t.Fatal("hierarchical role offered an agent without HIERARCHICAL_ROLE")
	}
	c.AddAgent("old", agentUnit, at.AgentCapabilities())
	c.AddFramework("multi", []string{"m"})
	for _, a := range c.Cycle() {
		if a.GetAgentId() == "old" {
			t.Fatal("MULTI_ROLE framework offered an agent without MULTI_ROLE")
		}
	}
}

// Resources an agent reports for a framework the allocator does not know
// yet count for that framework once it is added.
func TestUsedBeforeFrameworkIsKnown(t *testing.T) {
	c, h := newCluster(t, nil)
	c.AddAgent("a1", agentUnit, at.Used("late", "r1", agentUnit))
	c.Flush()
	c.AddFramework("late", []string{"r1"})
	c.AddFramework("early", []string{"r2"})
	c.AddAgent("a2", agentUnit)
	if got := frameworksOf(c.Cycle()); !slices.Equal(got, []string{"early"}) {
		t.Fatalf("free agent went to %v, want early (late already holds an agent)", got)
	}
	if n := len(h.orphans); n != 0 {
		t.Errorf("%d orphaned frameworks left", n)
	}
}

// Names excluded from fair sharing do not count in shares.
func TestFairnessExcludedNames(t *testing.T) {
	c, _ := newCluster(t, &allocator.InitializeRequest{FairSharingExcludedResourceNames: []string{"gpus"}})
	gpu := at.Capabilities(mesospb.FrameworkInfo_Capability_GPU_RESOURCES)
	c.AddFramework("gpuhog", []string{"g"}, gpu)
	c.AddFramework("cpuuser", []string{"c"}, gpu)
	c.AddAgent("u1", "cpus:1;mem:128;gpus:8", at.Used("gpuhog", "g", "cpus:1;mem:128;gpus:8"))
	c.AddAgent("u2", "cpus:2;mem:256", at.Used("cpuuser", "c", "cpus:2;mem:256"))
	c.Flush()
	c.AddAgent("free", "cpus:4;mem:512")
	// Counting gpus, gpuhog holds all of them; without, it holds less
	// (1/9 cpus) than cpuuser (2/9).
	if got := frameworksOf(c.Cycle()); !slices.Equal(got, []string{"gpuhog"}) {
		t.Fatalf("free agent went to %v, want gpuhog", got)
	}
}

// FrameworkUpdated suppresses and revives through its suppressed roles.
func TestFrameworkUpdatedSuppressedRoles(t *testing.T) {
	c, _ := newCluster(t, nil)
	c.AddAgent("a1", agentUnit)
	c.AddFramework("f", []string{"r"})
	c.UpdateFramework("f", func(*mesospb.FrameworkInfo) {}, "r")
	if got := c.Cycle(); len(got) != 0 {
		t.Fatal("suppressed through FrameworkUpdated, yet offered")
	}
	c.UpdateFramework("f", func(*mesospb.FrameworkInfo) {})
	if got := c.Cycle(); len(got) == 0 {
		t.Fatal("unsuppressed through FrameworkUpdated, not offered")
	}
}

// Agents under maintenance: one inverse offer per framework holding
// resources there, none while one is outstanding, and none while the
// framework's answer filters them.
func TestInverseOffers(t *testing.T) {
	c, _ := newCluster(t, nil)
	start := at.Epoch.Add(time.Hour)
	c.AddAgent("a1", agentUnit, at.Unavailable(start, time.Hour))
	c.AddAgent("a2", agentUnit)
	c.AddFramework("f", []string{"r"})
	// The first cycle allocates both agents and makes the inverse offer
	// at its end.
	c.Cycle()
	io := c.LastInverseOffers
	if len(io) != 1 {
		t.Fatalf("want one inverse offer, got %d", len(io))
	}
	c.Cycle()
	if io[0].GetAgentId() != "a1" || io[0].GetFrameworkId() != "f" ||
		io[0].GetUnavailability().GetStart().GetNanoseconds() != start.UnixNano() {
		t.Fatalf("unexpected inverse offer %v", io[0])
	}
	if len(c.LastInverseOffers) != 0 {
		t.Fatal("a second inverse offer while the first is outstanding")
	}
	// Declined with a 60 s filter.
	c.Send(&allocator.Event{Kind: &allocator.Event_InverseOfferUpdated{InverseOfferUpdated: &allocator.InverseOfferUpdated{
		AgentId: "a1", FrameworkId: "f", Answered: true, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(60)}}}})
	c.Flush()
	c.Advance(30 * time.Second)
	c.Cycle()
	if len(c.LastInverseOffers) != 0 {
		t.Fatal("inverse offer within its filter")
	}
	c.Advance(31 * time.Second)
	c.Cycle()
	if len(c.LastInverseOffers) != 1 {
		t.Fatalf("want a new inverse offer after the filter, got %d", len(c.LastInverseOffers))
	}
	// Rescinded (unanswered) while the agent is deactivated: none until it
	// is active again.
	c.Send(&allocator.Event{Kind: &allocator.Event_InverseOfferUpdated{InverseOfferUpdated: &allocator.InverseOfferUpdated{
		AgentId: "a1", FrameworkId: "f"}}})
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: "a1"}}})
	c.Flush()
	c.Cycle()
	if len(c.LastInverseOffers) != 0 {
		t.Fatal("inverse offer for an inactive agent")
	}
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: "a1", Active: true}}})
	c.Flush()
	c.Cycle()
	if len(c.LastInverseOffers) != 1 {
		t.Fatalf("want an inverse offer once the agent is active again, got %d", len(c.LastInverseOffers))
	}
}

// After a failover with quota, allocation waits for 80% of the expected
// agents.
func TestRecoveryWaitsForAgents(t *testing.T) {
	c, h := newCluster(t, &allocator.InitializeRequest{
		ExpectedAgentCount: 5,
		Quotas:             []*quotapb.QuotaConfig{at.QuotaConfig("q", map[string]float64{"cpus": 1}, nil)},
	})
	c.AddFramework("f", []string{"r"})
	for i, id := range []string{"a1", "a2", "a3"} {
		c.AddAgent(id, agentUnit)
		if got := c.Cycle(); len(got) != 0 {
			t.Fatalf("allocated with %d of 5 expected agents", i+1)
		}
	}
	c.AddAgent("a4", agentUnit) // 4 = 80% of 5
	if got := c.Cycle(); len(got) == 0 {
		t.Fatal("nothing allocated with 80% of the agents back")
	}
	if h.Stats().PausedCycles != 3 {
		t.Errorf("PausedCycles = %d, want 3", h.Stats().PausedCycles)
	}
}

func TestRecoveryTimesOut(t *testing.T) {
	c, _ := newCluster(t, &allocator.InitializeRequest{
		ExpectedAgentCount: 100,
		Quotas:             []*quotapb.QuotaConfig{at.QuotaConfig("q", map[string]float64{"cpus": 1}, nil)},
	})
	c.AddFramework("f", []string{"r"})
	c.AddAgent("a1", agentUnit)
	if got := c.Cycle(); len(got) != 0 {
		t.Fatal("allocated while waiting for agents")
	}
	c.Advance(10*time.Minute + time.Second)
	if got := c.Cycle(); len(got) == 0 {
		t.Fatal("still waiting after ten minutes")
	}
}

// The same seed gives the same allocations.
func TestSeedMakesCyclesReproducible(t *testing.T) {
	run := func() []string {
		c, _ := newCluster(t, &allocator.InitializeRequest{Parameters: map[string]string{ParamSeed: "42"}})
		for i := range 20 {
			c.AddAgent("a"+string(rune('a'+i)), agentUnit)
		}
		for i := range 5 {
			c.AddFramework("f"+string(rune('a'+i)), []string{"r" + string(rune('a'+i))})
		}
		var out []string
		for _, a := range c.Cycle() {
			out = append(out, a.GetFrameworkId()+"@"+a.GetAgentId())
		}
		return out
	}
	if a, b := run(), run(); !slices.Equal(a, b) {
		t.Errorf("same seed, different allocations:\n%v\n%v", a, b)
	}
}

func TestUnknownParameterFails(t *testing.T) {
	_, err := New().Initialize(t.Context(), &allocator.InitializeRequest{Parameters: map[string]string{"bogus": "1"}})
	if err == nil {
		t.Fatal("unknown parameter accepted")
	}
}

func TestAllocateBeforeInitialize(t *testing.T) {
	if _, err := New().Allocate(t.Context(), &allocator.AllocateRequest{}); err == nil {
		t.Fatal("Allocate before Initialize succeeded")
	}
}

func TestSkippedEventsAreCounted(t *testing.T) {
	c, h := newCluster(t, nil)
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: "nope"}}})
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
		AgentId: "bad", Total: []*mesospb.Resource{at.Scalar("cpus", -1)}}}})
	c.Flush()
	if s := h.Stats(); s.SkippedEvents != 2 || s.Events != 2 {
		t.Errorf("stats %+v, want 2 events, 2 skipped", s)
	}
}
