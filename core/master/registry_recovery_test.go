package master

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/registry"
)

// fileRegistrar opens the file store of dir (--registry=replicated_log)
// and a registrar over it; close releases both, so that the next master
// can take the store's lock.
func fileRegistrar(t *testing.T, dir string) (*registry.Registrar, func()) {
	t.Helper()
	store, err := registry.OpenStore(registry.KindReplicatedLog, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := registry.New(registry.Config{Store: store})
	closed := false
	closeAll := func() {
		if !closed {
			closed = true
			r.Close()
			store.Close()
		}
	}
	t.Cleanup(closeAll)
	return r, closeAll
}

// reregister subscribes again as the agent with this id.
func reregister(t *testing.T, tm *testMaster, id, res string) *testAgent {
	t.Helper()
	a := registerAgent(t, tm, res, func(s *agentmasterpb.AgentCall_Subscribe) { s.AgentInfo.Id = agentIDProto(id) })
	if a.id != id {
		t.Fatalf("re-registered as %s, want %s", a.id, id)
	}
	return a
}

// TestRegistryAcrossRestart: what the registry holds survives the master:
// admitted agents that come back are taken back, those that do not are
// marked unreachable after --agent_reregister_timeout (frameworks get a
// FAILURE), and weights, quota and the maintenance schedule come back and
// reach the new allocator.
func TestRegistryAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	reg1, close1 := fileRegistrar(t, dir)
	m1 := runMaster(t, Config{Registrar: reg1})
	staying := registerAgent(t, m1.testMaster, "cpus:2;mem:512", nil)
	leaving := registerAgent(t, m1.testMaster, "cpus:2;mem:512", func(s *agentmasterpb.AgentCall_Subscribe) {
		s.AgentInfo.Hostname = proto.String("leaving-host")
	})
	weights := callOf(masterpb.Call_UPDATE_WEIGHTS)
	weights.UpdateWeights = &masterpb.Call_UpdateWeights{WeightInfos: []*mesospb.WeightInfo{{Role: proto.String("eng"), Weight: proto.Float64(2)}}}
	mustDo(t, m1.testMaster, httpapi.JSON, weights, http.StatusOK)
	quota := callOf(masterpb.Call_UPDATE_QUOTA)
	quota.UpdateQuota = &masterpb.Call_UpdateQuota{QuotaConfigs: []*quotapb.QuotaConfig{{
		Role: proto.String("eng"), Guarantees: map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(1)}},
	}}}
	mustDo(t, m1.testMaster, httpapi.JSON, quota, http.StatusOK)
	schedule := callOf(masterpb.Call_UPDATE_MAINTENANCE_SCHEDULE)
	schedule.UpdateMaintenanceSchedule = &masterpb.Call_UpdateMaintenanceSchedule{Schedule: &maintenancepb.Schedule{Windows: []*maintenancepb.Window{{
		MachineIds:     []*mesospb.MachineID{{Hostname: proto.String("elsewhere"), Ip: proto.String("10.0.0.9")}},
		Unavailability: &mesospb.Unavailability{Start: &mesospb.TimeInfo{Nanoseconds: proto.Int64(1)}},
	}}}}
	mustDo(t, m1.testMaster, httpapi.JSON, schedule, http.StatusOK)
	m1.stop()
	if m1.err != nil {
		t.Fatalf("first master: %v", m1.err)
	}
	close1()

	reg2, _ := fileRegistrar(t, dir)
	alloc := newRecording()
	m2 := runMaster(t, Config{Registrar: reg2, Allocator: alloc, AgentReregisterTimeout: 3 * time.Second})
	tm := m2.testMaster
	eventually(t, "Initialize", func() bool { return alloc.initRequest() != nil })
	init := alloc.initRequest()
	if len(init.GetWeights()) != 1 || init.GetWeights()[0].GetWeight() != 2 {
		t.Errorf("Initialize weights %v", init.GetWeights())
	}
	if len(init.GetQuotas()) != 1 || init.GetQuotas()[0].GetGuarantees()["cpus"].GetValue() != 1 {
		t.Errorf("Initialize quotas %v", init.GetQuotas())
	}
	recovered := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetRecoveredAgents()
	if len(recovered) != 2 {
		t.Fatalf("recovered agents %v", recovered)
	}
	if n := len(getJSON(t, tm.srv.URL+"/master/state")["recovered_slaves"].([]any)); n != 2 {
		t.Errorf("recovered_slaves: %d", n)
	}

	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("observer"))
	reregister(t, tm, staying.id, "cpus:2;mem:512")
	ev := s.events.next(t, "FAILURE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_FAILURE })
	if ev.GetFailure().GetAgentId().GetValue() != leaving.id {
		t.Fatalf("FAILURE for %v, want %s", ev.GetFailure().GetAgentId(), leaving.id)
	}
	state := getJSON(t, tm.srv.URL+"/master/state")
	if state["unreachable_slaves"] != 1.0 || len(state["recovered_slaves"].([]any)) != 0 || len(state["slaves"].([]any)) != 1 {
		t.Errorf("after the timeout: unreachable %v recovered %v slaves %v", state["unreachable_slaves"], state["recovered_slaves"], len(state["slaves"].([]any)))
	}
	metrics, err := tm.snapshotMetrics(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if metrics["master/recovery_slave_removals"] != 1 || metrics["master/slave_reregistrations"] != 1 {
		t.Errorf("recovery_slave_removals %v, slave_reregistrations %v", metrics["master/recovery_slave_removals"], metrics["master/slave_reregistrations"])
	}
	stored, err := reg2.Registry()
	if err != nil {
		t.Fatal(err)
	}
	if u := stored.GetUnreachable().GetAgents(); len(u) != 1 || u[0].GetId().GetValue() != leaving.id {
		t.Errorf("registry unreachable list %v", u)
	}
	if ws := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_WEIGHTS)).GetGetWeights().GetWeightInfos(); len(ws) != 1 {
		t.Errorf("GET_WEIGHTS after restart %v", ws)
	}
	if qs := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_QUOTA)).GetGetQuota().GetStatus().GetConfigs(); len(qs) != 1 {
		t.Errorf("GET_QUOTA after restart %v", qs)
	}
	if w := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_MAINTENANCE_SCHEDULE)).GetGetMaintenanceSchedule().GetSchedule().GetWindows(); len(w) != 1 {
		t.Errorf("schedule after restart %v", w)
	}

	// The unreachable agent comes back: reachable again, in the registry too.
	reregister(t, tm, leaving.id, "cpus:2;mem:512")
	if n := getJSON(t, tm.srv.URL+"/master/state")["unreachable_slaves"]; n != 0.0 {
		t.Errorf("unreachable_slaves after it came back: %v", n)
	}
	stored, _ = reg2.Registry()
	if len(stored.GetUnreachable().GetAgents()) != 0 || len(stored.GetAgents().GetAgents()) != 2 {
		t.Errorf("registry after it came back: %v", stored)
	}
}

// TestUnreachableAgentPersisted: an agent that stops answering pings is
// unreachable in the registry, and reachable again when it comes back.
func TestUnreachableAgentPersisted(t *testing.T) {
	reg, _ := fileRegistrar(t, t.TempDir())
	rm := runMaster(t, Config{Registrar: reg, AgentPingTimeout: 30 * time.Millisecond, MaxAgentPingTimeouts: 2})
	tm := rm.testMaster
	agent := registerAgent(t, tm, "cpus:1;mem:64", nil) // never answers PING
	eventually(t, "the agent unreachable in the registry", func() bool {
		stored, err := reg.Registry()
		return err == nil && len(stored.GetUnreachable().GetAgents()) == 1
	})
	eventually(t, "the agent removed", func() bool {
		return getJSON(t, tm.srv.URL+"/master/state")["unreachable_slaves"] == 1.0
	})
	reregister(t, tm, agent.id, "cpus:1;mem:64")
	stored, _ := reg.Registry()
	if len(stored.GetUnreachable().GetAgents()) != 0 || len(stored.GetAgents().GetAgents()) != 1 {
		t.Errorf("registry after re-registration %v", stored)
	}
}

// brokenStore cannot be read.
type brokenStore struct{}

func (brokenStore) Get(context.Context) (*registry.Snapshot, error) {
	return nil, errors.New("disk on fire")
}
func (brokenStore) Set(context.Context, []byte, registry.Version) error {
	return errors.New("disk on fire")
}
func (brokenStore) Close() error { return nil }

func TestMasterRefusesToStartWithoutRegistry(t *testing.T) {
	rm := runMaster(t, Config{Registrar: registry.New(registry.Config{Store: brokenStore{}})})
	select {
	case <-rm.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the master started without its registry")
	}
	if rm.err == nil || !strings.Contains(rm.err.Error(), "disk on fire") {
		t.Fatalf("Run: %v", rm.err)
	}
}

// TestRecoveryRemovalLimit: too many agents missing after a restart stops
// the master rather than mark them all unreachable.
func TestRecoveryRemovalLimit(t *testing.T) {
	dir := t.TempDir()
	reg1, close1 := fileRegistrar(t, dir)
	m1 := runMaster(t, Config{Registrar: reg1})
	registerAgent(t, m1.testMaster, "cpus:1;mem:64", nil)
	m1.stop()
	close1()
	reg2, _ := fileRegistrar(t, dir)
	m2 := runMaster(t, Config{Registrar: reg2, AgentReregisterTimeout: 100 * time.Millisecond, RecoveryAgentRemovalLimit: 0.5})
	select {
	case <-m2.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the master went on")
	}
	if m2.err == nil || !strings.Contains(m2.err.Error(), "removal limit") {
		t.Fatalf("Run: %v", m2.err)
	}
}

// TestRegistryGC: gone and unreachable agents are pruned from the registry
// after --registry_max_agent_age.
func TestRegistryGC(t *testing.T) {
	reg, _ := fileRegistrar(t, t.TempDir())
	rm := runMaster(t, Config{Registrar: reg, RegistryGCInterval: 50 * time.Millisecond, RegistryMaxAgentAge: time.Nanosecond})
	tm := rm.testMaster
	agent := registerAgent(t, tm, "cpus:1;mem:64", nil)
	gone := callOf(masterpb.Call_MARK_AGENT_GONE)
	gone.MarkAgentGone = &masterpb.Call_MarkAgentGone{AgentId: agentIDProto(agent.id)}
	mustDo(t, tm, httpapi.JSON, gone, http.StatusOK)
	eventually(t, "the gone agent pruned", func() bool {
		stored, err := reg.Registry()
		var known bool
		onLoop(t, tm, func() { _, known = tm.goneAgents[agent.id] })
		return err == nil && len(stored.GetGone().GetAgents()) == 0 && !known
	})
}
