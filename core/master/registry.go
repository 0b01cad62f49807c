package master

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/registry"
)

// The master's side of the registry. The registrar writes; the loop must
// never wait for it, so a registry operation decided on the loop runs on
// its own goroutine and its outcome comes back to the loop as a closure
// (applyThen). HTTP handlers, which may wait, apply operations themselves
// between two calls to the loop.

// recover takes the registry read at start-up: agents admitted by an
// earlier master wait to re-register, unreachable and gone agents are
// remembered, and the operator's settings (drain state, maintenance,
// quota, weights) are restored. Called by Run before the loop starts.
func (m *Master) recover(reg *registrypb.Registry) {
	for _, a := range reg.GetAgents().GetAgents() {
		id := a.GetInfo().GetId().GetValue()
		m.recoveredAgents[id] = a.GetInfo()
		m.recoverDrainState(id, a.GetDrainInfo(), a.GetDeactivated())
	}
	m.recoveredTotal = len(m.recoveredAgents)
	for _, u := range reg.GetUnreachable().GetAgents() {
		id := u.GetId().GetValue()
		m.unreachableAgents[id] = timeOf(u.GetTimestamp())
		m.recoverDrainState(id, u.GetDrainInfo(), u.GetDeactivated())
	}
	for _, g := range reg.GetGone().GetAgents() {
		m.goneAgents[g.GetId().GetValue()] = timeOf(g.GetTimestamp())
	}
	m.recoverMaintenance(reg)

	// Quota: the configs of Mesos 1.9+, and the legacy QuotaInfo entries of
	// older masters, whose guarantee was also the limit.
	for _, q := range reg.GetQuotas() {
		m.quotas[q.GetInfo().GetRole()] = legacyQuotaConfig(q.GetInfo())
	}
	for _, c := range reg.GetQuotaConfigs() {
		m.quotas[c.GetRole()] = proto.CloneOf(c)
	}

	// Weights in the registry win over --weights, as in Mesos (the flag is
	// deprecated in favour of /weights and UPDATE_WEIGHTS).
	if ws := reg.GetWeights(); len(ws) > 0 {
		if len(m.cfg.Weights) > 0 {
			m.log.Warn("ignoring --weights: the registry holds weights set by an operator")
		}
		clear(m.weights)
		for _, w := range ws {
			m.weights[w.GetInfo().GetRole()] = w.GetInfo().GetWeight()
		}
	}
	m.log.Info("recovered the registry",
		"agents", len(m.recoveredAgents), "unreachable", len(m.unreachableAgents), "gone", len(m.goneAgents),
		"machines", len(m.machines), "quotas", len(m.quotas), "weights", len(m.weights))
}

func (m *Master) recoverDrainState(id string, drain *mesospb.DrainInfo, deactivated bool) {
	if deactivated {
		m.deactivatedAgents[id] = true
	}
	if drain != nil {
		m.drainInfo[id] = proto.CloneOf(drain)
	}
}

func legacyQuotaConfig(info *quotapb.QuotaInfo) *quotapb.QuotaConfig {
	c := &quotapb.QuotaConfig{Role: proto.String(info.GetRole()), Guarantees: map[string]*mesospb.Value_Scalar{}, Limits: map[string]*mesospb.Value_Scalar{}}
	for _, r := range info.GetGuarantee() {
		v := c.Guarantees[r.GetName()].GetValue() + r.GetScalar().GetValue()
		c.Guarantees[r.GetName()] = &mesospb.Value_Scalar{Value: proto.Float64(v)}
		c.Limits[r.GetName()] = &mesospb.Value_Scalar{Value: proto.Float64(v)}
	}
	return c
}

func timeOf(t *mesospb.TimeInfo) time.Time { return time.Unix(0, t.GetNanoseconds()) }

func timeInfo(t time.Time) *mesospb.TimeInfo {
	return &mesospb.TimeInfo{Nanoseconds: proto.Int64(t.UnixNano())}
}

// applyThen applies op off the loop and runs then on the loop with the
// outcome. A registrar that fails ends the master (Run watches Done), so
// then only has to handle refusals; it still sees the error, to log it.
func (m *Master) applyThen(op registry.Operation, then func(err error)) {
	go func() {
		err := m.registrar.Apply(context.Background(), op)
		m.post(func() { then(err) })
	}()
}

// registryStatus is the HTTP status a failed registry operation is
// answered with: a refusal is the request's fault (400, or 409 when the
// request was valid but raced with another change), anything else means
// the registrar is gone and this master with it (503).
func registryStatus(err error, conflict bool) error {
	if errors.Is(err, registry.ErrRefused) {
		var refused *registry.RefusedError
		msg := err.Error()
		if errors.As(err, &refused) {
			msg = refused.Reason.Error()
		}
		if conflict {
			return &callError{http.StatusConflict, msg}
		}
		return &callError{http.StatusBadRequest, msg}
	}
	return &callError{http.StatusServiceUnavailable, fmt.Sprintf("Failed to update the registry: %v", err)}
}

// markUnreachable removes an agent the master lost touch with, once the
// registry says so. Its tasks become TASK_UNREACHABLE for partition-aware
// frameworks and TASK_LOST for the others; every framework hears of the
// loss through a FAILURE event. Meanwhile the agent gets no offers and a
// re-registration is turned away (it retries), as in Mesos.
func (m *Master) markUnreachable(a *agent, why string) {
	if m.markingUnreachable[a.id] || m.markingGone[a.id] || m.removing[a.id] {
		return
	}
	m.markingUnreachable[a.id] = true
	m.deactivateAgent(a)
	now := m.cfg.Now()
	m.applyThen(&registry.MarkAgentUnreachable{AgentID: agentIDProto(a.id), Time: now}, func(err error) {
		delete(m.markingUnreachable, a.id)
		if err != nil {
			m.log.Error("could not mark agent unreachable in the registry", "agent", a.id, "error", err)
			return
		}
		if m.agents[a.id] != a {
			return // removed meanwhile (marked gone)
		}
		m.metrics.inc("master/slave_removals")
		m.metrics.inc("master/slave_removals/reason_unhealthy")
		m.metrics.inc("master/slave_unreachable_completed")
		m.removeAgent(a, why, removedUnreachable)
		m.unreachableAgents[a.id] = now
	})
	m.metrics.inc("master/slave_unreachable_scheduled")
}

// recoveredAgentsTimeout runs --agent_reregister_timeout after start-up:
// admitted agents that did not come back are marked unreachable, and the
// frameworks hear of each through a FAILURE event (Mesos's LostSlaveMessage).
// Too many of them (--recovery_agent_removal_limit) stops the master
// instead: something is wrong beyond a few lost machines.
func (m *Master) recoveredAgentsTimeout() {
	if len(m.recoveredAgents) == 0 {
		return
	}
	if m.recoveredTotal > 0 {
		fraction := float64(len(m.recoveredAgents)) / float64(m.recoveredTotal)
		if fraction > m.cfg.RecoveryAgentRemovalLimit {
			m.fatal = fmt.Errorf("master: post-recovery agent removal limit exceeded: after %s, %d of %d (%.0f%%) agents recovered from the registry did not re-register; the limit is %.0f%%",
				m.cfg.AgentReregisterTimeout, len(m.recoveredAgents), m.recoveredTotal, fraction*100, m.cfg.RecoveryAgentRemovalLimit*100)
			return
		}
	}
	for id, info := range m.recoveredAgents {
		if m.reregistering[id] || m.markingUnreachable[id] || m.markingGone[id] {
			m.metrics.inc("master/slave_unreachable_canceled")
			continue
		}
		m.log.Warn("agent did not re-register after the master restarted; marking it unreachable",
			"agent", id, "hostname", info.GetHostname(), "timeout", m.cfg.AgentReregisterTimeout)
		m.metrics.inc("master/slave_unreachable_scheduled")
		m.markingUnreachable[id] = true
		now := m.cfg.Now()
		m.applyThen(&registry.MarkAgentUnreachable{AgentID: agentIDProto(id), Time: now}, func(err error) {
			delete(m.markingUnreachable, id)
			if err != nil {
				m.log.Error("could not mark a recovered agent unreachable", "agent", id, "error", err)
				return
			}
			if m.recoveredAgents[id] == nil {
				return // it came back, or was marked gone, meanwhile
			}
			delete(m.recoveredAgents, id)
			m.unreachableAgents[id] = now
			m.metrics.inc("master/slave_unreachable_completed")
			m.metrics.inc("master/slave_removals")
			m.metrics.inc("master/slave_removals/reason_unhealthy")
			m.metrics.inc("master/recovery_slave_removals")
			m.sendAgentLost(id)
		})
	}
}

// sendAgentLost tells every connected framework that an agent is lost.
func (m *Master) sendAgentLost(id string) {
	for _, fw := range m.frameworks {
		fw.send(&schedulerpb.Event{
			Type:    schedulerpb.Event_FAILURE.Enum(),
			Failure: &schedulerpb.Event_Failure{AgentId: agentIDProto(id)},
		})
	}
}

// registryGC prunes the unreachable and gone lists every
// --registry_gc_interval, to --registry_max_agent_age and
// --registry_max_agent_count, and forgets the pruned agents.
func (m *Master) registryGC() {
	if len(m.unreachableAgents) == 0 && len(m.goneAgents) == 0 {
		return
	}
	op := &registry.PruneAgents{Now: m.cfg.Now(), MaxAge: m.cfg.RegistryMaxAgentAge, MaxCount: m.cfg.RegistryMaxAgentCount}
	m.applyThen(op, func(err error) {
		if err != nil {
			m.log.Error("registry garbage collection failed", "error", err)
			return
		}
		for _, id := range op.RemovedUnreachable {
			delete(m.unreachableAgents, id.GetValue())
		}
		for _, id := range op.RemovedGone {
			delete(m.goneAgents, id.GetValue())
		}
		if n := len(op.RemovedUnreachable) + len(op.RemovedGone); n > 0 {
			m.log.Info("garbage collected agents from the registry",
				"unreachable", len(op.RemovedUnreachable), "gone", len(op.RemovedGone))
		}
	})
}
