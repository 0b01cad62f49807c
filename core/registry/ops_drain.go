package registry

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// Agent draining and deactivation (operator DRAIN_AGENT, DEACTIVATE_AGENT,
// REACTIVATE_AGENT). The state lives on the admitted or unreachable entry
// and follows the agent between the two lists. Where Mesos returns "no
// change" for an unknown agent, these refuse: the master checks first, so an
// unknown id here is a bug worth reporting.

// drainTarget finds an admitted or unreachable agent and returns pointers
// to its drain fields.
func drainTarget(reg *registrypb.Registry, id *mesospb.AgentID) (drain **mesospb.DrainInfo, deactivated **bool, err error) {
	if err := checkAgentID(id); err != nil {
		return nil, nil, err
	}
	if i := admittedIndex(reg, id.GetValue()); i >= 0 {
		a := reg.Agents.Agents[i]
		return &a.DrainInfo, &a.Deactivated, nil
	}
	if i := unreachableIndex(reg, id.GetValue()); i >= 0 {
		u := reg.Unreachable.Agents[i]
		return &u.DrainInfo, &u.Deactivated, nil
	}
	return nil, nil, fmt.Errorf("Failed to find agent %s", id.GetValue())
}

// DrainAgent starts draining an agent: DRAINING state with its config, the
// agent deactivated, and AGENT_DRAINING recorded as a minimum capability.
type DrainAgent struct {
	AgentID        *mesospb.AgentID
	MaxGracePeriod time.Duration // zero: none, tasks use their own kill policy
	MarkGone       bool
}

func (o *DrainAgent) String() string { return "drain agent " + agentName(o.AgentID) }

// Apply implements Operation.
func (o *DrainAgent) Apply(reg *registrypb.Registry) (bool, error) {
	drain, deactivated, err := drainTarget(reg, o.AgentID)
	if err != nil {
		return false, err
	}
	config := &mesospb.DrainConfig{MarkGone: proto.Bool(o.MarkGone)}
	if o.MaxGracePeriod > 0 {
		config.MaxGracePeriod = &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(o.MaxGracePeriod))}
	}
	info := &mesospb.DrainInfo{State: mesospb.DrainState_DRAINING.Enum(), Config: config}
	changed := !proto.Equal(*drain, info) || !(*deactivated != nil && **deactivated)
	*drain = info
	*deactivated = proto.Bool(true)
	if addMinimumCapability(reg, mesospb.MasterInfo_Capability_AGENT_DRAINING) {
		changed = true
	}
	return changed, nil
}

// MarkAgentDrained moves a DRAINING agent to DRAINED.
type MarkAgentDrained struct {
	AgentID *mesospb.AgentID
}

func (o *MarkAgentDrained) String() string { return "mark agent " + agentName(o.AgentID) + " drained" }

// Apply implements Operation.
func (o *MarkAgentDrained) Apply(reg *registrypb.Registry) (bool, error) {
	drain, _, err := drainTarget(reg, o.AgentID)
	if err != nil {
		return false, err
	}
	if *drain == nil || (*drain).GetState() != mesospb.DrainState_DRAINING {
		return false, fmt.Errorf("Agent %s is not DRAINING", o.AgentID.GetValue())
	}
	next := proto.CloneOf(*drain)
	next.State = mesospb.DrainState_DRAINED.Enum()
	*drain = next
	return true, nil
}

// DeactivateAgent stops offers from an agent without draining it.
type DeactivateAgent struct {
	AgentID *mesospb.AgentID
}

func (o *DeactivateAgent) String() string { return "deactivate agent " + agentName(o.AgentID) }

// Apply implements Operation.
func (o *DeactivateAgent) Apply(reg *registrypb.Registry) (bool, error) {
	_, deactivated, err := drainTarget(reg, o.AgentID)
	if err != nil {
		return false, err
	}
	changed := !(*deactivated != nil && **deactivated)
	*deactivated = proto.Bool(true)
	if addMinimumCapability(reg, mesospb.MasterInfo_Capability_AGENT_DRAINING) {
		changed = true
	}
	return changed, nil
}

// ReactivateAgent clears an agent's drain state and deactivation; the
// AGENT_DRAINING minimum capability goes with the last deactivated agent.
type ReactivateAgent struct {
	AgentID *mesospb.AgentID
}

func (o *ReactivateAgent) String() string { return "reactivate agent " + agentName(o.AgentID) }

// Apply implements Operation.
func (o *ReactivateAgent) Apply(reg *registrypb.Registry) (bool, error) {
	drain, deactivated, err := drainTarget(reg, o.AgentID)
	if err != nil {
		return false, err
	}
	changed := *drain != nil || *deactivated != nil
	*drain, *deactivated = nil, nil
	if !anyDeactivated(reg) && removeMinimumCapability(reg, mesospb.MasterInfo_Capability_AGENT_DRAINING) {
		changed = true
	}
	return changed, nil
}

func anyDeactivated(reg *registrypb.Registry) bool {
	for _, a := range reg.GetAgents().GetAgents() {
		if a.GetDeactivated() {
			return true
		}
	}
	for _, u := range reg.GetUnreachable().GetAgents() {
		if u.GetDeactivated() {
			return true
		}
	}
	return false
}
