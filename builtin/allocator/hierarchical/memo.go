package hierarchical

import "slices"

// When every framework refuses an agent (filters from declined offers,
// minimum allocatable resources, capabilities), walking all roles and
// frameworks for it costs O(frameworks), and clusters in which schedulers
// decline with long filters would repeat that walk for every agent in
// every cycle (as Mesos does). The agent's memo records such a walk.
//
// Refusals are monotone: a framework that refused an offer refuses any
// part of it (a filter containing the offer contains its parts; an offer
// below the minimum has parts below it; capabilities do not depend on
// amounts). So while the agent's resources, the quota and the clock (up to
// the first expiry of the refusing filters) stay as they were, only
// frameworks that changed since may take the agent: those that started
// wanting offers, lost filters, or changed capabilities or minimums. The
// allocator logs them (changed), and a memoized agent only offers to the
// ones logged since its walk, in DRF order, which gives what the full walk
// would. Frameworks that stopped wanting offers need no logging: fewer
// takers cannot make a refused agent wanted.
//
// Walks are not memoized while quota shapes offers (limits, headroom,
// stage 1): what is offered then depends on the rest of the cluster.
type agentMemo struct {
	valid        bool
	agentVersion uint64 // agent.version at the walk
	policy       uint64 // sorterState.policy at the walk
	seq          uint64 // change-log position at the walk (or last re-check)
	until        int64  // first expiry of a refusing filter
}

// maxChangeLog bounds the change log; memos older than what it holds
// fall back to a full walk.
const maxChangeLog = 1 << 12

// changed logs that fr may now take offers it refused before.
func (h *HierarchicalDRF) changed(fr *frameworkRole) {
	if len(h.changes) >= maxChangeLog {
		half := len(h.changes) / 2
		n := copy(h.changes, h.changes[half:])
		clear(h.changes[n:])
		h.changes = h.changes[:n]
		h.changeBase += uint64(half)
	}
	h.changes = append(h.changes, fr)
}

func (h *HierarchicalDRF) changeSeq() uint64 { return h.changeBase + uint64(len(h.changes)) }

func (h *HierarchicalDRF) memoUsable(q *cycleQuota) bool {
	return !h.noMemo && !q.stage1 && q.required.IsEmpty() && h.roles.limited == 0
}

// recheckList returns the live framework roles logged since a's memo, in
// DRF order, and whether the memo holds at all. A long list makes a full
// walk the better choice (ok false).
func (h *HierarchicalDRF) recheckList(a *agent) ([]*frameworkRole, bool) {
	m := &a.memo
	if !m.valid || m.agentVersion != a.version || m.policy != h.st.policy ||
		h.now >= m.until || m.seq < h.changeBase {
		return nil, false
	}
	log := h.changes[m.seq-h.changeBase:]
	if len(log) > 32 && len(log) > len(h.frameworks)/4 {
		return nil, false
	}
	h.stamp++
	var out []*frameworkRole
	for _, fr := range log {
		if fr.leaf.inLive && fr.leaf.stamp != h.stamp {
			fr.leaf.stamp = h.stamp
			out = append(out, fr)
		}
	}
	slices.SortFunc(out, func(x, y *frameworkRole) int {
		if x.role != y.role {
			return cmpOrder(x.role.self, y.role.self)
		}
		if less(x.leaf, y.leaf) {
			return -1
		}
		return 1
	})
	return out, true
}

// recheck offers a to the framework roles of list, in order.
func (h *HierarchicalDRF) recheck(a *agent, list []*frameworkRole, q *cycleQuota) {
	for _, fr := range list {
		r := fr.role
		if (!a.hierarchicalRole && isHierarchical(r.name)) || !a.hasFor(r.name) {
			continue
		}
		h.offerToFramework(a, fr, 2, q)
		if a.exhausted() {
			return
		}
	}
}
