package binpack

import (
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/resources"
)

// quotaBook keeps the quota limits by role and what each role's subtree
// consumes (non-revocable, non-shared scalars held).
type quotaBook struct {
	limits   map[string]resources.Quantities
	consumed map[string]resources.Quantities
}

func newQuotaBook() quotaBook {
	return quotaBook{limits: map[string]resources.Quantities{}, consumed: map[string]resources.Quantities{}}
}

// set applies a QuotaConfig; no limits removes the role's. Guarantees are
// not part of this policy.
func (b *quotaBook) set(cfg *quotapb.QuotaConfig) {
	role := cfg.GetRole()
	if role == "" {
		return
	}
	if len(cfg.GetLimits()) == 0 {
		delete(b.limits, role)
		return
	}
	m := map[string]float64{}
	for name, v := range cfg.GetLimits() {
		m[name] = v.GetValue()
	}
	b.limits[role] = resources.NewQuantities(m)
}

// consumption is what held resources count against quota.
func consumption(r resources.Resources) resources.Quantities {
	return resources.ScalarQuantitiesOf(r.Filter(func(x resources.Resource) bool {
		return !x.IsRevocable() && !x.IsShared()
	}))
}

func (b *quotaBook) charge(role string, q resources.Quantities) {
	if q.IsEmpty() {
		return
	}
	b.add(role, q, true)
	for _, anc := range resources.RoleAncestors(role) {
		b.add(anc, q, true)
	}
}

func (b *quotaBook) release(role string, q resources.Quantities) {
	if q.IsEmpty() {
		return
	}
	b.add(role, q, false)
	for _, anc := range resources.RoleAncestors(role) {
		b.add(anc, q, false)
	}
}

func (b *quotaBook) add(role string, q resources.Quantities, plus bool) {
	c := b.consumed[role]
	if plus {
		c.AddInPlace(q)
	} else {
		c.SubtractInPlace(q)
	}
	if c.IsEmpty() {
		delete(b.consumed, role)
		return
	}
	b.consumed[role] = c
}

// room is how much more of each limited name role may get under its own
// limits and its ancestors'; nil when nothing limits it.
func (b *quotaBook) room(role string) map[string]resources.Scalar {
	if len(b.limits) == 0 {
		return nil
	}
	var room map[string]resources.Scalar
	for _, r := range append([]string{role}, resources.RoleAncestors(role)...) {
		lim, ok := b.limits[r]
		if !ok {
			continue
		}
		if room == nil {
			room = map[string]resources.Scalar{}
		}
		used := b.consumed[r]
		for _, name := range lim.Names() {
			left := max(lim.Get(name).Sub(used.Get(name)), 0)
			if cur, ok := room[name]; !ok || left < cur {
				room[name] = left
			}
		}
	}
	return room
}
