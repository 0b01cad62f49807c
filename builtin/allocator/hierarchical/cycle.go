package hierarchical

import (
	"math"
	"slices"

	"github.com/gomesos/mesos/core/resources"
)

// A cycle, as Mesos's HierarchicalAllocatorProcess::__generateOffers:
//
//  1. Re-sort the sorters if anything changed since the last cycle
//     (events only mark them dirty).
//  2. Stage 1, only while some role with frameworks has unsatisfied quota
//     guarantees: visit the agents in random order; on each, offer to those
//     roles (in DRF order) what helps their guarantees, plus what they may
//     take alongside.
//  3. Stage 2: visit the agents in a new random order; on each, walk all
//     roles in DRF order and, within each role, its frameworks in DRF
//     order, offering each framework what is left for its role. The walk is
//     lazy: an agent used up by its first framework costs a few steps, not
//     a pass over every role.
//  4. Inverse offers for agents under maintenance.
//
// Allocating to a role or framework moves it in its sorter right away, so
// that the next agent sees the new order, as in Mesos.

func (h *HierarchicalDRF) runCycle() {
	h.stats.Cycles++
	h.cycle++
	if h.paused {
		if h.now < h.pauseDeadline {
			h.stats.PausedCycles++
			return
		}
		h.paused = false
	}
	h.resortAll()
	q := h.newCycleQuota()

	agents := make([]*agent, 0, len(h.agentList))
	for _, a := range h.agentList {
		if a.active && h.whitelisted(a) && (!a.avail.IsEmpty() || !a.shared.IsEmpty()) {
			agents = append(agents, a)
		}
	}
	if q.stage1 {
		h.shuffle(agents)
		for _, a := range agents {
			h.begin(a)
			if !a.exhausted() {
				h.stage1(a, q)
			}
		}
	}
	h.shuffle(agents)
	for _, a := range agents {
		h.begin(a)
		if !a.exhausted() {
			h.stage2(a, q)
		}
	}
	h.inverseOffers()
}

func (h *HierarchicalDRF) shuffle(agents []*agent) {
	h.rng.Shuffle(len(agents), func(i, j int) { agents[i], agents[j] = agents[j], agents[i] })
}

// resortAll recomputes every live node's share and re-sorts the role
// sorter and the framework sorters, if something changed since the last
// time. Only live subtrees are visited; others are sorted when they
// become live (which marks the state dirty again).
func (h *HierarchicalDRF) resortAll() {
	if !h.st.dirty {
		return
	}
	var rec func(n *node[*role])
	rec = func(n *node[*role]) {
		sortLive(&h.st, n)
		for i := range n.live {
			c := n.child(i)
			if c.leaf {
				sortLive(&h.st, c.item.fwRoot)
			} else {
				rec(c)
			}
		}
	}
	rec(h.roles.root.node)
	h.st.dirty = false
}

// begin prepares an agent's per-cycle state.
func (h *HierarchicalDRF) begin(a *agent) {
	if a.cycle != h.cycle {
		a.cycle = h.cycle
		a.out = a.out[:0]
		a.sharedLeft = a.shared
	}
}

// exhausted reports whether nothing on a can be offered any more this
// cycle.
func (a *agent) exhausted() bool { return a.avail.IsEmpty() && a.sharedLeft.IsEmpty() }

// stage1 offers a's resources to roles whose quota guarantees are not
// yet met, in DRF order.
func (h *HierarchicalDRF) stage1(a *agent, q *cycleQuota) {
	h.stamp++
	var cands []*node[*role]
	for r := range h.roles.guaranteed {
		if r.self.inLive && !r.unsatisfied().IsEmpty() {
			cands = append(cands, r.self)
		}
	}
	if len(cands) == 0 {
		q.stage1 = false
		return
	}
	slices.SortFunc(cands, cmpOrder)
	for _, leaf := range cands {
		leaf.stamp = h.stamp
		if h.offerToRole(a, leaf.item, 1, q) {
			return
		}
	}
}

// stage2 offers what is left on a to every role, in DRF order. An agent
// every framework refused last time is only offered to the frameworks
// that changed since (see memo.go).
func (h *HierarchicalDRF) stage2(a *agent, q *cycleQuota) {
	usable := h.memoUsable(q)
	before := h.stats.Allocations
	if usable {
		if list, ok := h.recheckList(a); ok {
			h.memoUntil = a.memo.until
			if len(list) == 0 {
				h.stats.MemoSkips++
			} else {
				h.recheck(a, list, q)
				h.stats.MemoRechecks++
			}
			if h.stats.Allocations == before {
				a.memo.seq, a.memo.until = h.changeSeq(), h.memoUntil
			} else {
				a.memo = agentMemo{}
			}
			return
		}
	}
	h.memoUntil = math.MaxInt64
	h.walkStage2(a, q)
	a.memo = agentMemo{}
	if usable && h.stats.Allocations == before {
		a.memo = agentMemo{valid: true, agentVersion: a.version, policy: h.st.policy,
			seq: h.changeSeq(), until: h.memoUntil}
	}
}

func (h *HierarchicalDRF) walkStage2(a *agent, q *cycleQuota) {
	h.stamp++
	if a.info.unreserved {
		// Unreserved resources can go to any role: walk them all, until
		// the agent is used up or only reservations remain.
		stopped := walk(h.roles.root.node, h.stamp, func(leaf *node[*role]) bool {
			return h.offerToRole(a, leaf.item, 2, q) || !a.info.unreserved
		})
		if stopped && a.exhausted() {
			return
		}
	}
	// Only reserved resources are left (shared volumes are reserved too):
	// only the reservation roles' subtrees can use them. Take their
	// frameworks in the order the walk would have.
	cands := h.reservationCandidates(a)
	for _, leaf := range cands {
		leaf.stamp = h.stamp
		if h.offerToRole(a, leaf.item, 2, q) {
			return
		}
	}
}

// reservationCandidates lists the live role leaves (not yet visited in
// this walk) in the subtrees of the roles a's free reservations belong to,
// in DRF order.
func (h *HierarchicalDRF) reservationCandidates(a *agent) []*node[*role] {
	roles := slices.Clone(a.info.reservationRoles)
	for x := range a.sharedLeft.All() {
		if r := x.ReservationRole(); r != "" && !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	var out []*node[*role]
	var collect func(n *node[*role])
	collect = func(n *node[*role]) {
		for i := range n.live {
			c := n.child(i)
			// Internal nodes may have been entered by the walk and left
			// half done: only leaves carry the "visited" mark that counts.
			switch {
			case !c.leaf:
				collect(c)
			case c.stamp != h.stamp:
				out = append(out, c)
			}
		}
	}
	for _, name := range roles {
		if r := h.roles.get(name); r != nil && r.node.inLive {
			collect(r.node)
		}
	}
	slices.SortFunc(out, cmpOrder)
	return slices.Compact(out)
}

func cmpOrder(a, b *node[*role]) int {
	switch {
	case a == b:
		return 0
	case orderLess(a, b):
		return -1
	}
	return 1
}

// offerToRole offers a's resources to the frameworks of role r, in DRF
// order, and reports whether a is used up.
func (h *HierarchicalDRF) offerToRole(a *agent, r *role, stage int, q *cycleQuota) bool {
	if !a.hierarchicalRole && isHierarchical(r.name) {
		// As Mesos: agents that do not know hierarchical roles are not
		// offered to them.
		return false
	}
	if !a.hasFor(r.name) {
		return false
	}
	if stage == 1 && r.unsatisfied().IsEmpty() {
		return false
	}
	return walk(r.fwRoot, h.stamp, func(leaf *node[*frameworkRole]) bool {
		h.offerToFramework(a, leaf.item, stage, q)
		if a.exhausted() {
			return true
		}
		return !a.hasFor(r.name) || (stage == 1 && r.unsatisfied().IsEmpty())
	}) && a.exhausted()
}

func isHierarchical(role string) bool {
	for i := 0; i < len(role); i++ {
		if role[i] == '/' {
			return true
		}
	}
	return false
}

// hasFor reports whether a still has something role may be offered.
func (a *agent) hasFor(role string) bool {
	if a.info.unreserved {
		return true
	}
	for _, r := range a.info.reservationRoles {
		if r == role || resources.IsStrictSubrole(role, r) {
			return true
		}
	}
	if a.sharedLeft.IsEmpty() {
		return false
	}
	return !a.sharedLeft.AllocatableTo(role).IsEmpty()
}
