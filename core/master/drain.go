package master

import (
	"context"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// The operator's hold on agents: MARK_AGENT_GONE, DRAIN_AGENT,
// DEACTIVATE_AGENT and REACTIVATE_AGENT. Each is checked on the loop,
// written to the registry by the handler, then applied on the loop.
//
// Draining: Mesos sends the agent a DrainSlaveMessage and the agent kills
// its tasks. The agent protocol has no such event, so the master kills
// each task itself (KILL_TASK, the grace period capped by
// max_grace_period), which is what the agent would do. Once no task is
// left the agent is DRAINED, and marked gone if the call asked for it.

// knownAgent: registered, recovered from the registry, or unreachable.
func (m *Master) knownAgent(id string) bool {
	_, unreachable := m.unreachableAgents[id]
	return m.agents[id] != nil || m.recoveredAgents[id] != nil || unreachable
}

// markAgentGone is MARK_AGENT_GONE: the agent is never allowed back; if
// registered it is told to shut down and removed, its tasks GONE_BY_OPERATOR
// (TASK_LOST for frameworks that are not partition-aware).
func (m *Master) markAgentGone(ctx context.Context, id string) error {
	var done bool
	var checkErr error
	now := m.cfg.Now()
	if err := m.call(ctx, func() {
		switch _, gone := m.goneAgents[id]; {
		case gone:
			done = true // Mesos answers 200: it already is
		case m.markingGone[id]:
			checkErr = unavailable("Agent '%s' is already being transitioned to gone", id)
		case m.removing[id]:
			checkErr = unavailable("Agent '%s' is being transitioned to removed", id)
		case m.markingUnreachable[id]:
			checkErr = unavailable("Agent '%s' is being transitioned to unreachable", id)
		case !m.knownAgent(id):
			checkErr = notFound("Agent '%s' not found", id)
		default:
			m.markingGone[id] = true
		}
	}); err != nil {
		return err
	}
	if done || checkErr != nil {
		return checkErr
	}
	if err := m.registrar.Apply(ctx, &registry.MarkAgentGone{AgentID: agentIDProto(id), Time: now}); err != nil {
		m.post(func() { delete(m.markingGone, id) })
		return registryStatus(err, true)
	}
	return m.call(ctx, func() { m.markGone(id, now) })
}

// markGone applies a gone agent once the registry holds it.
func (m *Master) markGone(id string, when time.Time) {
	delete(m.markingGone, id)
	m.goneAgents[id] = when
	delete(m.recoveredAgents, id)
	delete(m.drainInfo, id)
	delete(m.deactivatedAgents, id)
	const why = "Agent has been marked gone"
	m.log.Info("agent marked gone", "agent", id)
	if a := m.agents[id]; a != nil {
		a.send(&agentmasterpb.AgentEvent{
			Type:     agentmasterpb.AgentEvent_SHUTDOWN.Enum(),
			Shutdown: &agentmasterpb.AgentEvent_Shutdown{Message: proto.String(why)},
		})
		m.metrics.inc("master/slave_removals")
		m.removeAgent(a, why, removedForGood)
		return
	}
	if _, unreachable := m.unreachableAgents[id]; !unreachable {
		return
	}
	// The tasks kept while the agent was unreachable are gone with it.
	delete(m.unreachableAgents, id)
	for _, fwID := range sortedKeys(m.frameworks) {
		fw := m.frameworks[fwID]
		for _, tid := range sortedKeys(fw.tasks) {
			if t := fw.tasks[tid]; t.agentID == id {
				m.transitionByMaster(fw, t, mesospb.TaskState_TASK_GONE_BY_OPERATOR, mesospb.TaskStatus_REASON_AGENT_REMOVED_BY_OPERATOR, why)
			}
		}
	}
}

// drainAgent is DRAIN_AGENT.
func (m *Master) drainAgent(ctx context.Context, d *masterpb.Call_DrainAgent) error {
	id := d.GetAgentId().GetValue()
	var grace time.Duration
	if d.MaxGracePeriod != nil {
		grace = d.GetMaxGracePeriod().AsDuration()
		if grace < 0 {
			return badRequest("'max_grace_period' must be non-negative")
		}
	}
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	var checkErr error
	if err := m.call(ctx, func() {
		if a := m.agents[id]; a != nil {
			if s := m.schedule; s != nil {
				key := machineKey(a.machine())
				for _, w := range s.GetWindows() {
					for _, mid := range w.GetMachineIds() {
						if machineKey(mid) == key {
							checkErr = badRequest("Agent %s is part of a maintenance schedule under Machine %s", id, machineString(mid))
							return
						}
					}
				}
			}
			if !agentCapable(a, mesospb.AgentInfo_Capability_AGENT_DRAINING) {
				checkErr = badRequest("Agent %s is not capable of draining", id)
				return
			}
		}
		switch {
		case !m.knownAgent(id):
			checkErr = badRequest("Unknown agent")
		case m.markingGone[id]:
			checkErr = conflict("Agent is currently being marked gone")
		}
	}); err != nil {
		return err
	}
	if checkErr != nil {
		return checkErr
	}
	if err := m.registrar.Apply(ctx, &registry.DrainAgent{AgentID: agentIDProto(id), MaxGracePeriod: grace, MarkGone: d.GetMarkGone()}); err != nil {
		return registryStatus(err, true)
	}
	return m.call(ctx, func() {
		config := &mesospb.DrainConfig{MarkGone: proto.Bool(d.GetMarkGone())}
		if grace > 0 {
			config.MaxGracePeriod = &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(grace))}
		}
		m.drainInfo[id] = &mesospb.DrainInfo{State: mesospb.DrainState_DRAINING.Enum(), Config: config}
		m.deactivatedAgents[id] = true
		m.log.Info("draining agent", "agent", id, "max_grace_period", grace, "mark_gone", d.GetMarkGone())
		if a := m.agents[id]; a != nil {
			m.deactivateAgent(a)
			a.drainStart = m.cfg.Now()
			m.drainTasks(a)
			m.checkDrained(a)
		}
	})
}

func agentCapable(a *agent, c mesospb.AgentInfo_Capability_Type) bool {
	for _, cap := range a.capabilities {
		if cap.GetType() == c {
			return true
		}
	}
	return false
}

// drainTasks kills every live task of a draining agent, with the kill
// policy's grace period capped by the drain's max_grace_period.
func (m *Master) drainTasks(a *agent) {
	limit := m.drainInfo[a.id].GetConfig().GetMaxGracePeriod()
	for _, fwID := range sortedKeys(a.tasks) {
		for _, tid := range sortedKeys(a.tasks[fwID]) {
			t := a.tasks[fwID][tid]
			if isTerminal(t.info.GetState()) {
				continue
			}
			policy := t.info.GetKillPolicy()
			if limit != nil && (policy.GetGracePeriod() == nil || policy.GetGracePeriod().GetNanoseconds() > limit.GetNanoseconds()) {
				policy = &mesospb.KillPolicy{GracePeriod: proto.CloneOf(limit)}
			}
			a.send(&agentmasterpb.AgentEvent{
				Type: agentmasterpb.AgentEvent_KILL_TASK.Enum(),
				KillTask: &agentmasterpb.AgentEvent_KillTask{
					FrameworkId: frameworkIDProto(fwID), TaskId: t.info.GetTaskId(), KillPolicy: policy,
				},
			})
		}
	}
}

// checkDrained moves a DRAINING agent with no live task left to DRAINED,
// and marks it gone if the drain asked for that.
func (m *Master) checkDrained(a *agent) {
	info := m.drainInfo[a.id]
	if info.GetState() != mesospb.DrainState_DRAINING || a.markingDrained || m.agents[a.id] != a {
		return
	}
	for _, tasks := range a.tasks {
		for _, t := range tasks {
			if !isTerminal(t.info.GetState()) {
				return
			}
		}
	}
	a.markingDrained = true
	m.applyThen(&registry.MarkAgentDrained{AgentID: agentIDProto(a.id)}, func(err error) {
		a.markingDrained = false
		if err != nil {
			m.log.Error("could not mark agent drained in the registry", "agent", a.id, "error", err)
			return
		}
		cur := m.drainInfo[a.id]
		if cur.GetState() != mesospb.DrainState_DRAINING {
			return // reactivated or gone meanwhile
		}
		next := proto.CloneOf(cur)
		next.State = mesospb.DrainState_DRAINED.Enum()
		m.drainInfo[a.id] = next
		m.log.Info("agent drained", "agent", a.id)
		if next.GetConfig().GetMarkGone() {
			m.markGoneAfterDrain(a.id)
		}
	})
}

// markGoneAfterDrain is MARK_AGENT_GONE started by the master itself.
func (m *Master) markGoneAfterDrain(id string) {
	if _, gone := m.goneAgents[id]; gone || m.markingGone[id] || m.markingUnreachable[id] || m.removing[id] {
		return
	}
	m.markingGone[id] = true
	now := m.cfg.Now()
	m.applyThen(&registry.MarkAgentGone{AgentID: agentIDProto(id), Time: now}, func(err error) {
		if err != nil {
			delete(m.markingGone, id)
			m.log.Error("could not mark a drained agent gone", "agent", id, "error", err)
			return
		}
		m.markGone(id, now)
	})
}

// deactivateAgentCall is DEACTIVATE_AGENT: no more offers from the agent,
// even across re-registrations, until REACTIVATE_AGENT.
func (m *Master) deactivateAgentCall(ctx context.Context, id string) error {
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	var checkErr error
	if err := m.call(ctx, func() {
		if !m.knownAgent(id) {
			checkErr = badRequest("Unknown agent")
		}
	}); err != nil {
		return err
	}
	if checkErr != nil {
		return checkErr
	}
	if err := m.registrar.Apply(ctx, &registry.DeactivateAgent{AgentID: agentIDProto(id)}); err != nil {
		return registryStatus(err, true)
	}
	return m.call(ctx, func() {
		m.deactivatedAgents[id] = true
		if a := m.agents[id]; a != nil {
			m.deactivateAgent(a)
		}
		m.log.Info("agent deactivated", "agent", id)
	})
}

// reactivateAgentCall is REACTIVATE_AGENT.
func (m *Master) reactivateAgentCall(ctx context.Context, id string) error {
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	var checkErr error
	if err := m.call(ctx, func() {
		switch {
		case !m.deactivatedAgents[id]:
			checkErr = badRequest("Agent is not deactivated")
		case m.drainInfo[id].GetState() == mesospb.DrainState_DRAINING:
			checkErr = badRequest("Agent is still in the DRAINING state")
		}
	}); err != nil {
		return err
	}
	if checkErr != nil {
		return checkErr
	}
	if err := m.registrar.Apply(ctx, &registry.ReactivateAgent{AgentID: agentIDProto(id)}); err != nil {
		return registryStatus(err, true)
	}
	var callErr error
	if err := m.call(ctx, func() {
		delete(m.drainInfo, id)
		delete(m.deactivatedAgents, id)
		a := m.agents[id]
		if a == nil {
			callErr = conflict("Agent removed while processing the call")
			return
		}
		a.drainStart = time.Time{}
		if a.connected() && !a.active {
			a.active = true
			m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: a.id, Active: true}}})
			m.allocateSoon()
		}
		m.log.Info("agent reactivated", "agent", id)
	}); err != nil {
		return err
	}
	return callErr
}
