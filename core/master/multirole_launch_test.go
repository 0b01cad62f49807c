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

// Scenarios of a MULTI_ROLE framework with roles [a, b, c/d] against the
// built-in allocator, as Marathon or Spark on Mesos 1.x play them.

// multiRoleAgent registers an agent that knows MULTI_ROLE and hierarchical
// roles (as every 1.x agent does).
func multiRoleAgent(t *testing.T, tm *testMaster, res string) *testAgent {
	t.Helper()
	return registerAgent(t, tm, res, withAgentCapabilities(
		mesospb.AgentInfo_Capability_MULTI_ROLE, mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE,
		mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT))
}

func multiRoleFramework(name string, roles []string, caps ...mesospb.FrameworkInfo_Capability_Type) *mesospb.FrameworkInfo {
	info := frameworkInfo(name, append([]mesospb.FrameworkInfo_Capability_Type{mesospb.FrameworkInfo_Capability_MULTI_ROLE}, caps...)...)
	info.Roles = roles
	return info
}

// offersByRole collects offers until every role in want has one (each
// offer must be of one role, named in the offer's allocation_info too).
func offersByRole(t *testing.T, s *testScheduler, want ...string) map[string]*mesospb.Offer {
	t.Helper()
	got := map[string]*mesospb.Offer{}
	for !hasAll(got, want) {
		ev := s.events.next(t, "offers for "+strings.Join(want, ","), func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_OFFERS })
		for _, o := range ev.GetOffers().GetOffers() {
			role := o.GetAllocationInfo().GetRole()
			for _, r := range o.GetResources() {
				if r.GetAllocationInfo().GetRole() != role {
					t.Fatalf("offer %s of role %q holds %v", o.GetId().GetValue(), role, r)
				}
			}
			if got[role] != nil {
				t.Fatalf("two outstanding offers for role %q", role)
			}
			got[role] = o
		}
	}
	return got
}

func hasAll(m map[string]*mesospb.Offer, keys []string) bool {
	for _, k := range keys {
		if m[k] == nil {
			return false
		}
	}
	return true
}

// scalarOf sums a scalar of an offer, optionally only what is reserved to
// reservedTo ("" for all).
func scalarOf(o *mesospb.Offer, name, reservedTo string) float64 {
	var v float64
	for _, r := range o.GetResources() {
		if r.GetName() != name {
			continue
		}
		if reservedTo != "" && reservationRoleOf(r) != reservedTo {
			continue
		}
		v += r.GetScalar().GetValue()
	}
	return v
}

// reservationRoleOf is the role r is reserved to, in either format
// ("" when unreserved).
func reservationRoleOf(r *mesospb.Resource) string {
	if rs := r.GetReservations(); len(rs) > 0 {
		return rs[len(rs)-1].GetRole()
	}
	if role := r.GetRole(); role != "*" {
		return role
	}
	return ""
}

// allocated sets every resource's allocation_info to role ("" clears it).
func allocated(ti *mesospb.TaskInfo, role string) *mesospb.TaskInfo {
	for _, r := range ti.GetResources() {
		r.AllocationInfo = nil
		if role != "" {
			r.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
		}
	}
	return ti
}

// TestMultiRoleOffersAndReservationsPerRole: static reservations of a, b
// and the parent role c each go to the framework in the matching role (c's
// to c/d), in offers of one role with allocation_info.
func TestMultiRoleOffersAndReservationsPerRole(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	multiRoleAgent(t, tm, "cpus(a):2;mem(a):128;cpus(b):1;mem(b):32;cpus(c):3;mem(c):96")
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b", "c/d"}))
	offers := offersByRole(t, s, "a", "b", "c/d")
	for role, want := range map[string]struct {
		reservedTo string
		cpus       float64
	}{"a": {"a", 2}, "b": {"b", 1}, "c/d": {"c", 3}} {
		o := offers[role]
		if got := scalarOf(o, "cpus", want.reservedTo); got != want.cpus {
			t.Errorf("offer for %s: %v cpus reserved to %s, want %v (%v)", role, got, want.reservedTo, want.cpus, o.GetResources())
		}
		if got := scalarOf(o, "cpus", ""); got != want.cpus {
			t.Errorf("offer for %s: %v cpus in all, want %v", role, got, want.cpus)
		}
	}
}

// TestMultiRoleLaunchWithoutAllocationInfo: Mesos injects the offer's
// allocation_info into the resources of a task that has none, for every
// framework (protobuf::injectAllocationInfo in Master::accept), so a
// MULTI_ROLE framework written before it set allocation_info still
// launches.
func TestMultiRoleLaunchWithoutAllocationInfo(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, "cpus(a):2;mem(a):128;cpus(b):1;mem(b):32")
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b"}))
	offers := offersByRole(t, s, "a", "b")

	task := commandTask(t, "no-info", offers["a"], "cpus(a):1;mem(a):64")
	s.mustSend(launchCall(offers["a"], task))
	run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	if run.GetRunTask().GetTask().GetTaskId().GetValue() != "no-info" {
		t.Fatalf("RUN_TASK %v", run)
	}
	for _, r := range run.GetRunTask().GetTask().GetResources() {
		if r.GetAllocationInfo().GetRole() != "a" {
			t.Errorf("task resource %v sent to the agent without role a", r)
		}
	}
}

// TestMultiRoleLaunchMixingRoles: a task whose resources are allocated to
// two roles fails with Mesos's message; one naming another role than the
// offer's fails as using more than offered; neither reaches the agent.
func TestMultiRoleLaunchMixingRoles(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, "cpus(a):2;mem(a):128;cpus(b):1;mem(b):32")
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b"}))
	offers := offersByRole(t, s, "a", "b")

	mixed := commandTask(t, "mixed", offers["a"], "cpus(a):1;mem(b):16")
	mixed.Resources[0].AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String("a")}
	mixed.Resources[1].AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String("b")}
	wrong := allocated(commandTask(t, "wrong-role", offers["a"], "cpus(a):1"), "b")
	ok := allocated(commandTask(t, "fine", offers["a"], "cpus(a):1;mem(a):64"), "a")
	s.mustSend(launchCall(offers["a"], mixed, wrong, ok))

	st := s.nextUpdate("mixed")
	if st.GetState() != mesospb.TaskState_TASK_ERROR || st.GetReason() != mesospb.TaskStatus_REASON_TASK_INVALID {
		t.Errorf("mixed: %v %v", st.GetState(), st.GetReason())
	}
	const msg = "Invalid task resources: The resources have multiple allocation roles ('b' and 'a') but only one allocation role is allowed"
	if st.GetMessage() != msg {
		t.Errorf("mixed: message %q, want %q", st.GetMessage(), msg)
	}
	st = s.nextUpdate("wrong-role")
	if st.GetState() != mesospb.TaskState_TASK_ERROR || !strings.Contains(st.GetMessage(), "than available") {
		t.Errorf("wrong-role: %v %q", st.GetState(), st.GetMessage())
	}
	if run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK); run.GetRunTask().GetTask().GetTaskId().GetValue() != "fine" {
		t.Errorf("RUN_TASK %v", run.GetRunTask().GetTask().GetTaskId())
	}
}

// TestMultiRoleAcceptOffersOfTwoRoles: offers of two roles cannot be
// accepted together; Mesos drops the tasks (REASON_INVALID_OFFERS) and
// gives both offers back.
func TestMultiRoleAcceptOffersOfTwoRoles(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	multiRoleAgent(t, tm, "cpus(a):2;mem(a):128;cpus(b):1;mem(b):32")
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b"}, mesospb.FrameworkInfo_Capability_PARTITION_AWARE))
	offers := offersByRole(t, s, "a", "b")
	task := allocated(commandTask(t, "both", offers["a"], "cpus(a):1"), "a")
	call := launchCall(offers["a"], task)
	call.Accept.OfferIds = append(call.Accept.OfferIds, offers["b"].GetId())
	s.mustSend(call)
	st := s.nextUpdate("both")
	if st.GetState() != mesospb.TaskState_TASK_DROPPED || st.GetReason() != mesospb.TaskStatus_REASON_INVALID_OFFERS ||
		!strings.Contains(st.GetMessage(), "Aggregated offers must be allocated to the same role") {
		t.Errorf("both: %v %v %q", st.GetState(), st.GetReason(), st.GetMessage())
	}
	// Both offers' resources come back, each to its role.
	again := offersByRole(t, s, "a", "b")
	if scalarOf(again["a"], "cpus", "a") != 2 || scalarOf(again["b"], "cpus", "b") != 1 {
		t.Errorf("offers after the refused accept: a %v, b %v", again["a"].GetResources(), again["b"].GetResources())
	}
}

// TestMultiRoleLaunchGroupWithoutAllocationInfo: a task group (default
// executor) of a MULTI_ROLE framework, without allocation_info anywhere,
// gets the offer's role injected, as in Mesos.
func TestMultiRoleLaunchGroupWithoutAllocationInfo(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, "cpus(a):2;mem(a):128;cpus(b):1;mem(b):32")
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b"}))
	o := offersByRole(t, s, "b")["b"]
	task := commandTask(t, "g1", o, "cpus(b):0.5;mem(b):16")
	task.Command = nil
	execRes := commandTask(t, "x", o, "cpus(b):0.1;mem(b):8").Resources
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()},
		Operations: []*mesospb.Offer_Operation{{
			Type: mesospb.Offer_Operation_LAUNCH_GROUP.Enum(),
			LaunchGroup: &mesospb.Offer_Operation_LaunchGroup{
				Executor: &mesospb.ExecutorInfo{
					Type:       mesospb.ExecutorInfo_DEFAULT.Enum(),
					ExecutorId: &mesospb.ExecutorID{Value: proto.String("default")},
					Resources:  execRes,
				},
				TaskGroup: &mesospb.TaskGroupInfo{Tasks: []*mesospb.TaskInfo{task}},
			},
		}},
	}})
	run := agent.next("RUN_TASK_GROUP", agentmasterpb.AgentEvent_RUN_TASK_GROUP)
	g := run.GetRunTaskGroup()
	for _, r := range append(g.GetExecutor().GetResources(), g.GetTaskGroup().GetTasks()[0].GetResources()...) {
		if r.GetAllocationInfo().GetRole() != "b" {
			t.Errorf("resource %v sent without role b", r)
		}
	}
}
