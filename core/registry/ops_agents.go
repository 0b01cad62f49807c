package registry

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// AdmitAgent adds a newly registered agent to the admitted list (Mesos's
// AdmitSlave). Refused if the id is already admitted ("Agent already
// admitted"), or, beyond Mesos, if it is unreachable or gone: those come
// back through MarkAgentReachable, or not at all.
type AdmitAgent struct {
	Info *mesospb.AgentInfo
}

func (o *AdmitAgent) String() string { return "admit agent " + agentName(o.Info.GetId()) }

// Apply implements Operation.
func (o *AdmitAgent) Apply(reg *registrypb.Registry) (bool, error) {
	if err := checkAgentInfo(o.Info); err != nil {
		return false, err
	}
	id := o.Info.GetId().GetValue()
	if admittedIndex(reg, id) >= 0 {
		return false, errors.New("Agent already admitted")
	}
	if unreachableIndex(reg, id) >= 0 {
		return false, fmt.Errorf("Agent %s is unreachable; it must re-register to be admitted", id)
	}
	if goneIndex(reg, id) >= 0 {
		return false, fmt.Errorf("Agent %s has been marked gone", id)
	}
	list := agents(reg)
	list.Agents = append(list.Agents, &registrypb.Registry_Agent{
		Info: proto.CloneOf(o.Info),
	})
	return true, nil
}

// UpdateAgent replaces an admitted agent's AgentInfo (an agent that
// re-registers with new resources or attributes). Unchanged info is not a
// change.
type UpdateAgent struct {
	Info *mesospb.AgentInfo
}

func (o *UpdateAgent) String() string { return "update agent " + agentName(o.Info.GetId()) }

// Apply implements Operation.
func (o *UpdateAgent) Apply(reg *registrypb.Registry) (bool, error) {
	if err := checkAgentInfo(o.Info); err != nil {
		return false, err
	}
	i := admittedIndex(reg, o.Info.GetId().GetValue())
	if i < 0 {
		return false, errors.New("Agent not yet admitted.")
	}
	a := reg.Agents.Agents[i]
	if proto.Equal(a.Info, o.Info) {
		return false, nil
	}
	a.Info = proto.CloneOf(o.Info)
	return true, nil
}

// MarkAgentUnreachable moves an admitted agent to the end of the
// unreachable list, keeping its drain state (Mesos's MarkSlaveUnreachable).
type MarkAgentUnreachable struct {
	AgentID *mesospb.AgentID
	Time    time.Time // when the master marked it
}

func (o *MarkAgentUnreachable) String() string {
	return "mark agent " + agentName(o.AgentID) + " unreachable"
}

// Apply implements Operation.
func (o *MarkAgentUnreachable) Apply(reg *registrypb.Registry) (bool, error) {
	if err := checkAgentID(o.AgentID); err != nil {
		return false, err
	}
	if o.Time.IsZero() {
		return false, errors.New("missing unreachable time")
	}
	i := admittedIndex(reg, o.AgentID.GetValue())
	if i < 0 {
		return false, errors.New("Agent not yet admitted")
	}
	a := reg.Agents.Agents[i]
	u := unreachable(reg)
	u.Agents = append(u.Agents, &registrypb.Registry_UnreachableAgent{
		Id:          proto.CloneOf(a.Info.Id),
		Timestamp:   timeInfo(o.Time),
		DrainInfo:   a.DrainInfo,
		Deactivated: a.Deactivated,
	})
	reg.Agents.Agents = removeAt(reg.Agents.Agents, i)
	return true, nil
}

// MarkAgentReachable admits an agent that re-registers (Mesos's
// MarkSlaveReachable). An agent that is already admitted (it re-registered
// after a master failover before being marked unreachable) is no change.
// An unreachable agent leaves that list and gets its drain state back. An
// agent found nowhere (garbage collected from the unreachable list) is
// admitted anyway, and Unknown says so. A gone agent is refused: it is never
// allowed back.
type MarkAgentReachable struct {
	Info *mesospb.AgentInfo

	// Unknown is set by Apply when the agent was in no list.
	Unknown bool
}

func (o *MarkAgentReachable) String() string {
	return "mark agent " + agentName(o.Info.GetId()) + " reachable"
}

// Apply implements Operation.
func (o *MarkAgentReachable) Apply(reg *registrypb.Registry) (bool, error) {
	o.Unknown = false
	if err := checkAgentInfo(o.Info); err != nil {
		return false, err
	}
	id := o.Info.GetId().GetValue()
	if admittedIndex(reg, id) >= 0 {
		return false, nil
	}
	if goneIndex(reg, id) >= 0 {
		return false, fmt.Errorf("Agent %s has been marked gone", id)
	}
	admitted := &registrypb.Registry_Agent{Info: proto.CloneOf(o.Info)}
	if i := unreachableIndex(reg, id); i >= 0 {
		u := reg.Unreachable.Agents[i]
		admitted.DrainInfo = u.DrainInfo
		admitted.Deactivated = u.Deactivated
		reg.Unreachable.Agents = removeAt(reg.Unreachable.Agents, i)
	} else {
		o.Unknown = true
	}
	list := agents(reg)
	list.Agents = append(list.Agents, admitted)
	return true, nil
}

// MarkAgentGone moves an admitted or unreachable agent to the gone list
// (operator MARK_AGENT_GONE; Mesos's MarkSlaveGone).
type MarkAgentGone struct {
	AgentID *mesospb.AgentID
	Time    time.Time // when the master marked it
}

func (o *MarkAgentGone) String() string { return "mark agent " + agentName(o.AgentID) + " gone" }

// Apply implements Operation.
func (o *MarkAgentGone) Apply(reg *registrypb.Registry) (bool, error) {
	if err := checkAgentID(o.AgentID); err != nil {
		return false, err
	}
	if o.Time.IsZero() {
		return false, errors.New("missing gone time")
	}
	id := o.AgentID.GetValue()
	if goneIndex(reg, id) >= 0 {
		return false, fmt.Errorf("Agent %s already marked as gone", id)
	}
	if i := admittedIndex(reg, id); i >= 0 {
		reg.Agents.Agents = removeAt(reg.Agents.Agents, i)
	} else if i := unreachableIndex(reg, id); i >= 0 {
		reg.Unreachable.Agents = removeAt(reg.Unreachable.Agents, i)
	} else {
		return false, fmt.Errorf("Failed to find agent %s", id)
	}
	g := gone(reg)
	g.Agents = append(g.Agents, &registrypb.Registry_GoneAgent{
		Id:        &mesospb.AgentID{Value: proto.String(id)},
		Timestamp: timeInfo(o.Time),
	})
	return true, nil
}

// RemoveAgent drops an admitted agent from the registry altogether (an
// agent that unregisters for good; Mesos's RemoveSlave).
type RemoveAgent struct {
	AgentID *mesospb.AgentID
}

func (o *RemoveAgent) String() string { return "remove agent " + agentName(o.AgentID) }

// Apply implements Operation.
func (o *RemoveAgent) Apply(reg *registrypb.Registry) (bool, error) {
	if err := checkAgentID(o.AgentID); err != nil {
		return false, err
	}
	i := admittedIndex(reg, o.AgentID.GetValue())
	if i < 0 {
		return false, errors.New("Agent not yet admitted")
	}
	reg.Agents.Agents = removeAt(reg.Agents.Agents, i)
	return true, nil
}
