package master

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// scalarRes builds a scalar resource allocated to role (when set) with the
// given reservation stack, in the post-refinement form.
func scalarRes(name string, v float64, allocRole string, reservations ...*mesospb.Resource_ReservationInfo) *mesospb.Resource {
	r := &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}, Reservations: reservations}
	if allocRole != "" {
		r.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(allocRole)}
	}
	return r
}

func dynamic(role, principal string) *mesospb.Resource_ReservationInfo {
	return &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String(role), Principal: proto.String(principal)}
}

func static(role string) *mesospb.Resource_ReservationInfo {
	return &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_STATIC.Enum(), Role: proto.String(role)}
}

func operation(typ mesospb.Offer_Operation_Type, rs ...*mesospb.Resource) *mesospb.Offer_Operation {
	op := &mesospb.Offer_Operation{Type: typ.Enum()}
	switch typ {
	case mesospb.Offer_Operation_RESERVE:
		op.Reserve = &mesospb.Offer_Operation_Reserve{Resources: rs}
	case mesospb.Offer_Operation_UNRESERVE:
		op.Unreserve = &mesospb.Offer_Operation_Unreserve{Resources: rs}
	case mesospb.Offer_Operation_CREATE:
		op.Create = &mesospb.Offer_Operation_Create{Volumes: rs}
	case mesospb.Offer_Operation_DESTROY:
		op.Destroy = &mesospb.Offer_Operation_Destroy{Volumes: rs}
	}
	return op
}

func acceptOps(o *mesospb.Offer, ops ...*mesospb.Offer_Operation) *schedulerpb.Call {
	return &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()}, Operations: ops, Filters: noRefusal,
	}}
}

func persistentVolume(id string, disk float64, allocRole string, reservations ...*mesospb.Resource_ReservationInfo) *mesospb.Resource {
	v := scalarRes("disk", disk, allocRole, reservations...)
	v.Disk = &mesospb.Resource_DiskInfo{
		Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String(id), Principal: proto.String("p")},
		Volume:      &mesospb.Volume{ContainerPath: proto.String("data"), Mode: mesospb.Volume_RW.Enum()},
	}
	return v
}

// TestMultiRoleReserveAndVolumesWhileOtherRoleOffered: RESERVE, CREATE,
// DESTROY and UNRESERVE in role a while b's offer is outstanding: b's
// offer stays valid, a gets the results back, b never sees them.
func TestMultiRoleReserveAndVolumesWhileOtherRoleOffered(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, "cpus:2;mem:64;disk:100;cpus(b):1;mem(b):32")
	info := multiRoleFramework("mr", []string{"a", "b"}, mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT)
	info.Principal = proto.String("p")
	s := subscribe(t, tm, httpapi.JSON, info)
	offers := offersByRole(t, s, "a", "b")
	if scalarOf(offers["a"], "cpus", "") != 2 {
		t.Fatalf("a's offer %v, want the unreserved resources", offers["a"].GetResources())
	}

	s.mustSend(acceptOps(offers["a"],
		operation(mesospb.Offer_Operation_RESERVE, scalarRes("cpus", 1, "a", dynamic("a", "p")), scalarRes("disk", 50, "a", dynamic("a", "p"))),
		operation(mesospb.Offer_Operation_CREATE, persistentVolume("v1", 50, "a", dynamic("a", "p")))))
	agent.next("APPLY_OPERATIONS RESERVE", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	agent.next("APPLY_OPERATIONS CREATE", agentmasterpb.AgentEvent_APPLY_OPERATIONS)

	// b's offer is untouched and usable.
	s.mustSend(launchCall(offers["b"], allocated(commandTask(t, "on-b", offers["b"], "cpus(b):1;mem(b):32"), "b")))
	if run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK); run.GetRunTask().GetTask().GetTaskId().GetValue() != "on-b" {
		t.Fatalf("RUN_TASK %v", run)
	}

	a := offersByRole(t, s, "a")["a"]
	if got := scalarOf(a, "cpus", "a"); got != 1 {
		t.Fatalf("a's offer after RESERVE has %v cpus reserved to a, want 1: %v", got, a.GetResources())
	}
	var vol *mesospb.Resource
	for _, r := range a.GetResources() {
		if r.GetDisk().GetPersistence().GetId() == "v1" {
			vol = r
		}
	}
	if vol == nil {
		t.Fatalf("a's offer lacks volume v1: %v", a.GetResources())
	}
	s.mustSend(acceptOps(a,
		operation(mesospb.Offer_Operation_DESTROY, vol),
		operation(mesospb.Offer_Operation_UNRESERVE, scalarRes("cpus", 1, "a", dynamic("a", "p")), scalarRes("disk", 50, "a", dynamic("a", "p")))))
	agent.next("APPLY_OPERATIONS DESTROY", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	agent.next("APPLY_OPERATIONS UNRESERVE", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	a = offersByRole(t, s, "a")["a"]
	for _, r := range a.GetResources() {
		if len(r.GetReservations()) > 0 || r.GetDisk() != nil {
			t.Errorf("a's offer after UNRESERVE still holds %v", r)
		}
	}
	if scalarOf(a, "cpus", "") != 2 || scalarOf(a, "disk", "") != 100 {
		t.Errorf("a's offer after UNRESERVE: %v", a.GetResources())
	}
}

// TestMultiRoleReserveForAnotherRoleIsRefused: as Mesos, a framework may
// only reserve for the role the resources are allocated to (the offer's),
// not for another of its roles nor for a subrole.
func TestMultiRoleReserveForAnotherRoleIsRefused(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	// Operation feedback, to read the error.
	agent := registerAgent(t, tm, "cpus:2;mem:64", withAgentCapabilities(
		mesospb.AgentInfo_Capability_MULTI_ROLE, mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE,
		mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT, mesospb.AgentInfo_Capability_RESOURCE_PROVIDER,
		mesospb.AgentInfo_Capability_AGENT_OPERATION_FEEDBACK))
	info := multiRoleFramework("mr", []string{"a", "a/x", "b"}, mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT)
	info.Principal = proto.String("p")
	s := subscribe(t, tm, httpapi.JSON, info)
	o := s.nextOffer()
	role := o.GetAllocationInfo().GetRole()
	other := "b"
	if role == "b" {
		other = "a"
	}
	for i := range 2 {
		target := other // another of the framework's roles
		if i == 1 {
			target = role + "/x" // a subrole of the offer's
		}
		op := operation(mesospb.Offer_Operation_RESERVE, scalarRes("cpus", 1, role, dynamic(target, "p")))
		op.Id = &mesospb.OperationID{Value: proto.String("reserve-" + strings.ReplaceAll(target, "/", "-"))}
		call := acceptOps(o, op)
		s.mustSend(call)
		ev := s.events.next(t, "UPDATE_OPERATION_STATUS", func(e *schedulerpb.Event) bool {
			return e.GetType() == schedulerpb.Event_UPDATE_OPERATION_STATUS
		})
		st := ev.GetUpdateOperationStatus().GetStatus()
		want := "A reserve operation was attempted for a resource with role '" + target + "', but the resource was allocated to role '" + role + "'"
		if st.GetState() != mesospb.OperationState_OPERATION_ERROR || !strings.Contains(st.GetMessage(), want) {
			t.Errorf("reserve for %s: %v %q, want OPERATION_ERROR %q", target, st.GetState(), st.GetMessage(), want)
		}
		o = s.nextOffer()
		role = o.GetAllocationInfo().GetRole()
		other = "b"
		if role == "b" {
			other = "a"
		}
	}
	select {
	case ev := <-agent.events.events:
		if ev.GetType() == agentmasterpb.AgentEvent_APPLY_OPERATIONS {
			t.Errorf("a refused RESERVE reached the agent: %v", ev)
		}
	default:
	}
}

// TestMultiRoleReservationRefinement: c/d refines c's static reservation
// (RESERVATION_REFINEMENT); the refined resources go to c/d only, not to a
// framework of c; UNRESERVE hands them back to c's subtree.
func TestMultiRoleReservationRefinement(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, "cpus(c):2;mem(c):64")
	info := multiRoleFramework("mr", []string{"c/d"}, mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT)
	info.Principal = proto.String("p")
	s := subscribe(t, tm, httpapi.JSON, info)
	o := offersByRole(t, s, "c/d")["c/d"]
	if scalarOf(o, "cpus", "c") != 2 {
		t.Fatalf("c/d's offer %v, want c's reservation", o.GetResources())
	}
	s.mustSend(acceptOps(o, operation(mesospb.Offer_Operation_RESERVE, scalarRes("cpus", 1, "c/d", static("c"), dynamic("c/d", "p")))))
	agent.next("APPLY_OPERATIONS RESERVE", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	o = offersByRole(t, s, "c/d")["c/d"]
	if scalarOf(o, "cpus", "c/d") != 1 || scalarOf(o, "cpus", "c") != 1 {
		t.Fatalf("c/d's offer after refinement: %v", o.GetResources())
	}
	// A framework of c gets c's unrefined remainder only, once c/d lets go.
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_SUPPRESS.Enum()})
	s.mustSend(declineCall(noRefusal, o))
	other := frameworkInfo("c-fw", mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT)
	other.Role = proto.String("c")
	s2 := subscribe(t, tm, httpapi.JSON, other)
	o2 := s2.nextOffer()
	if scalarOf(o2, "cpus", "c") != 1 || scalarOf(o2, "cpus", "") != 1 {
		t.Errorf("c's framework was offered %v, want 1 cpu reserved to c only", o2.GetResources())
	}
}
