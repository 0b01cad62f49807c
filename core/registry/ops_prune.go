package registry

import (
	"fmt"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// Prune removes the given agents from the unreachable and gone lists
// (Mesos's Prune). Ids that are no longer there are skipped: a concurrent
// operation may have moved them (an agent re-registered).
type Prune struct {
	Unreachable []*mesospb.AgentID
	Gone        []*mesospb.AgentID
}

func (o *Prune) String() string {
	return fmt.Sprintf("prune %d unreachable and %d gone agents", len(o.Unreachable), len(o.Gone))
}

// Apply implements Operation.
func (o *Prune) Apply(reg *registrypb.Registry) (bool, error) {
	drop := func(ids []*mesospb.AgentID) map[string]bool {
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[id.GetValue()] = true
		}
		return m
	}
	changed := false
	if reg.Unreachable != nil && len(o.Unreachable) > 0 {
		d := drop(o.Unreachable)
		n := len(reg.Unreachable.Agents)
		reg.Unreachable.Agents = filter(reg.Unreachable.Agents, func(u *registrypb.Registry_UnreachableAgent) bool {
			return !d[u.GetId().GetValue()]
		})
		changed = changed || len(reg.Unreachable.Agents) != n
	}
	if reg.Gone != nil && len(o.Gone) > 0 {
		d := drop(o.Gone)
		n := len(reg.Gone.Agents)
		reg.Gone.Agents = filter(reg.Gone.Agents, func(g *registrypb.Registry_GoneAgent) bool {
			return !d[g.GetId().GetValue()]
		})
		changed = changed || len(reg.Gone.Agents) != n
	}
	return changed, nil
}

// PruneAgents garbage-collects the unreachable and gone lists to the bounds
// of --registry_max_agent_age and --registry_max_agent_count, as the Mesos
// master does every --registry_gc_interval: walking each list oldest first,
// an entry goes while the list holds more than MaxCount entries, and any
// entry older than MaxAge goes (all of the list is checked, so clock drift
// between masters cannot shelter an old entry behind a newer one). The
// bounds are taken literally: MaxCount 0 empties the lists.
//
// Apply records the removed ids in RemovedUnreachable and RemovedGone, for
// the master to forget them too.
type PruneAgents struct {
	Now      time.Time
	MaxAge   time.Duration
	MaxCount int

	RemovedUnreachable []*mesospb.AgentID
	RemovedGone        []*mesospb.AgentID
}

func (o *PruneAgents) String() string {
	return fmt.Sprintf("prune agents older than %s or beyond %d", o.MaxAge, o.MaxCount)
}

// Apply implements Operation.
func (o *PruneAgents) Apply(reg *registrypb.Registry) (bool, error) {
	o.RemovedUnreachable, o.RemovedGone = nil, nil
	if o.Now.IsZero() {
		return false, fmt.Errorf("missing current time")
	}
	if o.MaxCount < 0 || o.MaxAge < 0 {
		return false, fmt.Errorf("negative bound (max age %s, max count %d)", o.MaxAge, o.MaxCount)
	}
	now := o.Now.UnixNano()
	expired := func(count, removed int, ts *mesospb.TimeInfo) bool {
		return count-removed > o.MaxCount || time.Duration(now-ts.GetNanoseconds()) > o.MaxAge
	}
	if u := reg.GetUnreachable(); u != nil {
		count := len(u.Agents)
		u.Agents = filter(u.Agents, func(a *registrypb.Registry_UnreachableAgent) bool {
			if expired(count, len(o.RemovedUnreachable), a.GetTimestamp()) {
				o.RemovedUnreachable = append(o.RemovedUnreachable, a.GetId())
				return false
			}
			return true
		})
	}
	if g := reg.GetGone(); g != nil {
		count := len(g.Agents)
		g.Agents = filter(g.Agents, func(a *registrypb.Registry_GoneAgent) bool {
			if expired(count, len(o.RemovedGone), a.GetTimestamp()) {
				o.RemovedGone = append(o.RemovedGone, a.GetId())
				return false
			}
			return true
		})
	}
	return len(o.RemovedUnreachable)+len(o.RemovedGone) > 0, nil
}

// filter keeps the elements for which keep is true, in order, in place.
func filter[T any](s []T, keep func(T) bool) []T {
	out := s[:0]
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	clear(s[len(out):])
	return out
}
