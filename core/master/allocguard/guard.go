package allocguard

import (
	"fmt"
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Rejection is an allocation or inverse offer the guard refused.
type Rejection struct {
	Allocation   *allocator.Allocation             // set for allocations
	InverseOffer *allocator.InverseOfferAllocation // set for inverse offers
	Reason       Reason
	Err          error // the details, naming the framework, agent and resources
}

// Result is the outcome of checking one response. Accepted keeps the
// order of the response.
type Result struct {
	Accepted              []*allocator.Allocation
	AcceptedInverseOffers []*allocator.InverseOfferAllocation
	Rejected              []Rejection
}

// Guard checks allocator responses and counts what it rejects. Check is
// meant to be called from one goroutine (the master's); Stats may be read
// from any.
type Guard struct {
	stats counters
}

// New returns a Guard with zeroed counters.
func New() *Guard { return &Guard{} }

// agentState is an agent's free resources while one response is checked:
// they shrink with every accepted allocation, so nothing is accepted twice.
type agentState struct {
	free       resources.Resources // non-shared
	sharedLeft resources.Resources // shared volumes not handed out yet
}

// Check validates resp against the master's view v. Allocations are
// checked in order; an accepted one reduces what later ones may take. An
// allocation is accepted or rejected as a whole.
func (g *Guard) Check(v View, resp *allocator.AllocateResponse) Result {
	var res Result
	states := map[string]*agentState{}
	for _, a := range resp.GetAllocations() {
		reason, err := check(v, states, a)
		g.stats.count(reason, err)
		if err != nil {
			res.Rejected = append(res.Rejected, Rejection{Allocation: a, Reason: reason, Err: err})
			continue
		}
		res.Accepted = append(res.Accepted, a)
	}
	for _, io := range resp.GetInverseOffers() {
		reason, err := checkInverse(v, io)
		g.stats.countInverse(reason, err)
		if err != nil {
			res.Rejected = append(res.Rejected, Rejection{InverseOffer: io, Reason: reason, Err: err})
			continue
		}
		res.AcceptedInverseOffers = append(res.AcceptedInverseOffers, io)
	}
	return res
}

func check(v View, states map[string]*agentState, a *allocator.Allocation) (Reason, error) {
	agent, ok := v.Agent(a.GetAgentId())
	switch {
	case !ok:
		return UnknownAgent, fmt.Errorf("allocation to framework %s on unknown agent %s", a.GetFrameworkId(), a.GetAgentId())
	case !agent.Active:
		return InactiveAgent, fmt.Errorf("allocation to framework %s on inactive agent %s", a.GetFrameworkId(), a.GetAgentId())
	}
	fw, ok := v.Framework(a.GetFrameworkId())
	switch {
	case !ok:
		return UnknownFramework, fmt.Errorf("allocation on agent %s to unknown framework %s", a.GetAgentId(), a.GetFrameworkId())
	case !fw.Active:
		return InactiveFramework, fmt.Errorf("allocation on agent %s to inactive framework %s", a.GetAgentId(), a.GetFrameworkId())
	case len(a.GetResources()) == 0:
		return Empty, fmt.Errorf("empty allocation on agent %s to framework %s", a.GetAgentId(), a.GetFrameworkId())
	}
	where := func() string { return fmt.Sprintf("on agent %s to framework %s", a.GetAgentId(), a.GetFrameworkId()) }

	groups, reason, err := byRole(a.GetResources(), fw)
	if err != nil {
		return reason, fmt.Errorf("allocation %s: %w", where(), err)
	}
	var nonShared, shared resources.Resources
	for _, g := range groups {
		if reason, err := capable(g.role, g.res, fw); err != nil {
			return reason, fmt.Errorf("allocation %s: %w", where(), err)
		}
		if s := g.res.Shared(); !s.IsEmpty() {
			shared = shared.Add(s)
			nonShared = nonShared.Add(g.res.NonShared())
		} else {
			nonShared = nonShared.Add(g.res)
		}
	}

	st := states[a.GetAgentId()]
	if st == nil {
		total := agent.Total.Unallocate()
		used := agent.Allocated.Unallocate()
		st = &agentState{
			free:       total.NonShared().Subtract(used.NonShared()),
			sharedLeft: total.Shared(),
		}
		states[a.GetAgentId()] = st
	}
	if !st.free.Contains(nonShared) {
		return NotFree, fmt.Errorf("allocation %s: %s is not free (free: %s)", where(), nonShared, st.free)
	}
	if !shared.IsEmpty() && !st.sharedLeft.Contains(shared) {
		return NotFree, fmt.Errorf("allocation %s: shared %s is not on the agent or was already allocated in this response", where(), shared)
	}
	st.free = st.free.Subtract(nonShared)
	if !shared.IsEmpty() {
		st.sharedLeft = st.sharedLeft.Subtract(shared)
	}
	return 0, nil
}

type roleResources struct {
	role string
	res  resources.Resources
}

// byRole checks that every resource names a role the framework is
// subscribed to and is valid, and groups them by role (without allocation
// info).
func byRole(ps []*mesospb.Resource, fw *Framework) ([]roleResources, Reason, error) {
	var roles []string
	var protos [][]*mesospb.Resource
	for _, p := range ps {
		if p.GetAllocationInfo() == nil || p.GetAllocationInfo().Role == nil {
			return nil, MissingRole, fmt.Errorf("resource %s has no allocation_info.role", resources.FormatProto(p))
		}
		role := p.GetAllocationInfo().GetRole()
		i := slices.Index(roles, role)
		if i < 0 {
			if !slices.Contains(fw.Roles, role) {
				return nil, NotSubscribed, fmt.Errorf("role %q is not one of the framework's roles %q", role, fw.Roles)
			}
			roles = append(roles, role)
			protos = append(protos, nil)
			i = len(roles) - 1
		}
		protos[i] = append(protos[i], resources.WithoutAllocation(p))
	}
	out := make([]roleResources, len(roles))
	for i, role := range roles {
		r, err := resources.FromProtos(protos[i])
		if err != nil {
			return nil, InvalidResources, err
		}
		out[i] = roleResources{role, r}
	}
	return out, 0, nil
}

// capable checks what the framework may receive in role.
func capable(role string, r resources.Resources, fw *Framework) (Reason, error) {
	for x := range r.All() {
		switch {
		case x.IsReserved() && !x.IsAllocatableTo(role):
			return WrongReservation, fmt.Errorf("%s is reserved to role %q, not usable by role %q", x, x.ReservationRole(), role)
		case x.IsRevocable() && !fw.Revocable:
			return NotRevocableCapable, fmt.Errorf("revocable %s to a framework without REVOCABLE_RESOURCES", x)
		case x.IsShared() && !fw.Shared:
			return NotSharedCapable, fmt.Errorf("shared %s to a framework without SHARED_RESOURCES", x)
		case x.HasRefinedReservations() && !fw.Refinement:
			return NotRefinementCapable, fmt.Errorf("refined reservation %s to a framework without RESERVATION_REFINEMENT", x)
		}
	}
	return 0, nil
}

func checkInverse(v View, io *allocator.InverseOfferAllocation) (Reason, error) {
	agent, ok := v.Agent(io.GetAgentId())
	switch {
	case !ok:
		return UnknownAgent, fmt.Errorf("inverse offer to framework %s for unknown agent %s", io.GetFrameworkId(), io.GetAgentId())
	case !agent.Active:
		return InactiveAgent, fmt.Errorf("inverse offer to framework %s for inactive agent %s", io.GetFrameworkId(), io.GetAgentId())
	}
	fw, ok := v.Framework(io.GetFrameworkId())
	switch {
	case !ok:
		return UnknownFramework, fmt.Errorf("inverse offer for agent %s to unknown framework %s", io.GetAgentId(), io.GetFrameworkId())
	case !fw.Active:
		return InactiveFramework, fmt.Errorf("inverse offer for agent %s to inactive framework %s", io.GetAgentId(), io.GetFrameworkId())
	}
	return 0, nil
}
