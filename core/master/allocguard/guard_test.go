package allocguard

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

func res(text string) resources.Resources { return resources.MustParse(text) }

func alloc(fw, agent, role string, r resources.Resources) *allocator.Allocation {
	return &allocator.Allocation{FrameworkId: fw, AgentId: agent, Resources: r.Allocate(role).Protos()}
}

func scalar(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

func testView() MapView {
	rev := scalar("cpus", 2)
	rev.Revocable = &mesospb.Resource_RevocableInfo{}
	vol := scalar("disk", 10)
	vol.Reservations = []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("web")}}
	vol.Disk = &mesospb.Resource_DiskInfo{Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String("v")},
		Volume: &mesospb.Volume{ContainerPath: proto.String("v"), Mode: mesospb.Volume_RW.Enum()}}
	vol.Shared = &mesospb.Resource_SharedInfo{}
	refined := scalar("mem", 64)
	refined.Reservations = []*mesospb.Resource_ReservationInfo{
		{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("web")},
		{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("web/a")}}
	extra := resources.New(rev, vol, refined)
	return MapView{
		Agents: map[string]*Agent{
			"a1":  {Active: true, Total: res("cpus:4;mem:1024;cpus(db):2;ports:[31000-31009]").Add(extra), Allocated: res("cpus:1;ports:[31000-31004]")},
			"off": {Active: false, Total: res("cpus:4;mem:1024")},
		},
		Frameworks: map[string]*Framework{
			"web":     {Active: true, Roles: []string{"web", "web/a"}},
			"capable": {Active: true, Roles: []string{"web", "web/a"}, Revocable: true, Shared: true, Refinement: true},
			"db":      {Active: true, Roles: []string{"db"}},
			"idle":    {Active: false, Roles: []string{"web"}},
		},
	}
}

func TestGuardReasons(t *testing.T) {
	v := testView()
	refined := testView().Agents["a1"].Total.Filter(resources.Resource.HasRefinedReservations)
	for _, tc := range []struct {
		name string
		a    *allocator.Allocation
		want Reason
		ok   bool
	}{
		{"free", alloc("web", "a1", "web", res("cpus:3;mem:1024;ports:[31005-31009]")), 0, true},
		{"unknown agent", alloc("web", "nope", "web", res("cpus:1")), UnknownAgent, false},
		{"inactive agent", alloc("web", "off", "web", res("cpus:1")), InactiveAgent, false},
		{"unknown framework", alloc("nope", "a1", "web", res("cpus:1")), UnknownFramework, false},
		{"inactive framework", alloc("idle", "a1", "web", res("cpus:1")), InactiveFramework, false},
		{"empty", &allocator.Allocation{FrameworkId: "web", AgentId: "a1"}, Empty, false},
		{"no role", &allocator.Allocation{FrameworkId: "web", AgentId: "a1", Resources: res("cpus:1").Protos()}, MissingRole, false},
		{"not subscribed", alloc("web", "a1", "db", res("cpus:1")), NotSubscribed, false},
		{"invalid", &allocator.Allocation{FrameworkId: "web", AgentId: "a1", Resources: []*mesospb.Resource{
			withRole(scalar("cpus", -1), "web")}}, InvalidResources, false},
		{"reserved to another role", alloc("web", "a1", "web", res("cpus(db):1")), WrongReservation, false},
		{"reserved to the role", alloc("db", "a1", "db", res("cpus(db):2")), 0, true},
		{"revocable", alloc("web", "a1", "web", testView().Agents["a1"].Total.Revocable()), NotRevocableCapable, false},
		{"revocable to capable", alloc("capable", "a1", "web", testView().Agents["a1"].Total.Revocable()), 0, true},
		{"shared", alloc("web", "a1", "web", testView().Agents["a1"].Total.Shared()), NotSharedCapable, false},
		{"shared to capable", alloc("capable", "a1", "web", testView().Agents["a1"].Total.Shared()), 0, true},
		{"refined", alloc("web", "a1", "web/a", refined), NotRefinementCapable, false},
		{"refined to capable", alloc("capable", "a1", "web/a", refined), 0, true},
		{"used cpus", alloc("web", "a1", "web", res("cpus:4")), NotFree, false},
		{"used port", alloc("web", "a1", "web", res("ports:[31004-31005]")), NotFree, false},
		{"not on the agent", alloc("web", "a1", "web", res("gpus:1")), NotFree, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := New()
			r := g.Check(v, &allocator.AllocateResponse{Allocations: []*allocator.Allocation{tc.a}})
			if tc.ok {
				if len(r.Rejected) != 0 || len(r.Accepted) != 1 {
					t.Fatalf("rejected: %v", r.Rejected)
				}
				return
			}
			if len(r.Rejected) != 1 || len(r.Accepted) != 0 {
				t.Fatalf("accepted, want rejection %s", tc.want)
			}
			if got := r.Rejected[0]; got.Reason != tc.want || got.Err == nil || got.Allocation != tc.a {
				t.Fatalf("rejection %s (%v), want %s", got.Reason, got.Err, tc.want)
			}
			if s := g.Stats(); s.Rejected != 1 || s.ByReason[tc.want] != 1 || s.Checked != 1 {
				t.Errorf("stats %+v", s)
			}
		})
	}
}

func withRole(p *mesospb.Resource, role string) *mesospb.Resource {
	p.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
	return p
}

// What one allocation takes is not free for the next in the same response.
func TestGuardNothingTwiceInAResponse(t *testing.T) {
	v := testView()
	resp := &allocator.AllocateResponse{Allocations: []*allocator.Allocation{
		alloc("web", "a1", "web", res("cpus:2;ports:[31005-31006]")),
		alloc("db", "a1", "db", res("cpus:1")),                     // fits: 3 unreserved cpus were free
		alloc("web", "a1", "web/a", res("cpus:1")),                 // does not: none left
		alloc("db", "a1", "db", res("cpus:1;ports:[31006-31006]")), // port taken by the first
		alloc("web", "a1", "web", res("mem:1024")),                 // fits
	}}
	g := New()
	r := g.Check(v, resp)
	if len(r.Accepted) != 3 || len(r.Rejected) != 2 {
		t.Fatalf("accepted %d, rejected %d; want 3 and 2", len(r.Accepted), len(r.Rejected))
	}
	for _, rej := range r.Rejected {
		if rej.Reason != NotFree {
			t.Errorf("rejected for %s, want not_free", rej.Reason)
		}
	}
	if r.Accepted[0] != resp.Allocations[0] || r.Accepted[1] != resp.Allocations[1] || r.Accepted[2] != resp.Allocations[4] {
		t.Error("accepted allocations out of order")
	}
	if s := g.Stats(); s.Checked != 5 || s.Accepted != 3 || s.Rejected != 2 || s.ByReason[NotFree] != 2 {
		t.Errorf("stats %+v", s)
	}
}

// A shared volume stays offerable while in use, but only once per
// response.
func TestGuardSharedOncePerResponse(t *testing.T) {
	v := testView()
	vol := testView().Agents["a1"].Total.Shared()
	v.Agents["a1"].Allocated = v.Agents["a1"].Allocated.Add(vol) // in use
	r := New().Check(v, &allocator.AllocateResponse{Allocations: []*allocator.Allocation{
		alloc("capable", "a1", "web", vol),
		alloc("capable", "a1", "web", vol),
	}})
	if len(r.Accepted) != 1 || len(r.Rejected) != 1 || r.Rejected[0].Reason != NotFree {
		t.Fatalf("accepted %d, rejected %v; want the volume once", len(r.Accepted), r.Rejected)
	}
}

// Allocation info on the master's view is ignored.
func TestGuardIgnoresAllocationInfoInView(t *testing.T) {
	v := testView()
	v.Agents["a1"].Allocated = res("cpus:1;ports:[31000-31004]").Allocate("web")
	r := New().Check(v, &allocator.AllocateResponse{Allocations: []*allocator.Allocation{
		alloc("web", "a1", "web", res("cpus:4")),
	}})
	if len(r.Rejected) != 1 {
		t.Fatal("allocated cpus counted as free because the view carried allocation info")
	}
}

func TestGuardInverseOffers(t *testing.T) {
	v := testView()
	ok := &allocator.InverseOfferAllocation{FrameworkId: "web", AgentId: "a1"}
	resp := &allocator.AllocateResponse{InverseOffers: []*allocator.InverseOfferAllocation{
		ok,
		{FrameworkId: "web", AgentId: "nope"},
		{FrameworkId: "nope", AgentId: "a1"},
		{FrameworkId: "idle", AgentId: "a1"},
		{FrameworkId: "web", AgentId: "off"},
	}}
	g := New()
	r := g.Check(v, resp)
	if len(r.AcceptedInverseOffers) != 1 || r.AcceptedInverseOffers[0] != ok || len(r.Rejected) != 4 {
		t.Fatalf("accepted %v, rejected %v", r.AcceptedInverseOffers, r.Rejected)
	}
	want := []Reason{UnknownAgent, UnknownFramework, InactiveFramework, InactiveAgent}
	for i, rej := range r.Rejected {
		if rej.Reason != want[i] || rej.InverseOffer == nil {
			t.Errorf("rejection %d: %s, want %s", i, rej.Reason, want[i])
		}
	}
	if s := g.Stats(); s.InverseChecked != 5 || s.InverseRejected != 4 {
		t.Errorf("stats %+v", s)
	}
}

func TestFrameworkFromInfo(t *testing.T) {
	multi := &mesospb.FrameworkInfo{Roles: []string{"a", "b"}, Capabilities: []*mesospb.FrameworkInfo_Capability{
		{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()},
		{Type: mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES.Enum()}}}
	if f := FrameworkFromInfo(multi, true); len(f.Roles) != 2 || !f.Revocable || f.Shared || !f.Active {
		t.Errorf("multi-role: %+v", f)
	}
	if f := FrameworkFromInfo(&mesospb.FrameworkInfo{Role: proto.String("x")}, false); len(f.Roles) != 1 || f.Roles[0] != "x" {
		t.Errorf("single role: %+v", f)
	}
	if f := FrameworkFromInfo(&mesospb.FrameworkInfo{}, false); len(f.Roles) != 1 || f.Roles[0] != "*" {
		t.Errorf("default role: %+v", f)
	}
}

func TestReasonNames(t *testing.T) {
	for r := Reason(0); r < NumReasons; r++ {
		if r.String() == "" || r.String() == "unknown" {
			t.Errorf("reason %d has no name", r)
		}
	}
}
