package hierarchical

import (
	"fmt"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

func (h *HierarchicalDRF) recoverResources(e *allocator.ResourcesRecovered) error {
	a := h.agents[e.GetAgentId()]
	if a == nil {
		// The agent is gone and took everything on it along.
		return errSkip
	}
	groups, err := splitByRole(e.GetResources())
	if err != nil {
		return fmt.Errorf("resources recovered from framework %s: %w", e.GetFrameworkId(), err)
	}
	f := h.frameworks[e.GetFrameworkId()]
	for _, g := range groups {
		role := h.heldRole(a, e.GetFrameworkId(), g.role)
		h.releaseFrom(a, e.GetFrameworkId(), role, g.resources)
		if f != nil && e.GetFilters() != nil && !g.resources.IsEmpty() {
			h.addFilter(f, role, a, g.resources, e.GetFilters(), h.now)
		}
	}
	return nil
}

// heldRole names the role of resources a framework gives back without
// allocation info: the role it holds resources in on the agent if there
// is exactly one, otherwise the framework's first role.
func (h *HierarchicalDRF) heldRole(a *agent, fwID, role string) string {
	if role != "" {
		return role
	}
	found := ""
	for i := range a.allocs {
		if a.allocs[i].fw != fwID {
			continue
		}
		if found != "" && found != a.allocs[i].role {
			found = ""
			break
		}
		found = a.allocs[i].role
	}
	if found != "" {
		return found
	}
	return h.resolveRole(fwID, "")
}

// convertAllocation applies an operation (RESERVE, CREATE, ...) to
// resources a framework holds: it keeps the result, and the agent's total
// changes accordingly. An additional copy of a shared volume (empty from)
// leaves the total alone, as in Mesos.
func (h *HierarchicalDRF) convertAllocation(e *allocator.AllocationConverted) error {
	a := h.agents[e.GetAgentId()]
	if a == nil {
		return errSkip
	}
	fromGroups, err := splitByRole(e.GetFrom())
	if err != nil {
		return fmt.Errorf("allocation conversion on agent %s: %w", a.id, err)
	}
	toGroups, err := splitByRole(e.GetTo())
	if err != nil {
		return fmt.Errorf("allocation conversion on agent %s: %w", a.id, err)
	}
	from, to := merge(fromGroups), merge(toGroups)
	roleName := ""
	switch {
	case len(fromGroups) > 0:
		roleName = fromGroups[0].role
	case len(toGroups) > 0:
		roleName = toGroups[0].role
	}
	fwID := e.GetFrameworkId()
	role := h.heldRole(a, fwID, roleName)
	i := a.entry(fwID, role)
	if !from.IsEmpty() && (i < 0 || !a.allocs[i].res().Contains(from)) {
		return fmt.Errorf("agent %s: framework %s does not hold %s in role %q: %w", a.id, fwID, from, role, errSkip)
	}
	h.releaseFrom(a, fwID, role, from)
	if !from.IsEmpty() {
		total, err := a.total.Apply(from, to)
		if err != nil {
			return fmt.Errorf("agent %s: %w", a.id, err)
		}
		h.setAgentTotal(a, total)
	}
	h.holdFor(a, fwID, role, to, nil)
	return nil
}

// convertAvailable applies an operator operation to an agent's free
// resources.
func (h *HierarchicalDRF) convertAvailable(e *allocator.AvailableConverted) error {
	a := h.agents[e.GetAgentId()]
	if a == nil {
		return errSkip
	}
	from, err := fromProtos(e.GetFrom())
	if err != nil {
		return fmt.Errorf("available conversion on agent %s: %w", a.id, err)
	}
	to, err := fromProtos(e.GetTo())
	if err != nil {
		return fmt.Errorf("available conversion on agent %s: %w", a.id, err)
	}
	if !a.avail.Add(a.shared).Contains(from) {
		return fmt.Errorf("agent %s: %s is not free: %w", a.id, from, errSkip)
	}
	total, err := a.total.Apply(from, to)
	if err != nil {
		return fmt.Errorf("agent %s: %w", a.id, err)
	}
	h.setAgentTotal(a, total)
	return nil
}

func merge(groups []roleGroup) resources.Resources {
	var r resources.Resources
	for _, g := range groups {
		r = r.Add(g.resources)
	}
	return r
}
