package binpack

import (
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// recoverResources frees what a framework gave back and installs the
// filter it asked for.
func (a *Allocator) recoverResources(e *allocator.ResourcesRecovered) {
	ag := a.agents[e.GetAgentId()]
	if ag == nil {
		return // the agent is gone and took everything along
	}
	fw := e.GetFrameworkId()
	f := a.frameworks[fw]
	for role, g := range resources.New(e.GetResources()...).Allocations() {
		if role == "" {
			role = a.heldRole(ag, fw)
		}
		freed := a.release(ag, holdKey{fw, role}, g)
		if f != nil && e.GetFilters() != nil && !freed.IsEmpty() {
			f.addFilter(role, ag.id, freed, e.GetFilters(), a.now, a.opts.interval)
		}
	}
}

// convertAllocation applies an operation (RESERVE, CREATE, ...) to what a
// framework holds: it keeps the result and the agent's total changes.
func (a *Allocator) convertAllocation(e *allocator.AllocationConverted) {
	ag := a.agents[e.GetAgentId()]
	if ag == nil {
		return
	}
	from := resources.New(e.GetFrom()...)
	to := resources.New(e.GetTo()...)
	fw := e.GetFrameworkId()
	role := ""
	for x := range from.Add(to).All() {
		if r, ok := x.AllocationRole(); ok {
			role = r
			break
		}
	}
	if role == "" {
		role = a.heldRole(ag, fw)
	}
	k := holdKey{fw, role}
	if !from.IsEmpty() && !ag.held[k].Contains(from.Allocate(role)) {
		return
	}
	a.release(ag, k, from)
	if !from.IsEmpty() {
		total, err := ag.total.Apply(from.Unallocate(), to.Unallocate())
		if err != nil {
			return
		}
		ag.setTotal(total)
	}
	a.hold(ag, k, to.Unallocate(), to.Allocate(role), false)
}

// convertAvailable applies an operator operation to free resources.
func (a *Allocator) convertAvailable(e *allocator.AvailableConverted) {
	ag := a.agents[e.GetAgentId()]
	if ag == nil {
		return
	}
	from := resources.New(e.GetFrom()...)
	to := resources.New(e.GetTo()...)
	if !ag.free.Add(ag.shared).Contains(from) {
		return
	}
	total, err := ag.total.Apply(from, to)
	if err != nil {
		return
	}
	ag.setTotal(total)
}
