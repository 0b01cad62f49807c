package binpack

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// hold charges framework fw in role with resources of ag: plain without
// allocation info, allocated the same allocated to role. whole says that
// plain is all of ag.free (the common case, which skips arithmetic).
func (a *Allocator) hold(ag *agent, k holdKey, plain, allocated resources.Resources, whole bool) {
	if plain.IsEmpty() {
		return
	}
	ag.held[k] = ag.held[k].Add(allocated)
	nonShared := plain
	if whole {
		ag.free = resources.Resources{}
	} else {
		nonShared = plain.NonShared()
		ag.free = ag.free.Subtract(nonShared)
	}
	ag.heldQ.AddInPlace(resources.ScalarQuantitiesOf(nonShared))
	a.quota.charge(k.role, consumption(allocated))
}

// release gives back what framework fw holds in role of res (allocated or
// not); parts it does not hold are ignored. It returns what was released,
// without allocation info.
func (a *Allocator) release(ag *agent, k holdKey, res resources.Resources) resources.Resources {
	held, ok := ag.held[k]
	if !ok || res.IsEmpty() {
		return resources.Resources{}
	}
	res = res.Allocate(k.role)
	var freed resources.Resources
	if held.Contains(res) {
		freed = res
		held = held.Subtract(res)
	} else {
		after := held.Subtract(res)
		freed = held.Subtract(after)
		held = after
	}
	if held.IsEmpty() {
		delete(ag.held, k)
	} else {
		ag.held[k] = held
	}
	plain := freed.Unallocate()
	nonShared := plain.NonShared()
	ag.free = ag.free.Add(nonShared)
	ag.heldQ.SubtractInPlace(resources.ScalarQuantitiesOf(nonShared))
	if !ag.total.NonShared().Contains(ag.free) {
		ag.setTotal(ag.total) // the total shrank meanwhile: recompute
	}
	a.quota.release(k.role, consumption(freed))
	return plain
}

// holdUsed charges what an agent reports a framework uses.
func (a *Allocator) holdUsed(ag *agent, fw string, ps []*mesospb.Resource) {
	for role, g := range resources.New(ps...).Allocations() {
		if role == "" {
			role = a.firstRole(fw)
		}
		a.hold(ag, holdKey{fw, role}, g.Unallocate(), g.Allocate(role), false)
	}
}

// firstRole is the role of resources without allocation info: the
// framework's first role if it is known, "*" otherwise.
func (a *Allocator) firstRole(fw string) string {
	if f := a.frameworks[fw]; f != nil && len(f.roles) > 0 {
		return f.roles[0]
	}
	return "*"
}

// heldRole names the role of resources a framework gives back without
// allocation info: the one role it holds resources in on the agent, else
// its first role.
func (a *Allocator) heldRole(ag *agent, fw string) string {
	found := ""
	for k := range ag.held {
		if k.fw != fw {
			continue
		}
		if found != "" && found != k.role {
			return a.firstRole(fw)
		}
		found = k.role
	}
	if found != "" {
		return found
	}
	return a.firstRole(fw)
}
