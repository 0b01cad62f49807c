package master

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
)

// TestRecoveredAgentReregistersWithoutRegistryWrite: after a restart (or
// failover) an agent the registry already admits comes back without any
// registry operation when its AgentInfo is unchanged, so thousands of
// agents re-registering at once do not queue on the registrar; one whose
// info changed is updated in the registry (one operation, one write).
func TestRecoveredAgentReregistersWithoutRegistryWrite(t *testing.T) {
	dir := t.TempDir()
	reg1, close1 := fileRegistrar(t, dir)
	m1 := runMaster(t, Config{Registrar: reg1})
	same := registerAgent(t, m1.testMaster, "cpus:2;mem:512", nil)
	grown := registerAgent(t, m1.testMaster, "cpus:2;mem:512", func(s *agentmasterpb.AgentCall_Subscribe) {
		s.AgentInfo.Hostname = proto.String("grown-host")
	})
	m1.stop()
	close1()

	reg2, _ := fileRegistrar(t, dir)
	m2 := runMaster(t, Config{Registrar: reg2})
	eventually(t, "the registry recovered", func() bool { return reg2.Stats().Recovered })
	writes, ops := reg2.Stats().Writes, reg2.Stats().Operations

	reregister(t, m2.testMaster, same.id, "cpus:2;mem:512")
	if st := reg2.Stats(); st.Writes != writes || st.Operations != ops {
		t.Errorf("an unchanged agent's re-registration: %d writes and %d operations, want %d and %d", st.Writes, st.Operations, writes, ops)
	}

	a := registerAgent(t, m2.testMaster, "cpus:4;mem:512", func(s *agentmasterpb.AgentCall_Subscribe) {
		s.AgentInfo.Id = agentIDProto(grown.id)
		s.AgentInfo.Hostname = proto.String("grown-host")
	})
	if a.id != grown.id {
		t.Fatalf("re-registered as %s, want %s", a.id, grown.id)
	}
	if st := reg2.Stats(); st.Writes != writes+1 || st.Operations != ops+1 {
		t.Errorf("a changed agent's re-registration: %d writes and %d operations, want %d and %d", st.Writes, st.Operations, writes+1, ops+1)
	}
	stored, err := reg2.Registry()
	if err != nil {
		t.Fatal(err)
	}
	var cpus float64
	for _, ra := range stored.GetAgents().GetAgents() {
		if ra.GetInfo().GetId().GetValue() == grown.id {
			for _, r := range ra.GetInfo().GetResources() {
				if r.GetName() == "cpus" {
					cpus += r.GetScalar().GetValue()
				}
			}
		}
	}
	if len(stored.GetAgents().GetAgents()) != 2 || cpus != 4 {
		t.Errorf("registry after re-registration: %d agents, grown agent's cpus %v (want 2 agents, 4 cpus)", len(stored.GetAgents().GetAgents()), cpus)
	}
	metrics, err := m2.testMaster.snapshotMetrics(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if metrics["master/slave_reregistrations"] != 2 {
		t.Errorf("slave_reregistrations %v", metrics["master/slave_reregistrations"])
	}
}
