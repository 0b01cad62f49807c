package master

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

func declineCall(filters *mesospb.Filters, offers ...*mesospb.Offer) *schedulerpb.Call {
	d := &schedulerpb.Call_Decline{Filters: filters}
	for _, o := range offers {
		d.OfferIds = append(d.OfferIds, o.GetId())
	}
	return &schedulerpb.Call{Type: schedulerpb.Call_DECLINE.Enum(), Decline: d}
}

var noRefusal = &mesospb.Filters{RefuseSeconds: proto.Float64(0)}

// expectNoOfferFor fails if an offer for role arrives within d.
func expectNoOfferFor(t *testing.T, s *testScheduler, role string, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev := <-s.events.events:
			for _, o := range ev.GetOffers().GetOffers() {
				if o.GetAllocationInfo().GetRole() == role {
					t.Fatalf("unexpected offer for role %s: %v", role, o.GetResources())
				}
			}
		case <-deadline:
			return
		}
	}
}

// TestMultiRoleSuppressAndRevivePerRole: SUPPRESS and REVIVE with roles act
// on those roles only; without roles, on all of the framework's roles.
func TestMultiRoleSuppressAndRevivePerRole(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	multiRoleAgent(t, tm, "cpus(a):1;mem(a):32;cpus(b):1;mem(b):32")
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b"}))
	offers := offersByRole(t, s, "a", "b")

	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_SUPPRESS.Enum(), Suppress: &schedulerpb.Call_Suppress{Roles: []string{"a"}}})
	s.mustSend(declineCall(noRefusal, offers["a"], offers["b"]))
	offersByRole(t, s, "b")
	expectNoOfferFor(t, s, "a", 300*time.Millisecond)

	// REVIVE without roles revives a too.
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()})
	offers = offersByRole(t, s, "a")

	// SUPPRESS without roles suppresses both; REVIVE of b brings b back only.
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_SUPPRESS.Enum()})
	var outstanding []*mesospb.Offer
	onLoop(t, tm, func() {
		for _, o := range tm.offers {
			p, _ := tm.offerProto(o)
			outstanding = append(outstanding, p)
		}
	})
	s.mustSend(declineCall(noRefusal, outstanding...))
	expectNoOfferFor(t, s, "b", 300*time.Millisecond)
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum(), Revive: &schedulerpb.Call_Revive{Roles: []string{"b"}}})
	offersByRole(t, s, "b")
	expectNoOfferFor(t, s, "a", 300*time.Millisecond)
}

// TestMultiRoleUpdateFrameworkRoles: UPDATE_FRAMEWORK dropping a role with
// an offer outstanding rescinds that offer (Mesos rescinds the offers of
// the roles removed) and keeps the others; a role added gets offers.
func TestMultiRoleUpdateFrameworkRoles(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, "cpus(a):1;mem(a):32;cpus(b):1;mem(b):32;cpus(x):1;mem(x):32")
	info := multiRoleFramework("mr", []string{"a", "b"})
	s := subscribe(t, tm, httpapi.JSON, info)
	offers := offersByRole(t, s, "a", "b")

	info.Id = frameworkIDProto(s.id)
	info.Roles = []string{"a", "x"}
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_UPDATE_FRAMEWORK.Enum(), UpdateFramework: &schedulerpb.Call_UpdateFramework{FrameworkInfo: info}})
	ev := s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	if got := ev.GetRescind().GetOfferId().GetValue(); got != offers["b"].GetId().GetValue() {
		t.Fatalf("rescinded %s, want b's offer %s", got, offers["b"].GetId().GetValue())
	}
	offersByRole(t, s, "x")
	// a's offer is still good.
	task := allocated(commandTask(t, "on-a", offers["a"], "cpus(a):1"), "a")
	s.mustSend(launchCall(offers["a"], task))
	if run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK); run.GetRunTask().GetTask().GetTaskId().GetValue() != "on-a" {
		t.Fatalf("RUN_TASK %v", run)
	}
	expectNoOfferFor(t, s, "b", 300*time.Millisecond)
}

// TestMultiRoleUpdateFrameworkDropsRoleWithTask: a role dropped while the
// framework still runs a task in it: the task keeps its resources; when it
// ends they go back without being offered to the framework in the dropped
// role; adding the role again brings its offers back.
func TestMultiRoleUpdateFrameworkDropsRoleWithTask(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, "cpus(a):1;mem(a):32;cpus(b):2;mem(b):64")
	info := multiRoleFramework("mr", []string{"a", "b"})
	s := subscribe(t, tm, httpapi.JSON, info)
	offers := offersByRole(t, s, "a", "b")
	call := launchCall(offers["b"], allocated(commandTask(t, "t-b", offers["b"], "cpus(b):1;mem(b):32"), "b"))
	call.Accept.Filters = noRefusal
	s.mustSend(call)
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	b := offersByRole(t, s, "b")["b"] // what the task left

	info.Id = frameworkIDProto(s.id)
	info.Roles = []string{"a"}
	update := &schedulerpb.Call{Type: schedulerpb.Call_UPDATE_FRAMEWORK.Enum(), UpdateFramework: &schedulerpb.Call_UpdateFramework{FrameworkInfo: info}}
	s.mustSend(update)
	ev := s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	if ev.GetRescind().GetOfferId().GetValue() != b.GetId().GetValue() {
		t.Fatalf("rescinded %v, want b's offer", ev.GetRescind().GetOfferId())
	}
	// As Mesos, the framework stays tracked under b while it holds
	// resources there: GET_ROLES lists b, with the framework and the task.
	var listed bool
	for _, r := range mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_ROLES)).GetGetRoles().GetRoles() {
		if r.GetName() != "b" {
			continue
		}
		listed = true
		var cpus float64
		for _, x := range r.GetResources() {
			if x.GetName() == "cpus" {
				cpus += x.GetScalar().GetValue()
			}
		}
		if len(r.GetFrameworks()) != 1 || r.GetFrameworks()[0].GetValue() != s.id || cpus != 1 {
			t.Errorf("GET_ROLES b while the task runs: frameworks %v, %v cpus; want the framework and 1 cpu", r.GetFrameworks(), cpus)
		}
	}
	if !listed {
		t.Errorf("GET_ROLES does not list b while the framework runs a task in it")
	}
	agent.statusUpdate(s.id, "t-b", mesospb.TaskState_TASK_FINISHED, []byte("0123456789abcdef"))
	if st := s.nextUpdate("t-b"); st.GetState() != mesospb.TaskState_TASK_FINISHED {
		t.Fatalf("t-b: %v", st.GetState())
	}
	expectNoOfferFor(t, s, "b", 300*time.Millisecond)
	var roles []string
	for _, r := range mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_ROLES)).GetGetRoles().GetRoles() {
		if len(r.GetFrameworks()) > 0 {
			roles = append(roles, r.GetName())
		}
	}
	if len(roles) != 1 || roles[0] != "a" {
		t.Errorf("roles with frameworks after the update: %v, want [a]", roles)
	}

	info.Roles = []string{"a", "b"}
	s.mustSend(update)
	if got := scalarOf(offersByRole(t, s, "b")["b"], "cpus", "b"); got != 2 {
		t.Errorf("b offered %v cpus after it was added back, want 2", got)
	}
}

// TestMultiRoleSuppressedRolesMustBeSubscribed: SUBSCRIBE and
// UPDATE_FRAMEWORK with suppressed roles outside the framework's roles are
// refused with Mesos's message; a SUPPRESS naming such a role is dropped
// whole (its valid roles are not suppressed either).
func TestMultiRoleSuppressedRolesMustBeSubscribed(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	multiRoleAgent(t, tm, "cpus(a):1;mem(a):32")
	const want = "Suppressed roles { x, z } are not contained in the set of roles"

	info := multiRoleFramework("mr", []string{"a", "b"})
	call := &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(), Subscribe: &schedulerpb.Call_Subscribe{
		FrameworkInfo: info, SuppressedRoles: []string{"z", "a", "x"},
	}}
	resp := post(t, tm.srv.URL+"/api/v1/scheduler", httpapi.JSON, call, nil)
	if resp.StatusCode == http.StatusOK {
		ev := readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} }).
			next(t, "ERROR", func(e *schedulerpb.Event) bool { return true })
		if ev.GetType() != schedulerpb.Event_ERROR || ev.GetError().GetMessage() != want {
			t.Errorf("SUBSCRIBE with foreign suppressed roles: %v", ev)
		}
	} else if code, body := status(t, resp); !strings.Contains(body, want) {
		t.Errorf("SUBSCRIBE with foreign suppressed roles: %d %q, want %q", code, body, want)
	}

	s := subscribe(t, tm, httpapi.JSON, info)
	info.Id = frameworkIDProto(s.id)
	code, body := s.send(&schedulerpb.Call{Type: schedulerpb.Call_UPDATE_FRAMEWORK.Enum(), UpdateFramework: &schedulerpb.Call_UpdateFramework{
		FrameworkInfo: info, SuppressedRoles: []string{"x", "z"},
	}})
	if code != http.StatusBadRequest || !strings.Contains(body, want) {
		t.Errorf("UPDATE_FRAMEWORK with foreign suppressed roles: %d %q, want 400 %q", code, body, want)
	}

	o := offersByRole(t, s, "a")["a"]
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_SUPPRESS.Enum(), Suppress: &schedulerpb.Call_Suppress{Roles: []string{"a", "z"}}})
	s.mustSend(declineCall(noRefusal, o))
	offersByRole(t, s, "a") // a was not suppressed
}

// TestMultiRoleDeclineFiltersPerRole: a decline's filter holds for the
// role of the declined offer only.
func TestMultiRoleDeclineFiltersPerRole(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	multiRoleAgent(t, tm, "cpus(a):1;mem(a):32;cpus(b):1;mem(b):32")
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b"}))
	offers := offersByRole(t, s, "a", "b")
	s.mustSend(declineCall(&mesospb.Filters{RefuseSeconds: proto.Float64(3600)}, offers["a"]))
	s.mustSend(declineCall(noRefusal, offers["b"]))
	offersByRole(t, s, "b")
	expectNoOfferFor(t, s, "a", 300*time.Millisecond)
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum(), Revive: &schedulerpb.Call_Revive{Roles: []string{"a"}}})
	offersByRole(t, s, "a")
}
