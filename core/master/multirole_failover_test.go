package master

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

const twoRoleAgent = "cpus(a):2;mem(a):64;cpus(b):2;mem(b):64"

// launchInBothRoles starts a 1-cpu task in a and in b and returns their
// TaskInfos as the agent got them.
func launchInBothRoles(t *testing.T, s *testScheduler, agent *testAgent) []*mesospb.TaskInfo {
	t.Helper()
	offers := offersByRole(t, s, "a", "b")
	var out []*mesospb.TaskInfo
	for _, role := range []string{"a", "b"} {
		task := allocated(commandTask(t, "t-"+role, offers[role], "cpus("+role+"):1;mem("+role+"):32"), role)
		call := launchCall(offers[role], task)
		call.Accept.Filters = noRefusal
		s.mustSend(call)
		run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
		out = append(out, run.GetRunTask().GetTask())
	}
	return out
}

// checkRolesHold checks GET_ROLES and what the next offers hold: each of
// a and b has its task's 1 cpu in use and 1 cpu offered, not 2 (which
// would mean the allocator forgot the task).
func checkRolesHold(t *testing.T, tm *testMaster, s *testScheduler) {
	t.Helper()
	offers := offersByRole(t, s, "a", "b")
	for _, role := range []string{"a", "b"} {
		if got := scalarOf(offers[role], "cpus", role); got != 1 {
			t.Errorf("offer for %s has %v cpus, want 1 (the task's cpu is in use)", role, got)
		}
	}
	resp := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_ROLES))
	held := map[string]float64{}
	for _, r := range resp.GetGetRoles().GetRoles() {
		for _, x := range r.GetResources() {
			if x.GetName() == "cpus" {
				held[r.GetName()] += x.GetScalar().GetValue()
			}
		}
	}
	if held["a"] != 2 || held["b"] != 2 {
		t.Errorf("GET_ROLES cpus held (used and offered): %v, want a:2 b:2", held)
	}
	var used, offered float64
	onLoop(t, tm, func() {
		fw := tm.frameworks[s.id]
		for _, a := range tm.agents {
			for x := range a.used[fw.id].All() {
				if x.Name() == "cpus" {
					used += x.Scalar().Float()
				}
			}
		}
		for _, o := range fw.offers {
			for x := range o.resources.All() {
				if x.Name() == "cpus" {
					offered += x.Scalar().Float()
				}
			}
		}
	})
	if used != 2 || offered != 2 {
		t.Errorf("framework uses %v cpus and is offered %v, want 2 and 2", used, offered)
	}
}

// TestMultiRoleFrameworkFailoverKeepsBothRoles: a MULTI_ROLE framework
// with a task in each of two roles fails over (re-SUBSCRIBE with its id,
// after its connection broke): both roles' allocations are kept.
func TestMultiRoleFrameworkFailoverKeepsBothRoles(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, twoRoleAgent)
	info := multiRoleFramework("mr", []string{"a", "b"})
	info.FailoverTimeout = proto.Float64(3600)
	s := subscribe(t, tm, httpapi.JSON, info)
	launchInBothRoles(t, s, agent)

	s.events.resp.Body.Close()
	eventually(t, "the framework disconnected", func() bool {
		var gone bool
		onLoop(t, tm, func() { gone = !tm.frameworks[s.id].connected() })
		return gone
	})
	info.Id = frameworkIDProto(s.id)
	s2 := subscribe(t, tm, httpapi.JSON, info)
	checkRolesHold(t, tm, s2)
}

// TestMultiRoleMasterFailoverKeepsBothRoles: after a master failover the
// agent re-registers with tasks of two roles, then the framework
// re-subscribes: both roles' allocations are restored.
func TestMultiRoleMasterFailoverKeepsBothRoles(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := multiRoleAgent(t, tm, twoRoleAgent)
	info := multiRoleFramework("mr", []string{"a", "b"})
	info.FailoverTimeout = proto.Float64(3600)
	s := subscribe(t, tm, httpapi.JSON, info)
	infos := launchInBothRoles(t, s, agent)
	info.Id = frameworkIDProto(s.id)

	tm2 := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	var tasks []*mesospb.Task
	for _, ti := range infos {
		tasks = append(tasks, &mesospb.Task{
			Name: ti.Name, TaskId: ti.TaskId, FrameworkId: info.Id, AgentId: ti.AgentId,
			State: mesospb.TaskState_TASK_RUNNING.Enum(), Resources: ti.Resources,
		})
	}
	registerAgent(t, tm2, twoRoleAgent, func(sub *agentmasterpb.AgentCall_Subscribe) {
		sub.AgentInfo.Id = agentIDProto(agent.id)
		sub.Frameworks = []*mesospb.FrameworkInfo{info}
		sub.Tasks = tasks
		withAgentCapabilities(mesospb.AgentInfo_Capability_MULTI_ROLE, mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE,
			mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT)(sub)
	})
	s2 := subscribe(t, tm2, httpapi.JSON, info)
	checkRolesHold(t, tm2, s2)
}
