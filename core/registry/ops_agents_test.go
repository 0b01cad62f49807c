package registry

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

func TestAdmitAgent(t *testing.T) {
	reg := &registrypb.Registry{}
	info := agentInfo("S1")
	wantChanged(t, reg, &AdmitAgent{Info: info}, true)
	wantLists(t, reg, "S1 ", "", "")

	// The registry keeps its own copy.
	info.Hostname = proto.String("changed")
	if got := reg.Agents.Agents[0].GetInfo().GetHostname(); got != "agent-S1.example.com" {
		t.Fatalf("registry aliases the caller's AgentInfo: hostname %q", got)
	}

	wantRefused(t, reg, &AdmitAgent{Info: agentInfo("S1")}, "Agent already admitted")
	wantRefused(t, reg, &AdmitAgent{Info: &mesospb.AgentInfo{Hostname: proto.String("h")}}, "AgentInfo is missing the 'id' field")
	wantRefused(t, reg, &AdmitAgent{}, "missing AgentInfo")
	noHost := agentInfo("S9")
	noHost.Hostname = nil
	if _, err := apply(t, reg, &AdmitAgent{Info: noHost}); err == nil {
		t.Fatal("admitted an AgentInfo without its required hostname")
	}

	wantChanged(t, reg, &MarkAgentUnreachable{AgentID: agentID("S1"), Time: t0}, true)
	wantRefused(t, reg, &AdmitAgent{Info: agentInfo("S1")}, "Agent S1 is unreachable; it must re-register to be admitted")
	wantChanged(t, reg, &MarkAgentGone{AgentID: agentID("S1"), Time: t0}, true)
	wantRefused(t, reg, &AdmitAgent{Info: agentInfo("S1")}, "Agent S1 has been marked gone")
}

func TestUpdateAgent(t *testing.T) {
	reg := &registrypb.Registry{}
	wantRefused(t, reg, &UpdateAgent{Info: agentInfo("S1")}, "Agent not yet admitted.")
	wantChanged(t, reg, &AdmitAgent{Info: agentInfo("S1")}, true)
	wantChanged(t, reg, &UpdateAgent{Info: agentInfo("S1")}, false)
	bigger := agentInfo("S1")
	bigger.Resources[0] = scalar("cpus", 32)
	wantChanged(t, reg, &UpdateAgent{Info: bigger}, true)
	if got := reg.Agents.Agents[0].Info.Resources[0].GetScalar().GetValue(); got != 32 {
		t.Fatalf("cpus = %v after update, want 32", got)
	}
}

func TestMarkAgentUnreachableAndReachable(t *testing.T) {
	reg := &registrypb.Registry{}
	wantRefused(t, reg, &MarkAgentUnreachable{AgentID: agentID("S1"), Time: t0}, "Agent not yet admitted")
	for _, id := range []string{"S1", "S2", "S3"} {
		wantChanged(t, reg, &AdmitAgent{Info: agentInfo(id)}, true)
	}
	wantRefused(t, reg, &MarkAgentUnreachable{AgentID: agentID("S1")}, "missing unreachable time")
	wantRefused(t, reg, &MarkAgentUnreachable{Time: t0}, "missing agent id")
	wantChanged(t, reg, &MarkAgentUnreachable{AgentID: agentID("S2"), Time: t0}, true)
	wantChanged(t, reg, &MarkAgentUnreachable{AgentID: agentID("S1"), Time: t0.Add(1)}, true)
	// Appended in marking order, whatever the timestamps.
	wantLists(t, reg, "S3 ", "S2 S1 ", "")
	if got := reg.Unreachable.Agents[1].GetTimestamp().GetNanoseconds(); got != t0.UnixNano()+1 {
		t.Fatalf("timestamp = %d, want %d", got, t0.UnixNano()+1)
	}
	wantRefused(t, reg, &MarkAgentUnreachable{AgentID: agentID("S1"), Time: t0}, "Agent not yet admitted")

	// Already admitted: no change (re-registration after failover).
	op := &MarkAgentReachable{Info: agentInfo("S3")}
	wantChanged(t, reg, op, false)
	// Unreachable: back to the end of the admitted list.
	op = &MarkAgentReachable{Info: agentInfo("S2")}
	wantChanged(t, reg, op, true)
	if op.Unknown {
		t.Fatal("Unknown set for an agent found in the unreachable list")
	}
	wantLists(t, reg, "S3 S2 ", "S1 ", "")
	// Unknown (garbage collected): admitted anyway, and reported.
	op = &MarkAgentReachable{Info: agentInfo("S7")}
	wantChanged(t, reg, op, true)
	if !op.Unknown {
		t.Fatal("Unknown not set for an agent in no list")
	}
	wantLists(t, reg, "S3 S2 S7 ", "S1 ", "")
	// Gone: never back.
	wantChanged(t, reg, &MarkAgentGone{AgentID: agentID("S1"), Time: t0}, true)
	wantRefused(t, reg, &MarkAgentReachable{Info: agentInfo("S1")}, "Agent S1 has been marked gone")
}

func TestDrainStateFollowsTheAgent(t *testing.T) {
	reg := &registrypb.Registry{}
	wantChanged(t, reg, &AdmitAgent{Info: agentInfo("S1")}, true)
	wantChanged(t, reg, &DrainAgent{AgentID: agentID("S1"), MarkGone: true}, true)
	wantChanged(t, reg, &MarkAgentUnreachable{AgentID: agentID("S1"), Time: t0}, true)
	u := reg.Unreachable.Agents[0]
	if u.GetDrainInfo().GetState() != mesospb.DrainState_DRAINING || !u.GetDeactivated() {
		t.Fatalf("unreachable entry lost the drain state: %v", u)
	}
	wantChanged(t, reg, &MarkAgentReachable{Info: agentInfo("S1")}, true)
	a := reg.Agents.Agents[0]
	if a.GetDrainInfo().GetState() != mesospb.DrainState_DRAINING || !a.GetDrainInfo().GetConfig().GetMarkGone() || !a.GetDeactivated() {
		t.Fatalf("admitted entry lost the drain state: %v", a)
	}
}

func TestMarkAgentGone(t *testing.T) {
	reg := &registrypb.Registry{}
	wantRefused(t, reg, &MarkAgentGone{AgentID: agentID("S1"), Time: t0}, "Failed to find agent S1")
	wantChanged(t, reg, &AdmitAgent{Info: agentInfo("S1")}, true)
	wantChanged(t, reg, &AdmitAgent{Info: agentInfo("S2")}, true)
	wantChanged(t, reg, &MarkAgentUnreachable{AgentID: agentID("S2"), Time: t0}, true)
	wantRefused(t, reg, &MarkAgentGone{AgentID: agentID("S1")}, "missing gone time")
	// From admitted and from unreachable.
	wantChanged(t, reg, &MarkAgentGone{AgentID: agentID("S1"), Time: t0}, true)
	wantChanged(t, reg, &MarkAgentGone{AgentID: agentID("S2"), Time: t0}, true)
	wantLists(t, reg, "", "", "S1 S2 ")
	wantRefused(t, reg, &MarkAgentGone{AgentID: agentID("S1"), Time: t0}, "Agent S1 already marked as gone")
	for _, op := range []Operation{
		&MarkAgentUnreachable{AgentID: agentID("S1"), Time: t0},
		&RemoveAgent{AgentID: agentID("S1")},
		&UpdateAgent{Info: agentInfo("S1")},
	} {
		if _, err := apply(t, reg, op); err == nil {
			t.Fatalf("%s applied to a gone agent", op)
		}
	}
}

func TestRemoveAgent(t *testing.T) {
	reg := &registrypb.Registry{}
	wantRefused(t, reg, &RemoveAgent{AgentID: agentID("S1")}, "Agent not yet admitted")
	wantRefused(t, reg, &RemoveAgent{}, "missing agent id")
	for _, id := range []string{"S1", "S2", "S3"} {
		wantChanged(t, reg, &AdmitAgent{Info: agentInfo(id)}, true)
	}
	wantChanged(t, reg, &RemoveAgent{AgentID: agentID("S2")}, true)
	wantLists(t, reg, "S1 S3 ", "", "")
	wantChanged(t, reg, &MarkAgentUnreachable{AgentID: agentID("S1"), Time: t0}, true)
	wantRefused(t, reg, &RemoveAgent{AgentID: agentID("S1")}, "Agent not yet admitted")
}
