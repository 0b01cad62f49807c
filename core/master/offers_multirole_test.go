package master

import (
	"sort"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestMultiRoleFrameworkGetsAnOfferPerRole: a MULTI_ROLE framework whose
// roles both have resources on an agent gets one offer per role (Mesos
// offers per framework, role and agent), each of one role only, and the
// master rejects none of the built-in allocator's allocations (it makes
// one per framework and agent, with the roles in allocation_info).
func TestMultiRoleFrameworkGetsAnOfferPerRole(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := registerAgent(t, tm, "cpus(web):2;mem(web):256;cpus(eng):1;mem(eng):128", func(s *agentmasterpb.AgentCall_Subscribe) {
		s.Capabilities = append(s.Capabilities, &mesospb.AgentInfo_Capability{Type: mesospb.AgentInfo_Capability_MULTI_ROLE.Enum()})
	})
	info := frameworkInfo("multi", mesospb.FrameworkInfo_Capability_MULTI_ROLE)
	info.Roles = []string{"web", "eng"}
	s := subscribe(t, tm, httpapi.JSON, info)

	byRole := map[string]*mesospb.Offer{}
	for len(byRole) < 2 {
		ev := s.events.next(t, "OFFERS", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_OFFERS })
		for _, o := range ev.GetOffers().GetOffers() {
			roles := map[string]bool{}
			for _, r := range o.GetResources() {
				roles[r.GetAllocationInfo().GetRole()] = true
			}
			if len(roles) != 1 {
				t.Fatalf("offer %s spans roles %v", o.GetId().GetValue(), roles)
			}
			for role := range roles {
				if byRole[role] != nil {
					t.Fatalf("two offers for role %s", role)
				}
				byRole[role] = o
			}
		}
	}
	var roles []string
	for role := range byRole {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	if len(roles) != 2 || roles[0] != "eng" || roles[1] != "web" {
		t.Fatalf("offers for roles %v, want eng and web", roles)
	}
	// The web offer holds web's resources, all of them.
	var cpus float64
	for _, r := range byRole["web"].GetResources() {
		if r.GetName() == "cpus" {
			cpus += r.GetScalar().GetValue()
		}
	}
	if cpus != 2 {
		t.Errorf("web offer has %v cpus, want 2", cpus)
	}
	// A task launched on one role's offer goes to the agent.
	task := commandTask(t, "t-eng", byRole["eng"], "cpus(eng):1;mem(eng):64")
	for _, r := range task.Resources {
		r.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String("eng")}
	}
	s.mustSend(launchCall(byRole["eng"], task))
	if run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK); run.GetRunTask().GetTask().GetTaskId().GetValue() != "t-eng" {
		t.Fatalf("RUN_TASK %v", run)
	}
	var rejected float64
	onLoop(t, tm, func() { rejected = tm.loopMetrics()["master/allocations_rejected"] })
	if rejected != 0 {
		t.Errorf("%v allocations rejected", rejected)
	}
}
