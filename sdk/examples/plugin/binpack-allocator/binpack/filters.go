package binpack

import (
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// maxRefuse caps refuse_seconds, as Mesos does.
const maxRefuse = 365 * 24 * time.Hour

type filterKey struct{ role, agent string }

// filter keeps resources of one agent away from a framework role: an
// offer it contains is not made until the filter expires.
type filter struct {
	until time.Time
	res   resources.Resources // without allocation info
}

// addFilter installs a decline filter for max(refuse_seconds, allocation
// interval); refuse_seconds <= 0 installs none.
func (f *framework) addFilter(role, agentID string, res resources.Resources, fl *mesospb.Filters, now time.Time, interval time.Duration) {
	secs := fl.GetRefuseSeconds()
	if secs <= 0 {
		return
	}
	d := maxRefuse
	if secs < maxRefuse.Seconds() {
		d = time.Duration(secs * float64(time.Second))
	}
	d = max(d, interval)
	k := filterKey{role, agentID}
	f.filters[k] = append(f.filters[k], filter{until: now.Add(d), res: res})
}

// filtered reports whether an offer of plain (without allocation info) is
// held back by a filter; expired filters are dropped.
func (f *framework) filtered(role, agentID string, plain resources.Resources, now time.Time) bool {
	if len(f.filters) == 0 {
		return false
	}
	k := filterKey{role, agentID}
	list := f.filters[k]
	if len(list) == 0 {
		return false
	}
	kept := list[:0]
	hit := false
	for _, fl := range list {
		if !now.Before(fl.until) {
			continue
		}
		kept = append(kept, fl)
		hit = hit || fl.res.Contains(plain)
	}
	if len(kept) == 0 {
		delete(f.filters, k)
	} else {
		f.filters[k] = kept
	}
	return hit
}

func (f *framework) clearFilters(role string) {
	for k := range f.filters {
		if k.role == role {
			delete(f.filters, k)
		}
	}
}

func (f *framework) dropAgentFilters(agentID string) {
	for k := range f.filters {
		if k.agent == agentID {
			delete(f.filters, k)
		}
	}
}
