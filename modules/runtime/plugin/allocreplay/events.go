package allocreplay

import (
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// apply records one event. Events naming unknown agents or frameworks
// change nothing, as in the allocators.
func (m *Model) apply(ev *allocator.Event) {
	switch k := ev.GetKind().(type) {
	case *allocator.Event_AgentAdded:
		m.addAgent(k.AgentAdded)
	case *allocator.Event_AgentUpdated:
		if ag := m.agents[k.AgentUpdated.GetAgentId()]; ag != nil {
			if caps := k.AgentUpdated.GetCapabilities(); len(caps) > 0 {
				ag.added.Capabilities = caps
			}
			if total := k.AgentUpdated.GetTotal(); len(total) > 0 {
				ag.added.Total = total
			}
		}
	case *allocator.Event_AgentRemoved:
		delete(m.agents, k.AgentRemoved.GetAgentId())
	case *allocator.Event_AgentActivation:
		if ag := m.agents[k.AgentActivation.GetAgentId()]; ag != nil {
			ag.added.Active = k.AgentActivation.GetActive()
		}
	case *allocator.Event_UnavailabilityUpdated:
		if ag := m.agents[k.UnavailabilityUpdated.GetAgentId()]; ag != nil {
			ag.added.Unavailability = k.UnavailabilityUpdated.GetUnavailability()
		}
	case *allocator.Event_FrameworkAdded:
		m.addFramework(k.FrameworkAdded)
	case *allocator.Event_FrameworkUpdated:
		if f := m.frameworks[k.FrameworkUpdated.GetFrameworkId()]; f != nil {
			f.info = k.FrameworkUpdated.GetInfo()
			f.suppressed = set(k.FrameworkUpdated.GetSuppressedRoles())
		}
	case *allocator.Event_FrameworkRemoved:
		m.removeFramework(k.FrameworkRemoved.GetFrameworkId())
	case *allocator.Event_FrameworkActivation:
		if f := m.frameworks[k.FrameworkActivation.GetFrameworkId()]; f != nil {
			f.active = k.FrameworkActivation.GetActive()
		}
	case *allocator.Event_ResourcesRecovered:
		e := k.ResourcesRecovered
		if ag := m.agents[e.GetAgentId()]; ag != nil && ag.held[e.GetFrameworkId()] != nil {
			ag.held[e.GetFrameworkId()].sub(e.GetResources())
		}
	case *allocator.Event_AllocationConverted:
		m.convertAllocation(k.AllocationConverted)
	case *allocator.Event_AvailableConverted:
		e := k.AvailableConverted
		if ag := m.agents[e.GetAgentId()]; ag != nil {
			total, err := resources.New(ag.added.GetTotal()...).Apply(resources.New(e.GetFrom()...), resources.New(e.GetTo()...))
			if err == nil {
				ag.added.Total = total.Protos()
			}
		}
	case *allocator.Event_OffersSuppressed:
		if f := m.frameworks[k.OffersSuppressed.GetFrameworkId()]; f != nil {
			for _, r := range rolesOr(k.OffersSuppressed.GetRoles(), f) {
				f.suppressed[r] = true
			}
		}
	case *allocator.Event_OffersRevived:
		if f := m.frameworks[k.OffersRevived.GetFrameworkId()]; f != nil {
			for _, r := range rolesOr(k.OffersRevived.GetRoles(), f) {
				delete(f.suppressed, r)
			}
		}
	case *allocator.Event_QuotaUpdated:
		m.setQuota(k.QuotaUpdated.GetConfig())
	case *allocator.Event_WeightsUpdated:
		for _, w := range k.WeightsUpdated.GetWeights() {
			m.weights[w.GetRole()] = w.GetWeight()
		}
	case *allocator.Event_WhitelistUpdated:
		m.whitelist = k.WhitelistUpdated
	}
	// Inverse offer answers and resource requests do not outlive a
	// failover.
}

func (m *Model) addAgent(e *allocator.AgentAdded) {
	if e.GetAgentId() == "" {
		return
	}
	added := proto.CloneOf(e)
	added.Used = nil
	ag := &agentState{added: added, held: map[string]*ledger{}}
	for _, u := range e.GetUsed() {
		ag.ledger(u.GetFrameworkId()).add(u.GetResources())
	}
	m.agents[e.GetAgentId()] = ag
}

func (m *Model) addFramework(e *allocator.FrameworkAdded) {
	id := e.GetFrameworkId()
	if id == "" {
		return
	}
	m.frameworks[id] = &frameworkState{info: e.GetInfo(), active: e.GetActive(), suppressed: set(e.GetSuppressedRoles())}
	// What the framework reports using counts where the agent did not
	// report it already.
	for _, u := range e.GetUsed() {
		if ag := m.agents[u.GetAgentId()]; ag != nil {
			if l := ag.held[id]; l == nil || l.empty() {
				ag.ledger(id).add(u.GetResources())
			}
		}
	}
}

func (m *Model) removeFramework(id string) {
	delete(m.frameworks, id)
	for _, ag := range m.agents {
		delete(ag.held, id)
	}
}

func (m *Model) convertAllocation(e *allocator.AllocationConverted) {
	ag := m.agents[e.GetAgentId()]
	if ag == nil {
		return
	}
	l := ag.ledger(e.GetFrameworkId())
	from, to := resources.New(e.GetFrom()...), resources.New(e.GetTo()...)
	if !from.IsEmpty() {
		if !l.compact().Contains(from) {
			return
		}
		total, err := resources.New(ag.added.GetTotal()...).Apply(from.Unallocate(), to.Unallocate())
		if err != nil {
			return
		}
		ag.added.Total = total.Protos()
		l.sub(e.GetFrom())
	}
	l.add(e.GetTo())
}

func (m *Model) setQuota(cfg *quotapb.QuotaConfig) {
	if cfg.GetRole() == "" {
		return
	}
	if len(cfg.GetGuarantees()) == 0 && len(cfg.GetLimits()) == 0 {
		delete(m.quotas, cfg.GetRole())
		return
	}
	m.quotas[cfg.GetRole()] = cfg
}

func set(items []string) map[string]bool {
	s := make(map[string]bool, len(items))
	for _, x := range items {
		s[x] = true
	}
	return s
}

// rolesOr is roles, or all the framework's roles when empty.
func rolesOr(roles []string, f *frameworkState) []string {
	if len(roles) > 0 {
		return roles
	}
	if f.info.GetRoles() != nil {
		return f.info.GetRoles()
	}
	if f.info.Role != nil {
		return []string{f.info.GetRole()}
	}
	return []string{"*"}
}
