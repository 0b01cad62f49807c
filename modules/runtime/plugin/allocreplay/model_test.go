package allocreplay

import (
	"context"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"github.com/gomesos/mesos/sdk/examples/plugin/binpack-allocator/binpack"
)

// swapper is an allocator that records into a Model and can be replaced
// by a fresh one fed the replay, as the plugin runtime does after a
// crash.
type swapper struct {
	t     *testing.T
	cur   allocator.Allocator
	model *Model
}

func newSwapper(t *testing.T) *swapper { return &swapper{t: t, cur: binpack.New(), model: New()} }

func (s *swapper) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	s.model.Initialize(req)
	return s.cur.Initialize(ctx, req)
}

func (s *swapper) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	s.model.Apply(req)
	resp, err := s.cur.Allocate(ctx, req)
	if err == nil {
		s.model.Allocated(resp)
	}
	return resp, err
}

// swap replaces the allocator by a fresh one fed the replay.
func (s *swapper) swap() {
	s.t.Helper()
	init, events, ok := s.model.Replay()
	if !ok {
		s.t.Fatal("nothing to replay")
	}
	if events.GetAllocate() {
		s.t.Fatal("the replay runs a cycle")
	}
	fresh := binpack.New()
	if _, err := fresh.Initialize(context.Background(), init); err != nil {
		s.t.Fatal(err)
	}
	if resp, err := fresh.Allocate(context.Background(), events); err != nil || len(resp.GetAllocations()) != 0 {
		s.t.Fatalf("replay: %v, %v", resp, err)
	}
	s.cur = fresh
}

func TestReplayBeforeInitialize(t *testing.T) {
	if _, _, ok := New().Replay(); ok {
		t.Fatal("replay before Initialize")
	}
}

func TestReplayKeepsWhatIsHeld(t *testing.T) {
	s := newSwapper(t)
	c := allocatortest.NewCluster(t, s, nil)
	c.AddFramework("f1", []string{"r"})
	c.AddAgent("a1", "cpus:4;mem:1024", allocatortest.Used("f1", "r", "cpus:1;mem:256"))
	c.AddAgent("a2", "cpus:4;mem:1024")
	c.AddAgent("a3", "cpus:4;mem:1024")
	c.AddFramework("f2", []string{"s"})
	first := c.Cycle()
	if len(first) != 3 {
		t.Fatalf("%d allocations", len(first))
	}
	c.Decline(first[0], allocatortest.NoFilter)
	c.Flush()
	s.swap()
	// The guard fails the test if anything held is allocated again.
	got := c.CycleUntilQuiet(3)
	if !allocatortest.Sum(got).Unallocate().Equal(allocatortest.Sum(first[:1]).Unallocate()) {
		t.Errorf("after the replay: %s allocated, want %s (what was given back)", allocatortest.Sum(got), allocatortest.Sum(first[:1]))
	}
}

func TestReplayKeepsPolicyState(t *testing.T) {
	s := newSwapper(t)
	c := allocatortest.NewCluster(t, s, nil)
	c.Send(allocatortest.QuotaEvent("capped", nil, map[string]float64{"cpus": 3}))
	c.Send(allocatortest.WhitelistEvent(false, "a1", "a2", "a3"))
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("f1", []string{"capped"})
	c.AddFramework("f2", []string{"quiet"})
	c.Suppress("f2", "quiet")
	c.Flush()
	s.swap()
	for range 3 {
		c.Cycle()
	}
	if cpus := allocatortest.Scalars(c.Held("f1"), "cpus"); cpus > 3 || cpus == 0 {
		t.Errorf("capped role holds cpus:%v after the replay", cpus)
	}
	if !c.Held("f2").IsEmpty() {
		t.Error("suppressed framework got offers after the replay")
	}
	if len(c.Agent("a4").Held) != 0 {
		t.Error("agent off the whitelist offered after the replay")
	}
}

func TestReplayAfterConversions(t *testing.T) {
	s := newSwapper(t)
	c := allocatortest.NewCluster(t, s, nil)
	a := c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("db", []string{"db"})
	if got := c.Cycle(); len(got) != 1 {
		t.Fatalf("%d allocations", len(got))
	}
	from := resources.New(allocatortest.Scalar("cpus", 2)).Allocate("db")
	to := resources.New(allocatortest.Reserved("cpus", 2, "db")).Allocate("db")
	c.Send(&allocator.Event{Kind: &allocator.Event_AllocationConverted{AllocationConverted: &allocator.AllocationConverted{
		FrameworkId: "db", AgentId: "a1", From: from.Protos(), To: to.Protos()}}})
	a.Total = a.Total.Subtract(from.Unallocate()).Add(to.Unallocate())
	a.Held["db"] = a.Held["db"].Subtract(from).Add(to)
	c.Flush()
	s.swap()
	c.Recover("db", "a1", a.Held["db"].Protos(), nil)
	c.AddFramework("web", []string{"web"})
	for range 3 {
		for _, x := range c.Cycle() {
			if x.GetFrameworkId() == "web" && !allocatortest.Sum([]*allocator.Allocation{x}).Reserved().IsEmpty() {
				t.Fatal("cpus reserved by db went to web after the replay")
			}
		}
	}
}

// Many cycles of allocating and giving back: the ledgers are netted out
// along the way and still replay what is held.
func TestReplayAfterManyCycles(t *testing.T) {
	s := newSwapper(t)
	c := allocatortest.NewCluster(t, s, nil)
	c.AddAgent("a1", "cpus:4;mem:1024;ports:[31000-31100]")
	c.AddFramework("f1", []string{"r"})
	for range 3 * compactAt {
		got := c.Cycle()
		c.DeclineAll(got, allocatortest.NoFilter)
		c.Advance(time.Second)
	}
	held := c.Cycle()
	if len(held) != 1 {
		t.Fatalf("%d allocations", len(held))
	}
	s.swap()
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("everything is held, yet after the replay: %v", got)
	}
}

// What is gone stays gone; what changed is replayed as it is now.
func TestReplayedEvents(t *testing.T) {
	m := New()
	m.Initialize(&allocator.InitializeRequest{ExpectedAgentCount: 10, Quotas: []*quotapb.QuotaConfig{allocatortest.QuotaConfig("q", nil, map[string]float64{"cpus": 1})}})
	c := allocatortest.NewCluster(t, recorder{m}, nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddAgent("a2", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	c.AddFramework("f2", []string{"s"})
	c.Send(allocatortest.WeightsEvent("r", 2))
	c.Send(allocatortest.QuotaEvent("q", nil, nil))
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentUpdated{AgentUpdated: &allocator.AgentUpdated{AgentId: "a1",
		Total: allocatortest.Parse("cpus:8;mem:1024").Protos()}}})
	c.SetAgentActive("a1", false)
	c.RemoveAgent("a2")
	c.RemoveFramework("f2")
	c.SetFrameworkActive("f1", false)
	c.Flush()
	init, events, ok := m.Replay()
	if !ok {
		t.Fatal("no replay")
	}
	if init.GetExpectedAgentCount() != 0 || len(init.GetQuotas()) != 0 || len(init.GetWeights()) != 1 || init.GetWeights()[0].GetWeight() != 2 {
		t.Errorf("init %v", init)
	}
	var agents, frameworks []string
	for _, ev := range events.GetEvents() {
		switch k := ev.GetKind().(type) {
		case *allocator.Event_AgentAdded:
			agents = append(agents, k.AgentAdded.GetAgentId())
			if k.AgentAdded.GetActive() || allocatortest.Scalars(resources.New(k.AgentAdded.GetTotal()...), "cpus") != 8 {
				t.Errorf("agent replayed as %v", k.AgentAdded)
			}
		case *allocator.Event_FrameworkAdded:
			frameworks = append(frameworks, k.FrameworkAdded.GetFrameworkId())
			if k.FrameworkAdded.GetActive() {
				t.Errorf("inactive framework replayed active")
			}
		}
	}
	if len(agents) != 1 || agents[0] != "a1" || len(frameworks) != 1 || frameworks[0] != "f1" {
		t.Errorf("replayed agents %v, frameworks %v", agents, frameworks)
	}
}

// recorder only records; it allocates nothing.
type recorder struct{ m *Model }

func (r recorder) Initialize(context.Context, *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	return &allocator.InitializeResponse{}, nil
}

func (r recorder) Allocate(_ context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	r.m.Apply(req)
	return &allocator.AllocateResponse{}, nil
}
