package hierarchical

import (
	"fmt"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

func (h *HierarchicalDRF) addAgent(e *allocator.AgentAdded) error {
	if e.GetAgentId() == "" {
		return fmt.Errorf("agent added without id: %w", errSkip)
	}
	total, err := fromProtos(e.GetTotal())
	if err != nil {
		return fmt.Errorf("agent %s: %w", e.GetAgentId(), err)
	}
	type usedGroup struct {
		fw     string
		groups []roleGroup
	}
	var used []usedGroup
	for _, u := range e.GetUsed() {
		groups, err := splitByRole(u.GetResources())
		if err != nil {
			return fmt.Errorf("agent %s, framework %s: %w", e.GetAgentId(), u.GetFrameworkId(), err)
		}
		used = append(used, usedGroup{u.GetFrameworkId(), groups})
	}
	if old := h.agents[e.GetAgentId()]; old != nil {
		// Re-added without being removed: start over.
		h.removeAgent(old)
	}
	a := &agent{id: e.GetAgentId(), hostname: e.GetInfo().GetHostname(), active: e.GetActive()}
	a.setCapabilities(e.GetCapabilities())
	a.setTotal(total)
	a.idx = len(h.agentList)
	h.agentList = append(h.agentList, a)
	h.agents[a.id] = a
	h.addTotals(a, +1)
	for _, u := range used {
		for _, g := range u.groups {
			h.holdFor(a, u.fw, h.resolveRole(u.fw, g.role), g.resources, nil)
		}
	}
	if e.GetUnavailability() != nil {
		a.maintenance = newMaintenance(e.GetUnavailability())
		h.maintained[a] = struct{}{}
	}
	if h.paused && h.expectedAgents > 0 && len(h.agents) >= h.expectedAgents {
		h.paused = false
	}
	return nil
}

// resolveRole names the role of resources that came without allocation
// info: the framework's first role if it is known, "*" otherwise.
func (h *HierarchicalDRF) resolveRole(fwID, role string) string {
	if role != "" {
		return role
	}
	if f := h.frameworks[fwID]; f != nil && len(f.roles) > 0 {
		return f.roles[0]
	}
	return "*"
}

func (a *agent) setCapabilities(caps []*mesospb.AgentInfo_Capability) {
	a.version++
	a.multiRole, a.hierarchicalRole = false, false
	for _, c := range caps {
		switch c.GetType() {
		case mesospb.AgentInfo_Capability_MULTI_ROLE:
			a.multiRole = true
		case mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE:
			a.hierarchicalRole = true
		}
	}
}

// addTotals adds (sign +1) or removes (-1) an agent's total to the
// cluster-wide quantities and its reservations to the role tree.
func (h *HierarchicalDRF) addTotals(a *agent, sign int) {
	if sign > 0 {
		h.totalQ.AddInPlace(a.totalQ)
		h.headroomTotal.AddInPlace(a.headroom)
	} else {
		h.totalQ.SubtractInPlace(a.totalQ)
		h.headroomTotal.SubtractInPlace(a.headroom)
	}
	h.roles.trackReservations(a.total, sign)
	h.basisStale()
}

// basisStale notes that the cluster total changed: shares are recomputed
// before the next walk.
func (h *HierarchicalDRF) basisStale() {
	h.st.basis = newShareBasis(h.totalQ, h.opts.excluded)
	h.st.dirty = true
}

func (h *HierarchicalDRF) updateAgent(e *allocator.AgentUpdated) error {
	a := h.agents[e.GetAgentId()]
	if a == nil {
		return errSkip
	}
	if len(e.GetCapabilities()) > 0 {
		a.setCapabilities(e.GetCapabilities())
	}
	if len(e.GetTotal()) > 0 {
		total, err := fromProtos(e.GetTotal())
		if err != nil {
			return fmt.Errorf("agent %s: %w", a.id, err)
		}
		h.setAgentTotal(a, total)
	}
	return nil
}

// setAgentTotal replaces an agent's total. What frameworks hold stays
// theirs; if the total shrank below it, the agent has nothing free.
func (h *HierarchicalDRF) setAgentTotal(a *agent, total resources.Resources) {
	if total.Equal(a.total) {
		return
	}
	h.addTotals(a, -1)
	a.setTotal(total)
	h.addTotals(a, +1)
}

func (h *HierarchicalDRF) removeAgentEvent(e *allocator.AgentRemoved) error {
	a := h.agents[e.GetAgentId()]
	if a == nil {
		return errSkip
	}
	h.removeAgent(a)
	return nil
}

// removeAgent forgets an agent and everything held on it.
func (h *HierarchicalDRF) removeAgent(a *agent) {
	for len(a.allocs) > 0 {
		e := a.allocs[len(a.allocs)-1]
		h.releaseFrom(a, e.fw, e.role, e.res())
	}
	h.addTotals(a, -1)
	for _, f := range h.frameworks {
		f.dropAgentFilters(a)
	}
	delete(h.maintained, a)
	delete(h.agents, a.id)
	last := h.agentList[len(h.agentList)-1]
	h.agentList[a.idx] = last
	last.idx = a.idx
	h.agentList[len(h.agentList)-1] = nil
	h.agentList = h.agentList[:len(h.agentList)-1]
}

func (h *HierarchicalDRF) activateAgent(e *allocator.AgentActivation) error {
	a := h.agents[e.GetAgentId()]
	if a == nil {
		return errSkip
	}
	a.active = e.GetActive()
	return nil
}

func (h *HierarchicalDRF) setWhitelist(e *allocator.WhitelistUpdated) error {
	if e == nil {
		return errSkip
	}
	if e.GetAll() {
		h.whitelist = nil
		return nil
	}
	h.whitelist = make(map[string]bool, len(e.GetHostnames()))
	for _, host := range e.GetHostnames() {
		h.whitelist[host] = true
	}
	return nil
}

func (h *HierarchicalDRF) whitelisted(a *agent) bool {
	return h.whitelist == nil || h.whitelist[a.hostname]
}
