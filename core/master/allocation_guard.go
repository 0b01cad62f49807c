package master

import (
	"github.com/gomesos/mesos/core/master/allocguard"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Why the master itself, after the guard, refuses an allocation (the
// guard's reasons are allocguard.Reason's names).
const (
	rejectNotWhitelisted = "not_whitelisted" // the agent is not in --whitelist
	rejectMultipleRoles  = "multiple_roles"  // an offer is made to one role
	rejectInexpressible  = "inexpressible"   // cannot be put in the framework's format
)

// rejectedAllocationMetric is the per-reason counter of rejected
// allocations, next to master/allocations_rejected.
const rejectedAllocationMetric = "master/allocations_rejected/"

// allocationRejecter is an allocator that wants to know what the master
// refused of its last response: the decorated allocator module
// (decorate.Allocator), which counts it against the module in its status
// and metrics.
type allocationRejecter interface {
	Reject(reason string, err error)
}

// guardView is the allocation guard's view of the master's state. It is
// built afresh for each response (the guard asks for an agent once per
// allocation, so what an agent holds is summed once and kept).
type guardView struct {
	m      *Master
	agents map[string]*allocguard.Agent
}

func newGuardView(m *Master) *guardView {
	return &guardView{m: m, agents: map[string]*allocguard.Agent{}}
}

// Agent implements allocguard.View: an agent is active unless deactivated
// (operator, draining, maintenance); what it holds is what is offered and
// what tasks and executors use.
func (v *guardView) Agent(id string) (*allocguard.Agent, bool) {
	if ga, ok := v.agents[id]; ok {
		return ga, ga != nil
	}
	a := v.m.agents[id]
	if a == nil {
		v.agents[id] = nil
		return nil, false
	}
	allocated := a.offered
	for _, used := range a.used {
		allocated = allocated.Add(used.Unallocate())
	}
	ga := &allocguard.Agent{Active: a.active, Total: a.total, Allocated: allocated}
	v.agents[id] = ga
	return ga, true
}

// Framework implements allocguard.View: a framework is active when it is
// and its scheduler is connected (offers to a disconnected scheduler would
// go nowhere).
func (v *guardView) Framework(id string) (*allocguard.Framework, bool) {
	fw := v.m.frameworks[id]
	if fw == nil {
		return nil, false
	}
	gf := allocguard.FrameworkFromInfo(fw.info, fw.active && fw.connected())
	gf.Roles = fw.roles()
	return gf, true
}

// checkAllocations runs the guard over one cycle's response. Rejected
// allocations are counted, given back to the allocator and reported to an
// allocator module; rejected inverse offers are logged, reported, and
// given back to the allocator as unanswered (so it may make them again).
// The accepted allocations and inverse offers are returned, in order.
func (m *Master) checkAllocations(resp *allocator.AllocateResponse) ([]*allocator.Allocation, []*allocator.InverseOfferAllocation) {
	res := m.guard.Check(newGuardView(m), resp)
	for _, r := range res.Rejected {
		if r.Allocation != nil {
			m.rejectAllocation(r.Allocation, r.Reason.String(), r.Err)
			continue
		}
		m.log.Warn("inverse offer rejected", "framework", r.InverseOffer.GetFrameworkId(), "agent", r.InverseOffer.GetAgentId(),
			"reason", r.Reason.String(), "error", r.Err)
		if m.agents[r.InverseOffer.GetAgentId()] != nil {
			m.inverseOfferUnanswered(r.InverseOffer.GetAgentId(), r.InverseOffer.GetFrameworkId())
		}
		m.reportRejection(r.Reason.String(), r.Err)
	}
	return res.Accepted, res.AcceptedInverseOffers
}

// rejectAllocation refuses one allocation: it is counted (in total and by
// reason), logged, given back to the allocator and reported to an
// allocator module. The framework never sees it.
func (m *Master) rejectAllocation(alloc *allocator.Allocation, reason string, err error) {
	m.metrics.allocationsRejected++
	m.metrics.inc(rejectedAllocationMetric + reason)
	m.log.Warn("allocation rejected", "framework", alloc.GetFrameworkId(), "agent", alloc.GetAgentId(),
		"reason", reason, "error", err)
	m.giveBack(alloc)
	m.reportRejection(reason, err)
}

// reportRejection tells a decorated allocator module what was refused.
func (m *Master) reportRejection(reason string, err error) {
	if r, ok := m.cfg.Allocator.(allocationRejecter); ok {
		r.Reject(reason, err)
	}
}

// rejectionReasons are every reason an allocation can be rejected for, so
// that /metrics/snapshot shows each counter from the start.
func rejectionReasons() []string {
	out := make([]string, 0, int(allocguard.NumReasons)+3)
	for r := range allocguard.NumReasons {
		out = append(out, r.String())
	}
	return append(out, rejectNotWhitelisted, rejectMultipleRoles, rejectInexpressible)
}
