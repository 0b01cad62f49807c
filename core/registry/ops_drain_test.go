package registry

import (
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

func TestDrainOperations(t *testing.T) {
	reg := &registrypb.Registry{}
	for _, id := range []string{"S1", "S2"} {
		wantChanged(t, reg, &AdmitAgent{Info: agentInfo(id)}, true)
	}
	wantRefused(t, reg, &DrainAgent{AgentID: agentID("S9")}, "Failed to find agent S9")
	wantRefused(t, reg, &MarkAgentDrained{AgentID: agentID("S1")}, "Agent S1 is not DRAINING")

	wantChanged(t, reg, &DrainAgent{AgentID: agentID("S1"), MaxGracePeriod: time.Minute}, true)
	wantChanged(t, reg, &DrainAgent{AgentID: agentID("S1"), MaxGracePeriod: time.Minute}, false)
	a := reg.Agents.Agents[0]
	if a.GetDrainInfo().GetConfig().GetMaxGracePeriod().GetNanoseconds() != int64(time.Minute) || !a.GetDeactivated() {
		t.Fatalf("drained agent = %v", a)
	}
	if !hasMinimumCapability(reg, mesospb.MasterInfo_Capability_AGENT_DRAINING) {
		t.Fatal("AGENT_DRAINING not recorded as a minimum capability")
	}
	wantChanged(t, reg, &MarkAgentDrained{AgentID: agentID("S1")}, true)
	if reg.Agents.Agents[0].GetDrainInfo().GetState() != mesospb.DrainState_DRAINED {
		t.Fatal("not DRAINED")
	}
	wantRefused(t, reg, &MarkAgentDrained{AgentID: agentID("S1")}, "Agent S1 is not DRAINING")

	// Deactivate S2 (unreachable), then reactivate both: the capability
	// goes with the last deactivated agent.
	wantChanged(t, reg, &MarkAgentUnreachable{AgentID: agentID("S2"), Time: t0}, true)
	wantChanged(t, reg, &DeactivateAgent{AgentID: agentID("S2")}, true)
	wantChanged(t, reg, &DeactivateAgent{AgentID: agentID("S2")}, false)
	wantChanged(t, reg, &ReactivateAgent{AgentID: agentID("S1")}, true)
	if !hasMinimumCapability(reg, mesospb.MasterInfo_Capability_AGENT_DRAINING) {
		t.Fatal("AGENT_DRAINING dropped while S2 is still deactivated")
	}
	wantChanged(t, reg, &ReactivateAgent{AgentID: agentID("S2")}, true)
	if hasMinimumCapability(reg, mesospb.MasterInfo_Capability_AGENT_DRAINING) {
		t.Fatal("AGENT_DRAINING kept with no deactivated agent")
	}
	wantChanged(t, reg, &ReactivateAgent{AgentID: agentID("S2")}, false)
	if a := reg.Agents.Agents[0]; a.DrainInfo != nil || a.Deactivated != nil {
		t.Fatalf("reactivated agent keeps drain state: %v", a)
	}
}
