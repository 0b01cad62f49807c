package hierarchical

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	at "github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"google.golang.org/protobuf/proto"
)

// twin drives two allocators, one with memos and one without, with the
// same events, and requires identical responses: the memo must never
// change what is allocated.
type twin struct {
	t      *testing.T
	a, b   *HierarchicalDRF
	now    time.Time
	events []*allocator.Event
	held   map[string][]*allocator.Allocation // by framework
}

func newTwin(t *testing.T, seed uint64) *twin {
	init := &allocator.InitializeRequest{AllocationIntervalNanos: int64(time.Second),
		Parameters: map[string]string{ParamSeed: fmt.Sprint(seed)}}
	tw := &twin{t: t, a: New(), b: New(), now: at.Epoch, held: map[string][]*allocator.Allocation{}}
	tw.b.noMemo = true
	for _, h := range []*HierarchicalDRF{tw.a, tw.b} {
		if _, err := h.Initialize(context.Background(), proto.Clone(init).(*allocator.InitializeRequest)); err != nil {
			t.Fatal(err)
		}
	}
	return tw
}

func (tw *twin) send(ev *allocator.Event) { tw.events = append(tw.events, ev) }

func (tw *twin) cycle() []*allocator.Allocation {
	req := &allocator.AllocateRequest{Events: tw.events, Allocate: true, NowUnixNanos: tw.now.UnixNano()}
	tw.events = nil
	ra, err := tw.a.Allocate(context.Background(), req)
	if err != nil {
		tw.t.Fatal(err)
	}
	rb, err := tw.b.Allocate(context.Background(), req)
	if err != nil {
		tw.t.Fatal(err)
	}
	if !proto.Equal(ra, rb) {
		tw.t.Fatalf("with and without memo the responses differ:\n%s\n%s", describeResp(ra), describeResp(rb))
	}
	for _, x := range ra.GetAllocations() {
		tw.held[x.GetFrameworkId()] = append(tw.held[x.GetFrameworkId()], x)
	}
	return ra.GetAllocations()
}

func describeResp(r *allocator.AllocateResponse) string {
	var parts []string
	for _, a := range r.GetAllocations() {
		parts = append(parts, a.GetFrameworkId()+"@"+a.GetAgentId()+":"+resources.New(a.GetResources()...).String())
	}
	return strings.Join(parts, "\n")
}

func TestMemoNeverChangesAllocations(t *testing.T) {
	var total Stats
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := memoDiff(t, seed, false)
			total.MemoSkips += s.MemoSkips
			total.MemoRechecks += s.MemoRechecks
		})
	}
	// The comparison means something only if the memo was exercised.
	if total.MemoSkips == 0 || total.MemoRechecks == 0 {
		t.Errorf("memo barely used: %d skips, %d re-checks", total.MemoSkips, total.MemoRechecks)
	}
	t.Logf("memo: %d skips, %d re-checks", total.MemoSkips, total.MemoRechecks)
}

func memoDiff(t *testing.T, seed uint64, check bool) Stats {
	rng := rand.New(rand.NewPCG(seed, 11))
	tw := newTwin(t, seed)
	var frameworks []string
	infos := map[string]*mesospb.FrameworkInfo{}
	roles := []string{"a", "b", "a/x", "c/y/z"}
	for i := range 6 {
		id := fmt.Sprintf("f%d", i)
		frameworks = append(frameworks, id)
		info := &mesospb.FrameworkInfo{Id: &mesospb.FrameworkID{Value: proto.String(id)}, Name: proto.String(id),
			Roles:        []string{roles[rng.IntN(len(roles))]},
			Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}}}
		for _, c := range []mesospb.FrameworkInfo_Capability_Type{mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES,
			mesospb.FrameworkInfo_Capability_SHARED_RESOURCES, mesospb.FrameworkInfo_Capability_GPU_RESOURCES} {
			if rng.IntN(2) == 0 {
				info.Capabilities = append(info.Capabilities, &mesospb.FrameworkInfo_Capability{Type: c.Enum()})
			}
		}
		infos[id] = info
		if rng.IntN(3) == 0 {
			info.Roles = append(info.Roles, roles[rng.IntN(len(roles))])
			slices.Sort(info.Roles)
			info.Roles = slices.Compact(info.Roles)
		}
		tw.send(&allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: id, Info: info, Active: true}}})
	}
	caps := []*mesospb.AgentInfo_Capability{{Type: mesospb.AgentInfo_Capability_MULTI_ROLE.Enum()},
		{Type: mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE.Enum()}}
	for i := range 12 {
		id := fmt.Sprintf("s%d", i)
		text := fmt.Sprintf("cpus:%d;mem:%d", 1+rng.IntN(8), 256*(1+rng.IntN(8)))
		if rng.IntN(4) == 0 {
			text += ";cpus(a):2"
		}
		if rng.IntN(4) == 0 {
			text += ";gpus:1"
		}
		total := at.Parse(text).Protos()
		if rng.IntN(4) == 0 {
			total = append(total, at.Revocable("cpus", 2))
		}
		if rng.IntN(4) == 0 {
			total = append(total, at.SharedVolume("a", "vol-"+id, 10))
		}
		tw.send(&allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
			AgentId: id, Info: &mesospb.AgentInfo{Hostname: proto.String(id)}, Capabilities: caps,
			Total: total, Active: true}}})
	}
	for step := range 60 {
		tw.cycle()
		if check {
			checkInvariants(t, tw.a)
			checkInvariants(t, tw.b)
		}
		// Frameworks give back most of what they hold, often with filters.
		for _, fw := range frameworks {
			keep := tw.held[fw][:0]
			for _, x := range tw.held[fw] {
				if rng.IntN(4) == 0 {
					keep = append(keep, x)
					continue
				}
				var filters *mesospb.Filters
				if rng.IntN(3) > 0 {
					filters = &mesospb.Filters{RefuseSeconds: proto.Float64(float64(rng.IntN(20)))}
				}
				tw.send(&allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
					FrameworkId: fw, AgentId: x.GetAgentId(), Resources: x.GetResources(), Filters: filters}}})
			}
			tw.held[fw] = keep
		}
		fw := frameworks[rng.IntN(len(frameworks))]
		switch rng.IntN(10) {
		case 0:
			tw.send(&allocator.Event{Kind: &allocator.Event_OffersRevived{OffersRevived: &allocator.OffersRevived{FrameworkId: fw}}})
		case 1:
			tw.send(&allocator.Event{Kind: &allocator.Event_OffersSuppressed{OffersSuppressed: &allocator.OffersSuppressed{
				FrameworkId: fw, Roles: roles[:2]}}})
		case 2:
			tw.send(&allocator.Event{Kind: &allocator.Event_FrameworkActivation{FrameworkActivation: &allocator.FrameworkActivation{
				FrameworkId: fw, Active: rng.IntN(2) == 0}}})
		case 3:
			tw.send(at.WeightsEvent(roles[rng.IntN(len(roles))], float64(1+rng.IntN(3))))
		case 4:
			if step%20 == 4 {
				tw.send(at.QuotaEvent("b", nil, map[string]float64{"cpus": float64(rng.IntN(10))}))
			} else if step%20 == 14 {
				tw.send(at.QuotaEvent("b", nil, nil))
			}
		case 5:
			id := fmt.Sprintf("s%d", rng.IntN(12))
			tw.send(&allocator.Event{Kind: &allocator.Event_AgentUpdated{AgentUpdated: &allocator.AgentUpdated{
				AgentId: id, Total: at.Parse(fmt.Sprintf("cpus:%d;mem:2048", 2+rng.IntN(8))).Protos()}}})
		case 6:
			// The framework goes away and comes back.
			tw.send(&allocator.Event{Kind: &allocator.Event_FrameworkRemoved{FrameworkRemoved: &allocator.FrameworkRemoved{FrameworkId: fw}}})
			delete(tw.held, fw)
			tw.send(&allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
				FrameworkId: fw, Info: infos[fw], Active: true}}})
		case 7:
			// An agent re-registers (new id) reporting resources of a
			// framework the allocator does not know yet, which is then
			// added.
			id := fmt.Sprintf("s%d-%d", rng.IntN(12), step)
			ghost := fmt.Sprintf("g%d", step)
			tw.send(&allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
				AgentId: id, Info: &mesospb.AgentInfo{Hostname: proto.String(id)}, Capabilities: caps,
				Total: at.Parse("cpus:4;mem:1024").Protos(), Active: true,
				Used: []*allocator.FrameworkResources{{FrameworkId: ghost, Resources: at.Parse("cpus:1;mem:256").Allocate("b").Protos()}}}}})
			tw.send(&allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
				FrameworkId: ghost, Info: &mesospb.FrameworkInfo{Id: &mesospb.FrameworkID{Value: proto.String(ghost)}, Role: proto.String("b")},
				Active: true}}})
		case 8:
			info := proto.Clone(infos[fw]).(*mesospb.FrameworkInfo)
			info.Roles = []string{roles[rng.IntN(len(roles))]}
			infos[fw] = info
			tw.send(&allocator.Event{Kind: &allocator.Event_FrameworkUpdated{FrameworkUpdated: &allocator.FrameworkUpdated{
				FrameworkId: fw, Info: info}}})
		case 9:
			if len(tw.held[fw]) > 0 {
				// RESERVE one held cpu for the allocation's role.
				x := tw.held[fw][0]
				role := x.GetResources()[0].GetAllocationInfo().GetRole()
				from := at.Parse("cpus:1").Allocate(role).Protos()
				to := resources.New(at.Reserved("cpus", 1, role)).Allocate(role).Protos()
				tw.send(&allocator.Event{Kind: &allocator.Event_AllocationConverted{AllocationConverted: &allocator.AllocationConverted{
					FrameworkId: fw, AgentId: x.GetAgentId(), From: from, To: to}}})
			} else {
				id := fmt.Sprintf("s%d", rng.IntN(12))
				tw.send(&allocator.Event{Kind: &allocator.Event_AvailableConverted{AvailableConverted: &allocator.AvailableConverted{
					AgentId: id, From: at.Parse("mem:128").Protos(), To: resources.New(at.Reserved("mem", 128, "c/y/z")).Protos()}}})
			}
		}
		if step%15 == 7 {
			tw.send(at.QuotaEvent("a", map[string]float64{"cpus": float64(rng.IntN(6))}, nil))
		} else if step%15 == 12 {
			tw.send(at.QuotaEvent("a", nil, nil))
		}
		tw.now = tw.now.Add(time.Duration(rng.IntN(4000)) * time.Millisecond)
	}
	return tw.a.Stats()
}
