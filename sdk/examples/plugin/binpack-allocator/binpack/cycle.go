package binpack

import (
	"cmp"
	"slices"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// turn is one framework role wanting offers.
type turn struct {
	f    *framework
	role string
}

// cycle runs one allocation cycle (see the package documentation).
func (a *Allocator) cycle() []*allocator.Allocation {
	a.cycles++
	agents := a.candidates()
	turns := a.turns()
	if len(agents) == 0 || len(turns) == 0 {
		return nil
	}
	var counts map[*framework]int
	if a.opts.maxAgents > 0 {
		counts = map[*framework]int{}
	}
	var out []*allocator.Allocation
	next := 0
	for _, ag := range agents {
		sharedLeft := ag.shared
		start := next
		for i := range turns {
			if ag.free.IsEmpty() && sharedLeft.IsEmpty() {
				break
			}
			idx := (start + i) % len(turns)
			if alloc := a.offer(ag, turns[idx], &sharedLeft, counts); alloc != nil {
				out = append(out, alloc)
				next = (idx + 1) % len(turns)
			}
		}
	}
	return out
}

// candidates are the agents that may be offered, fullest first.
func (a *Allocator) candidates() []*agent {
	type cand struct {
		ag   *agent
		util float64
	}
	cs := make([]cand, 0, len(a.agents))
	for _, ag := range a.agents {
		if !ag.active || !a.whitelisted(ag) || (ag.free.IsEmpty() && ag.shared.IsEmpty()) {
			continue
		}
		cs = append(cs, cand{ag, ag.utilisation()})
	}
	slices.SortFunc(cs, func(x, y cand) int {
		if c := cmp.Compare(y.util, x.util); c != 0 {
			return c
		}
		return cmp.Compare(x.ag.id, y.ag.id)
	})
	out := make([]*agent, len(cs))
	for i, c := range cs {
		out[i] = c.ag
	}
	return out
}

// turns are the active frameworks' unsuppressed roles, by framework id and
// role order, rotated by one every cycle.
func (a *Allocator) turns() []turn {
	ids := make([]string, 0, len(a.frameworks))
	for id, f := range a.frameworks {
		if f.active {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var ts []turn
	for _, id := range ids {
		f := a.frameworks[id]
		for _, r := range f.roles {
			if !f.suppressed[r] {
				ts = append(ts, turn{f, r})
			}
		}
	}
	if len(ts) > 1 {
		k := a.cycles % len(ts)
		ts = append(ts[k:], ts[:k]...)
	}
	return ts
}

// offer gives framework role t everything of ag it can and will take, if
// that is worth an offer.
func (a *Allocator) offer(ag *agent, t turn, sharedLeft *resources.Resources, counts map[*framework]int) *allocator.Allocation {
	f, role := t.f, t.role
	switch {
	case counts != nil && counts[f] >= a.opts.maxAgents:
		return nil
	case f.caps.multiRole && !ag.multiRole:
		// As Mesos: MULTI_ROLE frameworks only get offers from agents that
		// know about allocation roles.
		return nil
	case a.opts.filterGPU && ag.gpu && !f.caps.gpu:
		return nil
	}
	offer, whole := ag.free, true
	if ag.special {
		offer = offer.AllocatableTo(role).Filter(func(x resources.Resource) bool {
			return (f.caps.revocable || !x.IsRevocable()) && (f.caps.refinement || !x.HasRefinedReservations())
		})
		whole = false
	}
	if f.caps.shared && !sharedLeft.IsEmpty() {
		if s := sharedLeft.AllocatableTo(role); !s.IsEmpty() {
			offer = offer.Add(s)
			whole = false
		}
	}
	if room := a.quota.room(role); room != nil {
		offer = shrinkToRoom(offer, room)
		whole = false
	}
	if whole {
		whole = offer.Equal(ag.free)
	}
	if offer.IsEmpty() || !a.allocatable(offer, f, role) || f.filtered(role, ag.id, offer, a.now) {
		return nil
	}
	allocated := offer.Allocate(role)
	a.hold(ag, holdKey{f.id, role}, offer, allocated, whole)
	if s := offer.Shared(); !s.IsEmpty() {
		*sharedLeft = sharedLeft.Subtract(s)
	}
	if counts != nil {
		counts[f]++
	}
	return &allocator.Allocation{FrameworkId: f.id, AgentId: ag.id, Resources: allocated.Protos()}
}

// allocatable reports whether an offer is worth making to f in role: it
// holds at least one of the minimum allocatable quantities (the
// framework's own for the role if it set them, else the master's).
func (a *Allocator) allocatable(offer resources.Resources, f *framework, role string) bool {
	list := a.opts.minAllocatable
	if own, ok := f.minAlloc[role]; ok {
		list = own
	}
	if len(list) == 0 {
		return true
	}
	for _, q := range list {
		if offer.ContainsQuantities(q) {
			return true
		}
	}
	return false
}
