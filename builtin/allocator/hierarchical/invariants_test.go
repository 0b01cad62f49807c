package hierarchical

import (
	"fmt"
	"testing"

	"github.com/gomesos/mesos/core/resources"
)

// checkInvariants recomputes the allocator's derived state from the
// agents' allocation entries and compares.
func checkInvariants(t *testing.T, h *HierarchicalDRF) {
	t.Helper()
	type key struct{ fw, role string }
	perClient := map[key]resources.Quantities{}
	perRole := map[string]resources.Quantities{} // own allocations, not subtree
	consumed := map[string]resources.Quantities{}
	var headroomAlloc, total resources.Quantities
	for _, a := range h.agentList {
		if h.agents[a.id] != a || h.agentList[a.idx] != a {
			t.Fatalf("agent %s: index broken", a.id)
		}
		total = total.Add(resources.ScalarQuantitiesOf(a.total))
		var sum resources.Resources
		for i := range a.allocs {
			e := &a.allocs[i]
			r := e.res()
			if r.IsEmpty() {
				t.Errorf("agent %s: empty entry for %s/%s", a.id, e.fw, e.role)
			}
			if !e.q.Equal(resources.ScalarQuantitiesOf(r)) {
				t.Errorf("agent %s: entry %s/%s caches %s, holds %s", a.id, e.fw, e.role, e.q, resources.ScalarQuantitiesOf(r))
			}
			sum = sum.Add(r.NonShared())
			if h.frameworks[e.fw] == nil {
				if _, ok := h.orphans[e.fw][a]; !ok {
					t.Errorf("agent %s: resources of unknown framework %s not indexed", a.id, e.fw)
				}
				continue
			}
			k := key{e.fw, e.role}
			perClient[k] = perClient[k].Add(e.q)
			perRole[e.role] = perRole[e.role].Add(e.q)
			hq := headroomQuantities(r)
			headroomAlloc = headroomAlloc.Add(hq)
			for rr := h.roles.get(e.role); rr != nil && rr.parent != nil; rr = rr.parent {
				consumed[rr.name] = consumed[rr.name].Add(hq)
			}
		}
		if want := a.totalNS.Subtract(sum); !a.avail.Equal(want) {
			t.Errorf("agent %s: free %s, want %s", a.id, a.avail, want)
		}
	}
	if !total.Equal(h.totalQ) {
		t.Errorf("cluster total %s, agents sum to %s", h.totalQ, total)
	}
	if !headroomAlloc.Equal(h.headroomAlloc) {
		t.Errorf("allocated headroom %s, entries sum to %s", h.headroomAlloc, headroomAlloc)
	}
	for _, f := range h.frameworks {
		for role, fr := range f.byRole {
			if got, want := fr.leaf.alloc, perClient[key{f.id, role}]; !got.Equal(want) {
				t.Errorf("framework %s in %s: sorter holds %s, entries %s", f.id, role, got, want)
			}
			if fr.leaf.inLive != (f.active && f.subscribed(role) && !f.suppressed[role]) {
				t.Errorf("framework %s in %s: live %v", f.id, role, fr.leaf.inLive)
			}
		}
	}
	for name, r := range h.roles.roles {
		own := perRole[name]
		if !r.self.alloc.Equal(own) {
			t.Errorf("role %s: self leaf holds %s, frameworks %s", name, r.self.alloc, own)
		}
		if !r.consumed.Equal(consumed[name]) {
			t.Errorf("role %s: consumed %s, entries %s", name, r.consumed, consumed[name])
		}
		if r.parent != h.roles.root && h.roles.roles[r.parent.name] != r.parent {
			t.Errorf("role %s: parent %s not tracked", name, r.parent.name)
		}
	}
}

// TestInvariantsUnderRandomEvents runs random scenarios (the memo
// comparison's) and checks the bookkeeping after every cycle.
func TestInvariantsUnderRandomEvents(t *testing.T) {
	for seed := range uint64(20) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { memoDiff(t, seed, true) })
	}
}
