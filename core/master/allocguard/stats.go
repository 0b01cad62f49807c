package allocguard

import "sync/atomic"

// Stats are the guard's counters since it was created.
type Stats struct {
	Checked  uint64 // allocations checked
	Accepted uint64
	Rejected uint64
	// ByReason counts rejections (allocations and inverse offers) by reason.
	ByReason [NumReasons]uint64

	InverseChecked  uint64 // inverse offers checked
	InverseRejected uint64
}

type counters struct {
	checked, accepted, rejected     atomic.Uint64
	inverseChecked, inverseRejected atomic.Uint64
	byReason                        [NumReasons]atomic.Uint64
}

func (c *counters) count(r Reason, err error) {
	c.checked.Add(1)
	if err == nil {
		c.accepted.Add(1)
		return
	}
	c.rejected.Add(1)
	c.byReason[r].Add(1)
}

func (c *counters) countInverse(r Reason, err error) {
	c.inverseChecked.Add(1)
	if err != nil {
		c.inverseRejected.Add(1)
		c.byReason[r].Add(1)
	}
}

// Stats returns a snapshot of the counters; it is safe to call
// concurrently with Check.
func (g *Guard) Stats() Stats {
	s := Stats{
		Checked:         g.stats.checked.Load(),
		Accepted:        g.stats.accepted.Load(),
		Rejected:        g.stats.rejected.Load(),
		InverseChecked:  g.stats.inverseChecked.Load(),
		InverseRejected: g.stats.inverseRejected.Load(),
	}
	for i := range s.ByReason {
		s.ByReason[i] = g.stats.byReason[i].Load()
	}
	return s
}
