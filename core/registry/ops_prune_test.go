package registry

import (
	"fmt"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// lists builds a registry with unreachable and gone agents marked at the
// given offsets from t0 (in order).
func lists(unreachableAt, goneAt []time.Duration) *registrypb.Registry {
	reg := &registrypb.Registry{Unreachable: &registrypb.Registry_UnreachableAgents{}, Gone: &registrypb.Registry_GoneAgents{}}
	for i, d := range unreachableAt {
		reg.Unreachable.Agents = append(reg.Unreachable.Agents, &registrypb.Registry_UnreachableAgent{
			Id: agentID(fmt.Sprintf("U%d", i)), Timestamp: timeInfo(t0.Add(d)),
		})
	}
	for i, d := range goneAt {
		reg.Gone.Agents = append(reg.Gone.Agents, &registrypb.Registry_GoneAgent{
			Id: agentID(fmt.Sprintf("G%d", i)), Timestamp: timeInfo(t0.Add(d)),
		})
	}
	return reg
}

func names(ids []*mesospb.AgentID) string {
	s := ""
	for _, id := range ids {
		s += id.GetValue() + " "
	}
	return s
}

func TestPrune(t *testing.T) {
	reg := lists([]time.Duration{0, 0, 0}, []time.Duration{0, 0})
	wantChanged(t, reg, &Prune{Unreachable: []*mesospb.AgentID{agentID("U1"), agentID("X")}, Gone: []*mesospb.AgentID{agentID("G0")}}, true)
	wantLists(t, reg, "", "U0 U2 ", "G1 ")
	// Ids no longer there are skipped (a concurrent operation moved them).
	wantChanged(t, reg, &Prune{Unreachable: []*mesospb.AgentID{agentID("U1")}}, false)
}

func TestPruneAgentsByCount(t *testing.T) {
	reg := lists([]time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}, []time.Duration{0, time.Second})
	op := &PruneAgents{Now: t0.Add(time.Hour), MaxAge: 24 * time.Hour, MaxCount: 2}
	wantChanged(t, reg, op, true)
	// The oldest go first, down to the bound.
	wantLists(t, reg, "", "U2 U3 ", "G0 G1 ")
	if names(op.RemovedUnreachable) != "U0 U1 " || len(op.RemovedGone) != 0 {
		t.Fatalf("removed %q and %q", names(op.RemovedUnreachable), names(op.RemovedGone))
	}
	wantChanged(t, reg, op, false)
	wantChanged(t, reg, &PruneAgents{Now: t0, MaxAge: time.Hour, MaxCount: 0}, true)
	wantLists(t, reg, "", "", "")
}

func TestPruneAgentsByAge(t *testing.T) {
	// Out of order timestamps (clock drift between masters): an old entry
	// behind a newer one still goes.
	reg := lists([]time.Duration{10 * time.Hour, 0, 11 * time.Hour}, []time.Duration{time.Hour, 10 * time.Hour})
	op := &PruneAgents{Now: t0.Add(12 * time.Hour), MaxAge: 5 * time.Hour, MaxCount: 100}
	wantChanged(t, reg, op, true)
	wantLists(t, reg, "", "U0 U2 ", "G1 ")
	if names(op.RemovedUnreachable) != "U1 " || names(op.RemovedGone) != "G0 " {
		t.Fatalf("removed %q and %q", names(op.RemovedUnreachable), names(op.RemovedGone))
	}
	// Exactly MaxAge old stays (Mesos removes when age > max).
	reg = lists([]time.Duration{0}, nil)
	wantChanged(t, reg, &PruneAgents{Now: t0.Add(time.Hour), MaxAge: time.Hour, MaxCount: 1}, false)

	wantRefused(t, reg, &PruneAgents{MaxAge: time.Hour}, "missing current time")
	wantRefused(t, reg, &PruneAgents{Now: t0, MaxCount: -1}, "negative bound (max age 0s, max count -1)")
	wantChanged(t, &registrypb.Registry{}, &PruneAgents{Now: t0}, false)
}
