package binpack

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// agent is what the allocator knows of one agent.
type agent struct {
	id, hostname string
	active       bool
	multiRole    bool
	gpu          bool
	// special: the total has reserved, revocable or refined resources, so
	// what a framework may take is not simply everything free.
	special bool

	total resources.Resources
	// free is the non-shared part of total that no framework holds.
	free resources.Resources
	// shared are the shared volumes of total: offerable (once per cycle)
	// whoever uses them.
	shared resources.Resources
	// totalQ and heldQ are the scalar quantities of the non-shared total
	// and of what frameworks hold, for the agent's utilisation.
	totalQ resources.Quantities
	heldQ  resources.Quantities
	// held is what each framework holds in each role (with allocation
	// info).
	held map[holdKey]resources.Resources
}

type holdKey struct{ fw, role string }

func (a *Allocator) addAgent(e *allocator.AgentAdded) {
	id := e.GetAgentId()
	if id == "" {
		return
	}
	if a.agents[id] != nil {
		a.removeAgent(id) // re-added without being removed: start over
	}
	ag := &agent{id: id, hostname: e.GetInfo().GetHostname(), active: e.GetActive(), held: map[holdKey]resources.Resources{}}
	ag.setCapabilities(e.GetCapabilities())
	ag.setTotal(resources.New(e.GetTotal()...))
	a.agents[id] = ag
	for _, u := range e.GetUsed() {
		a.holdUsed(ag, u.GetFrameworkId(), u.GetResources())
	}
}

func (a *Allocator) updateAgent(e *allocator.AgentUpdated) {
	ag := a.agents[e.GetAgentId()]
	if ag == nil {
		return
	}
	if len(e.GetCapabilities()) > 0 {
		ag.setCapabilities(e.GetCapabilities())
	}
	if len(e.GetTotal()) > 0 {
		ag.setTotal(resources.New(e.GetTotal()...))
	}
}

// removeAgent forgets an agent, what is held on it and the filters that
// name it.
func (a *Allocator) removeAgent(id string) {
	ag := a.agents[id]
	if ag == nil {
		return
	}
	for k, h := range ag.held {
		a.quota.release(k.role, consumption(h))
	}
	delete(a.agents, id)
	for _, f := range a.frameworks {
		f.dropAgentFilters(id)
	}
}

func (ag *agent) setCapabilities(caps []*mesospb.AgentInfo_Capability) {
	ag.multiRole = false
	for _, c := range caps {
		if c.GetType() == mesospb.AgentInfo_Capability_MULTI_ROLE {
			ag.multiRole = true
		}
	}
}

// setTotal replaces the agent's total; what frameworks hold stays theirs.
func (ag *agent) setTotal(total resources.Resources) {
	ag.total = total
	ag.shared = total.Shared()
	nonShared := total.NonShared()
	var used resources.Resources
	for _, h := range ag.held {
		used = used.Add(h.Unallocate().NonShared())
	}
	ag.free = nonShared.Subtract(used)
	ag.totalQ = resources.ScalarQuantitiesOf(nonShared)
	ag.heldQ = resources.ScalarQuantitiesOf(used)
	gpus, _ := total.GPUs()
	ag.gpu = gpus > 0
	ag.special = false
	for x := range total.All() {
		if x.IsReserved() || x.IsRevocable() {
			ag.special = true
		}
	}
}

// utilisation is the largest share of any scalar of the agent that
// frameworks hold.
func (ag *agent) utilisation() float64 {
	u := 0.0
	for _, name := range ag.totalQ.Names() {
		t := ag.totalQ.Get(name).Float()
		if t <= 0 {
			continue
		}
		u = max(u, ag.heldQ.Get(name).Float()/t)
	}
	return u
}

func (a *Allocator) whitelisted(ag *agent) bool {
	return a.whitelist == nil || a.whitelist[ag.hostname]
}
