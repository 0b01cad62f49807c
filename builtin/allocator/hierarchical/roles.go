package hierarchical

import (
	"strings"

	"github.com/gomesos/mesos/core/resources"
)

// role is a node of the role tree. A role is kept while it has frameworks,
// reservations (its own or of subroles), quota, a weight, or subroles, as
// Mesos's RoleTree does.
type role struct {
	name     string
	parent   *role
	children int // subroles currently in the tree

	// node is the role's internal node in the role sorter; self is its
	// leaf there (Mesos's virtual "." leaf, path "<role>/."), live while
	// the role has frameworks wanting offers; fwRoot is the root of the
	// role's framework sorter.
	node   *node[*role]
	self   *node[*role]
	fwRoot *node[*frameworkRole]

	frameworks int // frameworks tracked under the role

	weight    float64 // 1 unless set
	weightSet bool

	// Quota. limits maps a name to its limit; a name without an entry is
	// unlimited (a zero limit is meaningful, so this is not a Quantities,
	// which drops zeros).
	guarantees resources.Quantities
	limits     map[string]resources.Scalar
	// guaranteedBelow counts the roles with guarantees in the subtree,
	// this role included.
	guaranteedBelow int

	// reserved is the scalar quantity reserved to the subtree on all
	// agents; consumed is the unreserved non-revocable scalar quantity
	// offered or allocated to the subtree. Quota consumption is their sum.
	reserved resources.Quantities
	consumed resources.Quantities
}

func (r *role) hasQuota() bool { return !r.guarantees.IsEmpty() || r.limits != nil }

func (r *role) isEmpty() bool {
	return r.children == 0 && r.frameworks == 0 && r.reserved.IsEmpty() &&
		!r.hasQuota() && !r.weightSet
}

// quotaConsumed is what counts against the role's quota: reservations
// plus unreserved non-revocable allocations, of the whole subtree.
func (r *role) quotaConsumed() resources.Quantities {
	return r.reserved.Add(r.consumed)
}

// roleTree holds every tracked role by name.
type roleTree struct {
	root  *role
	roles map[string]*role
	st    *sorterState
	// guaranteed holds the roles with quota guarantees; limited counts
	// the roles with quota limits.
	guaranteed map[*role]bool
	limited    int
	// Node arenas of the role sorter and of all framework sorters.
	roleNodes *arena[*role]
	fwNodes   *arena[*frameworkRole]
}

func newRoleTree(st *sorterState) *roleTree {
	t := &roleTree{roles: map[string]*role{}, st: st, guaranteed: map[*role]bool{},
		roleNodes: &arena[*role]{}, fwNodes: &arena[*frameworkRole]{}}
	t.root = &role{}
	t.root.node = t.roleNodes.newNode("", nil, false, t.root)
	return t
}

// get returns a role, nil if it is not tracked.
func (t *roleTree) get(name string) *role { return t.roles[name] }

// ensure returns a role, creating it and any missing ancestor.
func (t *roleTree) ensure(name string) *role {
	if r := t.roles[name]; r != nil {
		return r
	}
	parent := t.root
	if i := strings.LastIndexByte(name, '/'); i > 0 {
		parent = t.ensure(name[:i])
	}
	r := &role{name: name, parent: parent, weight: 1}
	r.node = t.roleNodes.newNode(name, parent.node, false, r)
	r.self = t.roleNodes.newNode(name+"/.", r.node, true, r)
	r.fwRoot = t.fwNodes.newNode(name, nil, false, nil)
	parent.children++
	t.roles[name] = r
	return r
}

// tryRemove drops r and then its ancestors while they are empty.
func (t *roleTree) tryRemove(r *role) {
	for r != nil && r != t.root && r.isEmpty() {
		// An empty role has no frameworks, so neither it nor its self
		// leaf is live.
		t.roleNodes.dispose(r.self)
		t.roleNodes.dispose(r.node)
		delete(t.roles, r.name)
		r.parent.children--
		r = r.parent
	}
}

// ancestorsAndSelf calls fn on r and each ancestor up to (not including)
// the root.
func (r *role) ancestorsAndSelf(fn func(*role)) {
	for ; r != nil && r.parent != nil; r = r.parent {
		fn(r)
	}
}

// setWeight sets the weight of a role, creating it if needed.
func (t *roleTree) setWeight(name string, w float64) {
	r := t.ensure(name)
	r.weight, r.weightSet = w, w != 1
	r.node.weight = w
	t.st.dirty = true
	t.tryRemove(r)
}

// setQuota sets or clears (both empty) a role's quota.
func (t *roleTree) setQuota(name string, guarantees resources.Quantities, limits map[string]resources.Scalar) {
	r := t.ensure(name)
	had := !r.guarantees.IsEmpty()
	if r.limits != nil {
		t.limited--
	}
	if limits != nil {
		t.limited++
	}
	r.guarantees, r.limits = guarantees, limits
	t.st.policy++ // quota shapes offers
	if has := !guarantees.IsEmpty(); has != had {
		d := 1
		if !has {
			d = -1
		}
		r.ancestorsAndSelf(func(a *role) { a.guaranteedBelow += d })
	}
	if r.guarantees.IsEmpty() {
		delete(t.guaranteed, r)
	} else {
		t.guaranteed[r] = true
	}
	t.tryRemove(r)
}

// trackReservations adds (sign +1) or removes (-1) the scalar
// reservations of total to the reservation roles and their ancestors.
func (t *roleTree) trackReservations(total resources.Resources, sign int) {
	for name, res := range total.Reserved().Reservations() {
		q := resources.ScalarQuantitiesOf(res)
		if q.IsEmpty() {
			continue
		}
		var r *role
		if sign > 0 {
			r = t.ensure(name)
		} else if r = t.get(name); r == nil {
			continue
		}
		r.ancestorsAndSelf(func(a *role) {
			if sign > 0 {
				a.reserved.AddInPlace(q)
			} else {
				a.reserved.SubtractInPlace(q)
			}
		})
		if sign < 0 {
			t.tryRemove(r)
		}
	}
}

// limitRoom is what r may still consume under the limits of r and its
// ancestors, by name; names without a limit are absent (unlimited). nil
// means no limit applies at all.
func (r *role) limitRoom() map[string]resources.Scalar {
	var room map[string]resources.Scalar
	r.ancestorsAndSelf(func(a *role) {
		if a.limits == nil {
			return
		}
		consumed := a.quotaConsumed()
		for name, limit := range a.limits {
			left := limit.Sub(consumed.Get(name))
			if left < 0 {
				left = 0
			}
			if room == nil {
				room = map[string]resources.Scalar{}
			}
			if cur, ok := room[name]; !ok || left < cur {
				room[name] = left
			}
		}
	})
	return room
}

// limited reports whether r or an ancestor has a quota limit.
func (r *role) limited() bool {
	for a := r; a != nil && a.parent != nil; a = a.parent {
		if a.limits != nil {
			return true
		}
	}
	return false
}

// headroomRole is the role whose guarantees cover r: the highest of r and
// its ancestors that has guarantees; nil if none has.
func (r *role) headroomRole() *role {
	var h *role
	r.ancestorsAndSelf(func(a *role) {
		if !a.guarantees.IsEmpty() {
			h = a
		}
	})
	return h
}

// unsatisfied is how much of r's guarantees its consumption does not yet
// cover.
func (r *role) unsatisfied() resources.Quantities {
	if r.guarantees.IsEmpty() {
		return resources.Quantities{}
	}
	return r.guarantees.Subtract(r.quotaConsumed())
}
