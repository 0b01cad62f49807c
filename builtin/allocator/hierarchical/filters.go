package hierarchical

import (
	"math"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// Limits of refuse_seconds, as in Mesos: above a year is cut to a year;
// negative, NaN or infinite values fall back to the default of 5 seconds.
const (
	maxRefuse     = 365 * 24 * time.Hour
	defaultRefuse = 5 * time.Second
)

// refuseDuration is how long a filter with f lasts; 0 means no filter.
func refuseDuration(f *mesospb.Filters) time.Duration {
	s := f.GetRefuseSeconds() // 5 when unset, as the proto's default
	switch {
	case math.IsNaN(s) || math.IsInf(s, 0) || s < 0:
		return defaultRefuse
	case s > maxRefuse.Seconds():
		return maxRefuse
	}
	return time.Duration(s * float64(time.Second))
}

// offerFilter is a declined offer's filter: the framework is not offered,
// in that role on that agent, anything the declined resources contain,
// until expires (nanoseconds since the epoch). Filters are kept by
// framework role, then by agent.
type offerFilter struct {
	res     resources.Resources
	expires int64
}

// addFilter installs a filter for f. Mesos keeps a filter for at least one
// allocation interval so that it holds until the next allocation after
// the decline (MESOS-4302); so do we.
func (h *HierarchicalDRF) addFilter(f *framework, role string, a *agent, res resources.Resources, filters *mesospb.Filters, now int64) {
	fr := f.byRole[role]
	if fr == nil {
		// The framework left the role and gave back all it held there.
		return
	}
	d := refuseDuration(filters)
	if d == 0 {
		return
	}
	d = max(d, h.opts.interval)
	if fr.filters == nil {
		fr.filters = map[*agent][]offerFilter{}
	}
	fr.filters[a] = append(fr.filters[a], offerFilter{res: res, expires: satAddNanos(now, d)})
}

// filtered reports whether fr refuses offer on agent a at now, and until
// when (the last expiry of the filters that refuse it). Expired filters
// are dropped on the way.
func (fr *frameworkRole) filtered(a *agent, offer resources.Resources, now int64) (bool, int64) {
	if len(fr.filters) == 0 {
		return false, 0
	}
	list, ok := fr.filters[a]
	if !ok {
		return false, 0
	}
	n := 0
	hit, until := false, int64(0)
	for _, x := range list {
		if x.expires <= now {
			continue
		}
		list[n] = x
		n++
		if x.expires > until && x.res.Contains(offer) {
			hit, until = true, x.expires
		}
	}
	switch {
	case n == 0:
		delete(fr.filters, a)
	case n < len(list):
		clear(list[n:])
		fr.filters[a] = list[:n]
	}
	return hit, until
}

// clearAllFilters drops all of f's offer filters.
func (h *HierarchicalDRF) clearAllFilters(f *framework) {
	for _, fr := range f.byRole {
		fr.filters = nil
		h.changed(fr) // offers refused so far may now be accepted
	}
}

// clearFilters drops f's offer filters for the given roles.
func (h *HierarchicalDRF) clearFilters(f *framework, roles []string) {
	for _, r := range roles {
		if fr := f.byRole[r]; fr != nil {
			fr.filters = nil
			h.changed(fr) // offers refused so far may now be accepted
		}
	}
}

// dropAgentFilters drops every filter f holds for agent a.
func (f *framework) dropAgentFilters(a *agent) {
	for _, fr := range f.byRole {
		delete(fr.filters, a)
	}
}

func satAddNanos(now int64, d time.Duration) int64 {
	if now > math.MaxInt64-int64(d) {
		return math.MaxInt64
	}
	return now + int64(d)
}
