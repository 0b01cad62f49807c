package master

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/uuid"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

func TestWeights(t *testing.T) {
	alloc := newRecording()
	tm := startMaster(t, func(c *Config) {
		c.Allocator = alloc
		c.Roles = []string{"eng", "ops", "*"}
		c.Weights = map[string]float64{"ops": 3}
	})
	eventually(t, "Initialize", func() bool { return alloc.initRequest() != nil })
	if w := alloc.initRequest().GetWeights(); len(w) != 1 || w[0].GetRole() != "ops" || w[0].GetWeight() != 3 {
		t.Fatalf("Initialize weights %v", w)
	}
	update := callOf(masterpb.Call_UPDATE_WEIGHTS)
	update.UpdateWeights = &masterpb.Call_UpdateWeights{WeightInfos: []*mesospb.WeightInfo{{Role: proto.String("eng"), Weight: proto.Float64(2.5)}}}
	mustDo(t, tm, httpapi.Protobuf, update, http.StatusOK)
	alloc.waitEvent(t, "WeightsUpdated", func(e *allocator.Event) bool {
		ws := e.GetWeightsUpdated().GetWeights()
		return len(ws) == 1 && ws[0].GetRole() == "eng" && ws[0].GetWeight() == 2.5
	})
	ws := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_WEIGHTS)).GetGetWeights().GetWeightInfos()
	if len(ws) != 2 || ws[0].GetRole() != "eng" || ws[1].GetWeight() != 3 {
		t.Fatalf("GET_WEIGHTS %v", ws)
	}

	// PUT /weights, and GET /weights.
	code, body := httpDo(t, "PUT", tm.srv.URL+"/master/weights", "application/json", `[{"role":"ops","weight":1.5}]`)
	if code != http.StatusOK {
		t.Fatalf("PUT /master/weights: %d %s", code, body)
	}
	resp, err := http.Get(tm.srv.URL + "/weights")
	if err != nil {
		t.Fatal(err)
	}
	code, body = status(t, resp)
	if code != 200 || body != `[{"weight":2.5,"role":"eng"},{"weight":1.5,"role":"ops"}]` {
		t.Errorf("GET /weights: %d %s", code, body)
	}
	roles := getJSON(t, tm.srv.URL+"/master/roles")
	if jpath(t, roles, "roles", "1", "name") != "eng" || jpath(t, roles, "roles", "1", "weight") != 2.5 {
		t.Errorf("/roles %v", roles)
	}

	for _, c := range []struct{ body, want string }{
		{`[{"role":"eng","weight":0}]`, "Weights must be positive"},
		{`[{"role":"eng","weight":-1}]`, "Weights must be positive"},
		{`[{"role":"qa","weight":1}]`, "Unknown role 'qa'"},
		{`[{"role":"a b","weight":1}]`, "Invalid role"},
		{`{"role":"eng"}`, "Failed to parse update weights request"},
	} {
		if code, body := httpDo(t, "PUT", tm.srv.URL+"/master/weights", "application/json", c.body); code != 400 || !strings.Contains(body, c.want) {
			t.Errorf("PUT %s: %d %q, want 400 with %q", c.body, code, body, c.want)
		}
	}
	if code, _ := httpDo(t, "POST", tm.srv.URL+"/master/weights", "application/json", `[]`); code != http.StatusMethodNotAllowed {
		t.Errorf("POST /weights: %d", code)
	}
}

func TestQuota(t *testing.T) {
	alloc := newRecording()
	tm := startMaster(t, func(c *Config) { c.Allocator = alloc })
	registerAgent(t, tm, "cpus:4;mem:1024", nil)

	update := callOf(masterpb.Call_UPDATE_QUOTA)
	update.UpdateQuota = &masterpb.Call_UpdateQuota{QuotaConfigs: []*quotapb.QuotaConfig{{
		Role:       proto.String("eng"),
		Guarantees: map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(1)}},
		Limits:     map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(2)}},
	}}}
	mustDo(t, tm, httpapi.JSON, update, http.StatusOK)
	alloc.waitEvent(t, "QuotaUpdated", func(e *allocator.Event) bool {
		return e.GetQuotaUpdated().GetConfig().GetRole() == "eng"
	})
	st := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_QUOTA)).GetGetQuota().GetStatus()
	if len(st.GetConfigs()) != 1 || st.GetConfigs()[0].GetLimits()["cpus"].GetValue() != 2 ||
		len(st.GetInfos()) != 1 || st.GetInfos()[0].GetGuarantee()[0].GetScalar().GetValue() != 1 {
		t.Fatalf("GET_QUOTA %v", st)
	}

	// Guarantees beyond the cluster: 400 for UPDATE_QUOTA unless forced.
	big := proto.CloneOf(update)
	big.UpdateQuota.QuotaConfigs[0].Role = proto.String("big")
	big.UpdateQuota.QuotaConfigs[0].Guarantees["cpus"].Value = proto.Float64(10)
	big.UpdateQuota.QuotaConfigs[0].Limits["cpus"].Value = proto.Float64(10)
	if code, body := operatorStatus(t, tm, httpapi.JSON, big); code != 400 || !strings.Contains(body, "exceed cluster capacity") {
		t.Errorf("overcommitting UPDATE_QUOTA: %d %q", code, body)
	}
	big.UpdateQuota.Force = proto.Bool(true)
	mustDo(t, tm, httpapi.JSON, big, http.StatusOK)
	invalid := proto.CloneOf(update)
	invalid.UpdateQuota.QuotaConfigs[0].Guarantees["cpus"].Value = proto.Float64(5)
	if code, body := operatorStatus(t, tm, httpapi.JSON, invalid); code != 400 || !strings.Contains(body, "Invalid QuotaConfig") {
		t.Errorf("guarantee above limit: %d %q", code, body)
	}
	nested := proto.CloneOf(update)
	nested.UpdateQuota.QuotaConfigs[0].Role = proto.String("eng/web")
	if code, _ := operatorStatus(t, tm, httpapi.JSON, nested); code != 400 {
		t.Errorf("nested role: %d", code)
	}

	// The deprecated SET_QUOTA and REMOVE_QUOTA, and /quota.
	set := callOf(masterpb.Call_SET_QUOTA)
	set.SetQuota = &masterpb.Call_SetQuota{QuotaRequest: &quotapb.QuotaRequest{Role: proto.String("ops"), Force: proto.Bool(true),
		Guarantee: []*mesospb.Resource{{Name: proto.String("mem"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(100)}}}}}
	mustDo(t, tm, httpapi.Protobuf, set, http.StatusOK)
	if code, body := operatorStatus(t, tm, httpapi.Protobuf, set); code != 400 || !strings.Contains(body, "already has quota") {
		t.Errorf("SET_QUOTA twice: %d %q", code, body)
	}
	code, body := httpDo(t, "POST", tm.srv.URL+"/master/quota", "application/json",
		`{"role":"qa","guarantee":[{"name":"cpus","type":"SCALAR","scalar":{"value":100}}]}`)
	if code != http.StatusConflict || !strings.Contains(body, "overcommit") {
		t.Errorf("overcommitting POST /quota: %d %q, want 409", code, body)
	}
	code, body = httpDo(t, "POST", tm.srv.URL+"/master/quota", "application/json",
		`{"role":"qa","force":true,"guarantee":[{"name":"cpus","type":"SCALAR","scalar":{"value":100}}]}`)
	if code != http.StatusOK {
		t.Errorf("forced POST /quota: %d %q", code, body)
	}
	doc := getJSON(t, tm.srv.URL+"/master/quota")
	if n := len(jpath(t, doc, "configs").([]any)); n != 4 {
		t.Errorf("GET /quota has %d configs, want 4: %v", n, doc)
	}
	if code, body := httpDo(t, "DELETE", tm.srv.URL+"/master/quota/qa", "", ""); code != http.StatusOK {
		t.Errorf("DELETE /quota/qa: %d %s", code, body)
	}
	if code, body := httpDo(t, "DELETE", tm.srv.URL+"/master/quota/qa", "", ""); code != 400 || !strings.Contains(body, "has no quota set") {
		t.Errorf("DELETE /quota/qa again: %d %s", code, body)
	}
	remove := callOf(masterpb.Call_REMOVE_QUOTA)
	remove.RemoveQuota = &masterpb.Call_RemoveQuota{Role: proto.String("ops")}
	mustDo(t, tm, httpapi.JSON, remove, http.StatusOK)
	st = mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_QUOTA)).GetGetQuota().GetStatus()
	if len(st.GetConfigs()) != 2 {
		t.Errorf("after removals: %v", st)
	}
	roles := getJSON(t, tm.srv.URL+"/master/roles")
	if g := jpath(t, roles, "roles", "1", "quota", "guarantee", "cpus"); g != 1.0 {
		t.Errorf("/roles quota of eng: %v (%v)", g, roles)
	}
}

func TestMaintenance(t *testing.T) {
	alloc := newRecording()
	tm := startMaster(t, func(c *Config) { c.Allocator = alloc })
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	machine := &mesospb.MachineID{Hostname: proto.String("agent-host"), Ip: proto.String("127.0.0.1")}
	start := time.Now().Add(time.Hour)
	schedule := &maintenancepb.Schedule{Windows: []*maintenancepb.Window{{
		MachineIds:     []*mesospb.MachineID{machine},
		Unavailability: &mesospb.Unavailability{Start: &mesospb.TimeInfo{Nanoseconds: proto.Int64(start.UnixNano())}},
	}}}
	update := callOf(masterpb.Call_UPDATE_MAINTENANCE_SCHEDULE)
	update.UpdateMaintenanceSchedule = &masterpb.Call_UpdateMaintenanceSchedule{Schedule: schedule}
	mustDo(t, tm, httpapi.Protobuf, update, http.StatusOK)
	alloc.waitEvent(t, "UnavailabilityUpdated", func(e *allocator.Event) bool {
		u := e.GetUnavailabilityUpdated()
		return u.GetAgentId() == agent.id && u.GetUnavailability().GetStart().GetNanoseconds() == start.UnixNano()
	})
	got := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_MAINTENANCE_SCHEDULE)).GetGetMaintenanceSchedule().GetSchedule()
	if !proto.Equal(got, schedule) {
		t.Fatalf("GET_MAINTENANCE_SCHEDULE %v", got)
	}
	st := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_MAINTENANCE_STATUS)).GetGetMaintenanceStatus().GetStatus()
	if len(st.GetDrainingMachines()) != 1 || len(st.GetDownMachines()) != 0 {
		t.Fatalf("GET_MAINTENANCE_STATUS %v", st)
	}
	doc := getJSON(t, tm.srv.URL+"/master/maintenance/schedule")
	if jpath(t, doc, "windows", "0", "machine_ids", "0", "hostname") != "agent-host" {
		t.Errorf("GET /maintenance/schedule %v", doc)
	}

	// An unscheduled machine cannot go down; a scheduled one can, and its
	// agent is shut down and removed.
	if code, body := httpDo(t, "POST", tm.srv.URL+"/master/machine/down", "application/json",
		`[{"hostname":"elsewhere","ip":"10.0.0.1"}]`); code != 400 || !strings.Contains(body, "not part of a maintenance schedule") {
		t.Errorf("down of an unscheduled machine: %d %q", code, body)
	}
	code, body := httpDo(t, "POST", tm.srv.URL+"/master/machine/down", "application/json", `[{"hostname":"agent-host","ip":"127.0.0.1"}]`)
	if code != http.StatusOK {
		t.Fatalf("/machine/down: %d %s", code, body)
	}
	shutdown := agent.next("SHUTDOWN", agentmasterpb.AgentEvent_SHUTDOWN)
	if !strings.Contains(shutdown.GetShutdown().GetMessage(), "Machine DOWN") {
		t.Errorf("SHUTDOWN %v", shutdown)
	}
	eventually(t, "the agent removed", func() bool {
		return len(mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetAgents()) == 0
	})
	ms := getJSON(t, tm.srv.URL+"/master/maintenance/status")
	if jpath(t, ms, "down_machines", "0", "ip") != "127.0.0.1" {
		t.Errorf("/maintenance/status %v", ms)
	}
	// No agent registers on a DOWN machine.
	sub := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("agent-host")},
		Address:   &mesospb.Address{Ip: proto.String("127.0.0.1"), Port: proto.Int32(5051)},
	}}
	if code, _ := status(t, post(t, tm.srv.URL+AgentAPIPath, httpapi.Protobuf, sub, nil)); code != http.StatusForbidden {
		t.Errorf("registering on a DOWN machine: %d, want 403", code)
	}
	// A DOWN machine cannot leave the schedule; STOP_MAINTENANCE brings it up.
	mustDo(t, tm, httpapi.JSON, update, http.StatusOK) // same schedule: fine
	empty := callOf(masterpb.Call_UPDATE_MAINTENANCE_SCHEDULE)
	empty.UpdateMaintenanceSchedule = &masterpb.Call_UpdateMaintenanceSchedule{Schedule: &maintenancepb.Schedule{}}
	if code, body := operatorStatus(t, tm, httpapi.JSON, empty); code != 400 || !strings.Contains(body, "deactivated") {
		t.Errorf("dropping a DOWN machine: %d %q", code, body)
	}
	stop := callOf(masterpb.Call_STOP_MAINTENANCE)
	stop.StopMaintenance = &masterpb.Call_StopMaintenance{Machines: []*mesospb.MachineID{machine}}
	mustDo(t, tm, httpapi.JSON, stop, http.StatusOK)
	if s := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_MAINTENANCE_SCHEDULE)).GetGetMaintenanceSchedule().GetSchedule(); len(s.GetWindows()) != 0 {
		t.Errorf("schedule after STOP_MAINTENANCE %v", s)
	}
	registerAgent(t, tm, "cpus:1;mem:64", nil)
	startM := callOf(masterpb.Call_START_MAINTENANCE)
	startM.StartMaintenance = &masterpb.Call_StartMaintenance{Machines: []*mesospb.MachineID{machine}}
	if code, _ := operatorStatus(t, tm, httpapi.JSON, startM); code != 400 {
		t.Errorf("START_MAINTENANCE of an unscheduled machine: %d", code)
	}
	if code, _ := httpDo(t, "POST", tm.srv.URL+"/master/machine/up", "application/json", `not json`); code != 400 {
		t.Errorf("/machine/up with a bad body: %d", code)
	}
}

func TestMarkAgentGone(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("pa", mesospb.FrameworkInfo_Capability_PARTITION_AWARE))
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_RUNNING, uuid.New().Bytes())
	s.nextUpdate("t1")

	gone := callOf(masterpb.Call_MARK_AGENT_GONE)
	gone.MarkAgentGone = &masterpb.Call_MarkAgentGone{AgentId: agentIDProto(agent.id)}
	mustDo(t, tm, httpapi.JSON, gone, http.StatusOK)
	agent.next("SHUTDOWN", agentmasterpb.AgentEvent_SHUTDOWN)
	if st := s.nextUpdate("t1"); st.GetState() != mesospb.TaskState_TASK_GONE_BY_OPERATOR || st.GetReason() != mesospb.TaskStatus_REASON_AGENT_REMOVED_BY_OPERATOR {
		t.Errorf("task on the gone agent: %v", st)
	}
	s.events.next(t, "FAILURE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_FAILURE })
	// Again: already gone is fine. Unknown: 404.
	mustDo(t, tm, httpapi.Protobuf, gone, http.StatusOK)
	unknown := callOf(masterpb.Call_MARK_AGENT_GONE)
	unknown.MarkAgentGone = &masterpb.Call_MarkAgentGone{AgentId: agentIDProto("nope")}
	if code, _ := operatorStatus(t, tm, httpapi.JSON, unknown); code != http.StatusNotFound {
		t.Errorf("unknown agent: %d, want 404", code)
	}
	// It may never come back.
	sub := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("agent-host"), Id: agentIDProto(agent.id)},
		Address:   &mesospb.Address{Ip: proto.String("127.0.0.1"), Port: proto.Int32(5051)},
	}}
	if code, _ := status(t, post(t, tm.srv.URL+AgentAPIPath, httpapi.Protobuf, sub, nil)); code != http.StatusForbidden {
		t.Errorf("a gone agent re-registering: %d, want 403", code)
	}
	// Reconciliation knows it is gone.
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_RECONCILE.Enum(), Reconcile: &schedulerpb.Call_Reconcile{Tasks: []*schedulerpb.Call_Reconcile_Task{
		{TaskId: &mesospb.TaskID{Value: proto.String("other")}, AgentId: agentIDProto(agent.id)},
	}}})
	if st := s.nextUpdate("other"); st.GetState() != mesospb.TaskState_TASK_GONE_BY_OPERATOR {
		t.Errorf("reconciling on a gone agent: %v", st)
	}
}

func TestDrainAgent(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:2;mem:512", withAgentCapabilities(mesospb.AgentInfo_Capability_AGENT_DRAINING))
	plain := registerAgent(t, tm, "cpus:1;mem:64", func(s *agentmasterpb.AgentCall_Subscribe) { s.AgentInfo.Hostname = proto.String("plain") })
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("drained"))
	offer := s.offerOn(agent.id)
	task := commandTask(t, "t1", offer, "cpus:1")
	task.KillPolicy = &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(time.Minute))}}
	s.mustSend(launchCall(offer, task))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_RUNNING, uuid.New().Bytes())
	s.nextUpdate("t1")

	drain := callOf(masterpb.Call_DRAIN_AGENT)
	drain.DrainAgent = &masterpb.Call_DrainAgent{AgentId: agentIDProto(agent.id), MaxGracePeriod: durationpb.New(5 * time.Second)}
	mustDo(t, tm, httpapi.JSON, drain, http.StatusOK)
	kill := agent.next("KILL_TASK", agentmasterpb.AgentEvent_KILL_TASK)
	if g := kill.GetKillTask().GetKillPolicy().GetGracePeriod().GetNanoseconds(); g != int64(5*time.Second) {
		t.Errorf("kill grace period %v, want the drain's 5s", time.Duration(g))
	}
	a := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetAgents()
	for _, x := range a {
		if x.GetAgentInfo().GetId().GetValue() == agent.id && (x.GetActive() || !x.GetDeactivated() || x.GetDrainInfo().GetState() != mesospb.DrainState_DRAINING) {
			t.Errorf("draining agent %v", x)
		}
	}
	// Reactivating a draining agent is refused.
	reactivate := callOf(masterpb.Call_REACTIVATE_AGENT)
	reactivate.ReactivateAgent = &masterpb.Call_ReactivateAgent{AgentId: agentIDProto(agent.id)}
	if code, body := operatorStatus(t, tm, httpapi.JSON, reactivate); code != 400 || !strings.Contains(body, "DRAINING") {
		t.Errorf("reactivating while draining: %d %q", code, body)
	}
	agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_KILLED, uuid.New().Bytes())
	eventually(t, "the agent drained", func() bool {
		for _, x := range mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetAgents() {
			if x.GetAgentInfo().GetId().GetValue() == agent.id {
				return x.GetDrainInfo().GetState() == mesospb.DrainState_DRAINED
			}
		}
		return false
	})
	mustDo(t, tm, httpapi.Protobuf, reactivate, http.StatusOK)

	// An agent that cannot drain, and an unknown one.
	drain.DrainAgent.AgentId = agentIDProto(plain.id)
	if code, body := operatorStatus(t, tm, httpapi.JSON, drain); code != 400 || !strings.Contains(body, "not capable of draining") {
		t.Errorf("draining an incapable agent: %d %q", code, body)
	}
	drain.DrainAgent.AgentId = agentIDProto("nope")
	if code, body := operatorStatus(t, tm, httpapi.JSON, drain); code != 400 || !strings.Contains(body, "Unknown agent") {
		t.Errorf("draining an unknown agent: %d %q", code, body)
	}
}

func TestDrainAndMarkGone(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:2;mem:512", withAgentCapabilities(mesospb.AgentInfo_Capability_AGENT_DRAINING))
	drain := callOf(masterpb.Call_DRAIN_AGENT)
	drain.DrainAgent = &masterpb.Call_DrainAgent{AgentId: agentIDProto(agent.id), MarkGone: proto.Bool(true)}
	mustDo(t, tm, httpapi.JSON, drain, http.StatusOK)
	// No task: drained at once, then gone.
	agent.next("SHUTDOWN", agentmasterpb.AgentEvent_SHUTDOWN)
	eventually(t, "the agent gone", func() bool {
		var gone bool
		onLoop(t, tm, func() { _, gone = tm.goneAgents[agent.id] })
		return gone
	})
}

func TestDeactivateReactivate(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("watcher"))
	offer := s.nextOffer()
	deactivate := callOf(masterpb.Call_DEACTIVATE_AGENT)
	deactivate.DeactivateAgent = &masterpb.Call_DeactivateAgent{AgentId: agentIDProto(agent.id)}
	mustDo(t, tm, httpapi.JSON, deactivate, http.StatusOK)
	ev := s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	if ev.GetRescind().GetOfferId().GetValue() != offer.GetId().GetValue() {
		t.Fatalf("rescinded %v", ev)
	}
	state := getJSON(t, tm.srv.URL+"/master/state")
	if jpath(t, state, "deactivated_slaves") != 1.0 || jpath(t, state, "slaves", "0", "deactivated") != true {
		t.Errorf("state after DEACTIVATE_AGENT: deactivated_slaves %v", jpath(t, state, "deactivated_slaves"))
	}
	reactivate := callOf(masterpb.Call_REACTIVATE_AGENT)
	reactivate.ReactivateAgent = &masterpb.Call_ReactivateAgent{AgentId: agentIDProto(agent.id)}
	mustDo(t, tm, httpapi.JSON, reactivate, http.StatusOK)
	s.offerOn(agent.id)
	if code, body := operatorStatus(t, tm, httpapi.JSON, reactivate); code != 400 || !strings.Contains(body, "not deactivated") {
		t.Errorf("reactivating an active agent: %d %q", code, body)
	}
	deactivate.DeactivateAgent.AgentId = agentIDProto("nope")
	if code, _ := operatorStatus(t, tm, httpapi.JSON, deactivate); code != 400 {
		t.Errorf("deactivating an unknown agent: %d", code)
	}
}
