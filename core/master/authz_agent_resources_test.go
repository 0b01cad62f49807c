package master

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// The ACLs of these tests: web runs a framework in role web, ops one in
// role eng and reserves; ops may view every role, web its own and eng/x
// (not eng), eve none.
const agentResourcesACLs = `{
  "permissive": false,
  "register_frameworks": [
    {"principals": {"values": ["web"]}, "roles": {"values": ["web"]}},
    {"principals": {"values": ["ops"]}, "roles": {"values": ["eng"]}}
  ],
  "run_tasks": [{"principals": {"values": ["web", "ops"]}, "users": {"values": ["nobody"]}}],
  "view_frameworks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
  "view_roles": [
    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}},
    {"principals": {"values": ["web"]}, "roles": {"values": ["web", "eng/x"]}}
  ],
  "reserve_resources": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "register_agents": [{"principals": {"type": "ANY"}, "agents": {"type": "ANY"}}]
}`

// schedulerAs subscribes a framework of principal user in role, user
// nobody, with user's credentials.
func schedulerAs(t *testing.T, tm *testMaster, user, role string) *testScheduler {
	t.Helper()
	info := frameworkInfo(user)
	info.User, info.Role, info.Principal = proto.String("nobody"), proto.String(role), proto.String(user)
	resp := subscribeAs(t, tm, user, info)
	if resp.StatusCode != http.StatusOK {
		code, body := status(t, resp)
		t.Fatalf("SUBSCRIBE as %s: %d %s", user, code, body)
	}
	s := &testScheduler{t: t, tm: tm, codec: httpapi.JSON, streamID: resp.Header.Get(httpapi.StreamIDHeader)}
	s.events = readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	ev := s.events.next(t, "SUBSCRIBED", func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_SUBSCRIBED || e.GetType() == schedulerpb.Event_ERROR
	})
	if ev.GetType() == schedulerpb.Event_ERROR {
		t.Fatalf("%s refused: %s", user, ev.GetError().GetMessage())
	}
	s.id = ev.GetSubscribed().GetFrameworkId().GetValue()
	return s
}

// TestAgentResourcesFilteredByRole: /master/slaves' *_full lists,
// GET_AGENTS and GET_STATE's agents leave out every resource one of whose
// roles (its reservations', the role it is allocated to) the principal may
// not VIEW_ROLE, as Mesos's SlavesWriter and createAgentResponse: web sees
// what is reserved for, used by and offered to role web, and no eng; eve
// sees neither; ops everything. Unreserved resources show to all, and
// /master/state's flat fields (Mesos's SlaveWriter) filter only
// reserved_resources by role.
func TestAgentResourcesFilteredByRole(t *testing.T) {
	script := &scriptedAllocator{}
	tm := authMasterWith(t, agentResourcesACLs, func(c *Config) { c.Allocator = script })
	agent := registerAgent(t, tm, "cpus:4;mem:1024;cpus(web):2;cpus(eng):2", nil)
	web := schedulerAs(t, tm, "web", "web")
	eng := schedulerAs(t, tm, "ops", "eng")

	// Each framework runs a task on what is reserved for its role, and
	// then holds an offer of unreserved resources (and, for eng, of its
	// reservation).
	launch := func(s *testScheduler, user, role, taskID, res string) {
		t.Helper()
		script.queue(scriptedAlloc(s.id, agent.id, role, res))
		offer := s.nextOffer()
		if code, body := s.sendAs(user, launchCall(offer, commandTask(t, taskID, offer, res))); code != http.StatusAccepted {
			t.Fatalf("ACCEPT %s: %d %s", taskID, code, body)
		}
	}
	launch(web, "web", "web", "t-web", "cpus(web):1;mem:64")
	launch(eng, "ops", "eng", "t-eng", "cpus(eng):1;mem:64")
	script.queue(scriptedAlloc(web.id, agent.id, "web", "cpus:1;mem:128"))
	web.nextOffer()
	script.queue(scriptedAlloc(eng.id, agent.id, "eng", "cpus:1;cpus(eng):1;mem:128"))
	eng.nextOffer()
	eventually(t, "both tasks and both offers", func() bool {
		var tasks, offers int
		onLoop(t, tm, func() {
			tasks = len(tm.frameworks[web.id].tasks) + len(tm.frameworks[eng.id].tasks)
			offers = len(tm.offers)
		})
		return tasks == 2 && offers == 2
	})

	want := map[string]string{"ops": "eng,web", "web": "web", "eve": ""}
	for user, roles := range want {
		code, body := httpAs(t, user, "GET", tm.srv.URL+"/master/slaves", "")
		if code != http.StatusOK {
			t.Fatalf("/master/slaves as %s: %d %s", user, code, body)
		}
		slave := jpath(t, decodeJSON(t, body), "slaves", "0")
		for _, field := range []string{"used_resources_full", "offered_resources_full"} {
			if got := jsonRoles(t, jpath(t, slave, field)); got != roles {
				t.Errorf("/master/slaves as %s: %s of roles %q, want %q", user, field, got, roles)
			}
		}
		full := jpath(t, slave, "reserved_resources_full").(map[string]any)
		var reserved []any
		for _, k := range sortedKeys(full) {
			reserved = append(reserved, full[k].([]any)...)
		}
		if got := jsonRoles(t, reserved); got != roles {
			t.Errorf("/master/slaves as %s: reserved_resources_full of roles %q, want %q", user, got, roles)
		}
		if n := len(jpath(t, slave, "unreserved_resources_full").([]any)); n != 2 {
			t.Errorf("/master/slaves as %s: %d unreserved resources, want cpus and mem", user, n)
		}

		// The flat fields of /master/state are Mesos's SlaveWriter's:
		// used and offered resources whatever their role.
		code, body = httpAs(t, user, "GET", tm.srv.URL+"/master/state", "")
		if code != http.StatusOK {
			t.Fatalf("/master/state as %s: %d %s", user, code, body)
		}
		flat := jpath(t, decodeJSON(t, body), "slaves", "0")
		if used, offered := jpath(t, flat, "used_resources", "cpus"), jpath(t, flat, "offered_resources", "cpus"); used != 2.0 || offered != 3.0 {
			t.Errorf("/master/state as %s: used cpus %v, offered cpus %v, want 2 and 3", user, used, offered)
		}

		agents := getAs(t, tm, user, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetAgents()
		state := getAs(t, tm, user, callOf(masterpb.Call_GET_STATE)).GetGetState().GetGetAgents().GetAgents()
		for what, a := range map[string]*masterpb.Response_GetAgents_Agent{"GET_AGENTS": agents[0], "GET_STATE": state[0]} {
			for field, rs := range map[string][]*mesospb.Resource{
				"allocated_resources": a.GetAllocatedResources(),
				"offered_resources":   a.GetOfferedResources(),
			} {
				if got := protoRoles(rs); got != roles {
					t.Errorf("%s as %s: %s of roles %q, want %q", what, user, field, got, roles)
				}
			}
			var reserved, unreserved []*mesospb.Resource
			for _, r := range a.GetAgentInfo().GetResources() {
				if len(r.GetReservations()) > 0 || r.GetRole() != "" && r.GetRole() != "*" {
					reserved = append(reserved, r)
				} else {
					unreserved = append(unreserved, r)
				}
			}
			if got := protoRoles(reserved); got != roles || len(unreserved) != 2 {
				t.Errorf("%s as %s: agent_info.resources reserved for %q and %d unreserved, want %q and 2", what, user, got, len(unreserved), roles)
			}
		}
	}
}

// jsonRoles lists the roles of resources in endpoint JSON: those they are
// allocated to, and those they are reserved for.
func jsonRoles(t *testing.T, list any) string {
	t.Helper()
	rs, ok := list.([]any)
	if !ok {
		t.Fatalf("not a list: %v", list)
	}
	roles := map[string]bool{}
	for _, r := range rs {
		obj := r.(map[string]any)
		if ai, ok := obj["allocation_info"].(map[string]any); ok {
			roles[ai["role"].(string)] = true
		}
		if res, ok := obj["reservations"].([]any); ok {
			for _, x := range res {
				roles[x.(map[string]any)["role"].(string)] = true
			}
		}
	}
	return strings.Join(sortedKeys(roles), ",")
}

// protoRoles is jsonRoles of protos (the legacy role too).
func protoRoles(rs []*mesospb.Resource) string {
	roles := map[string]bool{}
	for _, r := range rs {
		if ai := r.GetAllocationInfo(); ai != nil {
			roles[ai.GetRole()] = true
		}
		for _, x := range r.GetReservations() {
			roles[x.GetRole()] = true
		}
		if r.GetRole() != "" && r.GetRole() != "*" {
			roles[r.GetRole()] = true
		}
	}
	return strings.Join(sortedKeys(roles), ",")
}

// TestRefinedReservationFiltered: a reservation refined from eng to eng/x
// shows in /master/slaves' reserved_resources_full and GET_AGENTS only to
// a principal who may view both roles, as Mesos (every reservation of a
// resource must be viewable): web, who may view eng/x but not eng, gets
// the eng/x key (Mesos filters the keys by the last role) with nothing in
// it.
func TestRefinedReservationFiltered(t *testing.T) {
	tm := authMasterWith(t, agentResourcesACLs, func(c *Config) { c.Allocator = &scriptedAllocator{} })
	agent := registerAgent(t, tm, "cpus:1;mem:128;cpus(eng):2", withAgentCapabilities(
		mesospb.AgentInfo_Capability_MULTI_ROLE, mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE,
		mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT))
	reserve := callOf(masterpb.Call_RESERVE_RESOURCES)
	reserve.ReserveResources = &masterpb.Call_ReserveResources{AgentId: agentIDProto(agent.id), Resources: parseResources(t,
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"eng"},{"type":"DYNAMIC","role":"eng/x","principal":"ops"}]}]`)}
	if code, body := operatorAs(t, tm, "ops", reserve); code != http.StatusAccepted {
		t.Fatalf("RESERVE_RESOURCES: %d %s", code, body)
	}
	agent.next("APPLY_OPERATIONS", agentmasterpb.AgentEvent_APPLY_OPERATIONS)

	for user, want := range map[string]int{"ops": 1, "web": 0} {
		code, body := httpAs(t, user, "GET", tm.srv.URL+"/master/slaves", "")
		if code != http.StatusOK {
			t.Fatalf("/master/slaves as %s: %d %s", user, code, body)
		}
		refined, ok := jpath(t, decodeJSON(t, body), "slaves", "0", "reserved_resources_full").(map[string]any)["eng/x"].([]any)
		if !ok || len(refined) != want {
			t.Errorf("/master/slaves as %s: reserved_resources_full[eng/x] %v, want %d resources", user, refined, want)
		}
		agents := getAs(t, tm, user, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetAgents()
		n := 0
		for _, r := range agents[0].GetTotalResources() {
			if rs := r.GetReservations(); len(rs) > 0 && rs[len(rs)-1].GetRole() == "eng/x" {
				n++
			}
		}
		if n != want {
			t.Errorf("GET_AGENTS as %s: %d resources reserved for eng/x, want %d", user, n, want)
		}
	}
}
