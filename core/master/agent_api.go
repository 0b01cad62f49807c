package master

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/uuid"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// AgentAPIPath is where agents talk to the master (agentmaster.proto).
const AgentAPIPath = "/internal/v1/agent"

// serveAgent handles the agent protocol: SUBSCRIBE opens the stream of
// master events; every other call names the stream it belongs to.
func (m *Master) serveAgent(w http.ResponseWriter, r *http.Request) {
	var call agentmasterpb.AgentCall
	codec, err := httpapi.DecodeRequest(r, &call, 0)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	if call.GetType() == agentmasterpb.AgentCall_SUBSCRIBE {
		m.serveAgentSubscribe(w, r, codec, &call)
		return
	}
	agentID := call.GetAgentId().GetValue()
	streamID := r.Header.Get(httpapi.StreamIDHeader)
	var status int
	var callErr error
	err = m.call(r.Context(), func() {
		a := m.agents[agentID]
		switch {
		case a == nil:
			status, callErr = http.StatusForbidden, fmt.Errorf("agent %s is not registered", agentID)
		case a.sub == nil || a.sub.id != streamID:
			status, callErr = http.StatusBadRequest, fmt.Errorf("the %s header does not match the agent's stream", httpapi.StreamIDHeader)
		default:
			m.countAgentCall(call.GetType())
			callErr = m.handleAgentCall(a, &call)
			if callErr != nil {
				status = http.StatusBadRequest
			}
		}
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if callErr != nil {
		http.Error(w, callErr.Error(), status)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (m *Master) serveAgentSubscribe(w http.ResponseWriter, r *http.Request, codec httpapi.Codec, call *agentmasterpb.AgentCall) {
	if call.GetSubscribe() == nil {
		http.Error(w, "expecting 'subscribe' to be present", http.StatusBadRequest)
		return
	}
	if !m.admitAgentRequest(w, r) {
		return
	}
	// Registration takes up to three steps: the loop checks the agent and
	// gives a new one its id; the registry admits it (a write the loop
	// must not wait for, so this handler does); the loop takes the agent
	// in. An agent the registry already holds as it is (one coming back
	// after a failover) needs no write, so the loop checks and takes it in
	// at once: one trip through the loop instead of two.
	plan, err := parseRegistration(call.GetSubscribe())
	if err != nil {
		writeRegistrationError(w, err)
		return
	}
	sub := newSpillingSubscriber(uuid.New().String())
	var subscribed *agentmasterpb.AgentEvent
	var a *agent
	var regErr error
	if err := m.call(r.Context(), func() {
		if regErr = m.planRegistration(plan); regErr == nil && len(plan.ops) == 0 {
			a, subscribed, regErr = m.registerAgent(plan, sub)
		}
	}); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if regErr != nil {
		writeRegistrationError(w, regErr)
		return
	}
	if a == nil {
		if a, subscribed, err = m.registerAfterRegistryWrite(r.Context(), w, plan, sub); err != nil {
			return // answered
		}
	}
	if out, err := httpapi.StartStreamWith(w, codec, sub.id, subscribed); err == nil {
		pump(r.Context(), out, sub, 0, nil)
	}
	m.post(func() { m.agentDisconnected(a, sub) })
}

// registerAfterRegistryWrite applies the registry operations of a
// registration and then takes the agent in on the loop. A failure is
// answered here and returned.
func (m *Master) registerAfterRegistryWrite(ctx context.Context, w http.ResponseWriter, plan *registration, sub *subscriber) (*agent, *agentmasterpb.AgentEvent, error) {
	forget := func() { m.post(func() { delete(m.reregistering, plan.info.GetId().GetValue()) }) }
	for _, op := range plan.ops {
		if err := m.registrar.Apply(ctx, op); err != nil {
			forget()
			if errors.Is(err, registry.ErrRefused) {
				writeRegistrationError(w, &refusal{err.Error()})
				return nil, nil, err
			}
			http.Error(w, fmt.Sprintf("failed to update the registry: %v", err), http.StatusServiceUnavailable)
			return nil, nil, err
		}
	}
	var a *agent
	var subscribed *agentmasterpb.AgentEvent
	var regErr error
	if err := m.call(ctx, func() { a, subscribed, regErr = m.registerAgent(plan, sub) }); err != nil {
		forget()
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return nil, nil, err
	}
	if regErr != nil {
		writeRegistrationError(w, regErr)
		return nil, nil, regErr
	}
	return a, subscribed, nil
}

func writeRegistrationError(w http.ResponseWriter, err error) {
	var refused *refusal
	var ce *callError
	switch {
	case errors.As(err, &refused):
		http.Error(w, err.Error(), http.StatusForbidden)
	case errors.As(err, &ce):
		http.Error(w, ce.msg, ce.status)
	default:
		http.Error(w, err.Error(), http.StatusBadRequest)
	}
}

// refusal is a registration the master turns down for good (answer 403).
type refusal struct{ msg string }

func (e *refusal) Error() string { return e.msg }

// registration is an agent's SUBSCRIBE between the steps of registering:
// its AgentInfo with the id it will have, its resources, and the registry
// operations that must succeed before it is taken in.
type registration struct {
	s                                  *agentmasterpb.AgentCall_Subscribe
	info                               *mesospb.AgentInfo
	base, checkpointed, oversubscribed resources.Resources
	ops                                []registry.Operation
}

// parseRegistration reads a SUBSCRIBE's AgentInfo and resources, off the
// loop: it needs nothing of the master's state.
func parseRegistration(s *agentmasterpb.AgentCall_Subscribe) (*registration, error) {
	info := proto.Clone(s.GetAgentInfo()).(*mesospb.AgentInfo)
	p := &registration{s: s, info: info}
	if err := proto.CheckInitialized(info); err != nil {
		return nil, fmt.Errorf("invalid AgentInfo: %w", err)
	}
	var err error
	if p.base, err = resources.FromProtos(info.GetResources()); err != nil {
		return nil, fmt.Errorf("invalid agent resources: %w", err)
	}
	if p.checkpointed, err = resources.FromProtos(s.GetCheckpointedResources()); err != nil {
		return nil, fmt.Errorf("invalid checkpointed resources: %w", err)
	}
	if p.oversubscribed, err = resources.FromProtos(s.GetOversubscribedResources()); err != nil {
		return nil, fmt.Errorf("invalid oversubscribed resources: %w", err)
	}
	return p, nil
}

// planRegistration checks a parsed SUBSCRIBE on the loop. A new agent gets
// its id and must be admitted; one that re-registers must be reachable in
// the registry again (after being unreachable, or admitted by an earlier
// master), and its AgentInfo updated if it changed.
func (m *Master) planRegistration(p *registration) error {
	info, s := p.info, p.s
	id := info.GetId().GetValue()
	if _, gone := m.goneAgents[id]; id != "" && gone {
		return &refusal{"agent " + id + " has been marked gone"}
	}
	if m.machineDown(info.GetHostname(), s.GetAddress().GetIp()) {
		return &refusal{"agent attempted to register on a machine that is in maintenance (DOWN)"}
	}
	if m.markingUnreachable[id] || m.markingGone[id] || m.removing[id] {
		return &callError{http.StatusServiceUnavailable, "agent " + id + " is being removed; retry later"}
	}
	switch a := m.agents[id]; {
	case id == "":
		info.Id = agentIDProto(m.newAgentID())
		p.ops = []registry.Operation{&registry.AdmitAgent{Info: info}}
		m.metrics.inc("master/messages_register_slave")
	case a != nil:
		if !proto.Equal(a.info, info) {
			p.ops = []registry.Operation{&registry.UpdateAgent{Info: info}}
		}
		m.reregistering[id] = true
		m.metrics.inc("master/messages_reregister_slave")
	case m.recoveredAgents[id] != nil:
		// Admitted in the registry this master recovered (it comes back
		// after a failover): it is reachable already, so only new info is
		// written, as Mesos's UpdateSlave. Ten thousand agents coming back
		// at once then cost the registrar nothing.
		if !proto.Equal(m.recoveredAgents[id], info) {
			p.ops = []registry.Operation{&registry.UpdateAgent{Info: info}}
		}
		m.reregistering[id] = true
		m.metrics.inc("master/messages_reregister_slave")
	default:
		p.ops = []registry.Operation{&registry.MarkAgentReachable{Info: info}, &registry.UpdateAgent{Info: info}}
		m.reregistering[id] = true
		m.metrics.inc("master/messages_reregister_slave")
	}
	return nil
}

// registerAgent admits a new agent, or takes back one that re-registers
// with its id (after a disconnection, its own restart or a master failover).
func (m *Master) registerAgent(p *registration, sub *subscriber) (*agent, *agentmasterpb.AgentEvent, error) {
	info, s := p.info, p.s
	id := info.GetId().GetValue()
	delete(m.reregistering, id)
	if _, gone := m.goneAgents[id]; gone {
		return nil, nil, &refusal{"agent " + id + " has been marked gone"}
	}
	if m.markingUnreachable[id] || m.markingGone[id] || m.removing[id] {
		return nil, nil, &callError{http.StatusServiceUnavailable, "agent " + id + " is being removed; retry later"}
	}
	now := m.cfg.Now()
	a := m.agents[id]
	reregistering := s.GetAgentInfo().GetId().GetValue() != ""
	isNew := a == nil
	if isNew {
		a = &agent{
			id: id, regTime: now,
			used: map[string]resources.Resources{}, tasks: map[string]map[string]*task{},
			executors: map[string]map[string]*mesospb.ExecutorInfo{},
		}
		m.agents[id] = a
		delete(m.unreachableAgents, id)
		delete(m.recoveredAgents, id)
	} else {
		a.reregTime = now
		a.disconnect() // an older stream of the same agent, if still open
		m.rescindAgentOffers(a)
	}
	if reregistering {
		m.metrics.inc("master/slave_reregistrations")
	} else {
		m.metrics.inc("master/slave_registrations")
	}
	a.info, a.capabilities, a.version, a.address = info, s.GetCapabilities(), s.GetVersion(), s.GetAddress()
	a.pid = "slave(1)@" + a.address.GetIp() + ":" + strconv.Itoa(int(a.address.GetPort()))
	a.checkpointed, a.oversubscribed = p.checkpointed, p.oversubscribed
	a.total = computeTotal(p.base, p.checkpointed, p.oversubscribed)
	a.sub, a.unanswered = sub, 0
	a.active = !m.deactivatedAgents[id]

	if reregistering {
		m.reconcileAgent(a, s)
		m.adoptAgentOperations(a, s.GetOperations())
	}
	if isNew {
		var used []*allocator.FrameworkResources
		for fwID, r := range a.used {
			used = append(used, &allocator.FrameworkResources{FrameworkId: fwID, Resources: r.Protos()})
		}
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
			AgentId: a.id, Info: info, Capabilities: a.capabilities, Total: a.total.Protos(), Used: used, Active: a.active,
			Unavailability: m.unavailabilityOf(a),
		}}})
		m.publishAgentAdded(a)
	} else {
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentUpdated{AgentUpdated: &allocator.AgentUpdated{
			AgentId: a.id, Total: a.total.Protos(), Capabilities: a.capabilities,
		}}})
		if a.active {
			m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: a.id, Active: true}}})
		}
	}
	m.schedulePing(a)
	m.allocateSoon()
	m.log.Info("agent registered", "agent", a.id, "hostname", info.GetHostname(), "resources", a.total.String(), "reregistered", reregistering)
	if d := m.drainInfo[id]; d.GetState() == mesospb.DrainState_DRAINING {
		m.drainTasks(a) // a draining agent goes on draining after it comes back
	}
	return a, &agentmasterpb.AgentEvent{
		Type: agentmasterpb.AgentEvent_SUBSCRIBED.Enum(),
		Subscribed: &agentmasterpb.AgentEvent_Subscribed{
			AgentId:             agentIDProto(a.id),
			MasterInfo:          m.Info(),
			PingIntervalSeconds: proto.Float64(m.cfg.AgentPingTimeout.Seconds()),
		},
	}, nil
}

// handleAgentCall applies one call of a subscribed agent.
func (m *Master) handleAgentCall(a *agent, call *agentmasterpb.AgentCall) error {
	switch call.GetType() {
	case agentmasterpb.AgentCall_PONG:
		m.agentPong(a)
	case agentmasterpb.AgentCall_STATUS_UPDATE:
		if call.GetStatusUpdate() == nil {
			return errors.New("expecting 'status_update' to be present")
		}
		m.statusUpdate(a, call.GetStatusUpdate())
	case agentmasterpb.AgentCall_EXECUTOR_EXITED:
		if call.GetExecutorExited() == nil {
			return errors.New("expecting 'executor_exited' to be present")
		}
		m.executorExited(a, call.GetExecutorExited())
	case agentmasterpb.AgentCall_FRAMEWORK_MESSAGE:
		msg := call.GetFrameworkMessage()
		if msg == nil {
			return errors.New("expecting 'framework_message' to be present")
		}
		m.executorMessage(a, msg)
	case agentmasterpb.AgentCall_UPDATE_RESOURCES:
		return m.updateOversubscribed(a, call.GetUpdateResources().GetOversubscribedResources())
	case agentmasterpb.AgentCall_UNREGISTER:
		m.removeAgentForGood(a, "agent unregistered", "master/slave_removals/reason_unregistered")
	case agentmasterpb.AgentCall_UPDATE_OPERATION_STATUS:
		return m.operationStatusUpdate(a, call.GetUpdateOperationStatus())
	default:
		return fmt.Errorf("unknown agent call type %v", call.GetType())
	}
	return nil
}

// countAgentCall counts a call under Mesos's message metric names.
func (m *Master) countAgentCall(t agentmasterpb.AgentCall_Type) {
	switch t {
	case agentmasterpb.AgentCall_STATUS_UPDATE:
		m.metrics.inc("master/messages_status_update")
	case agentmasterpb.AgentCall_EXECUTOR_EXITED:
		m.metrics.inc("master/messages_exited_executor")
	case agentmasterpb.AgentCall_FRAMEWORK_MESSAGE:
		m.metrics.inc("master/messages_executor_to_framework")
	case agentmasterpb.AgentCall_UPDATE_RESOURCES:
		m.metrics.inc("master/messages_update_slave")
	case agentmasterpb.AgentCall_UNREGISTER:
		m.metrics.inc("master/messages_unregister_slave")
	case agentmasterpb.AgentCall_UPDATE_OPERATION_STATUS:
		m.metrics.inc("master/messages_operation_status_update")
	}
}

// removeAgentForGood removes an agent that leaves for good (it
// unregistered, or its machine was brought down), once the registry has
// forgotten it (Mesos's RemoveSlave).
func (m *Master) removeAgentForGood(a *agent, why, metric string) {
	if m.markingUnreachable[a.id] || m.markingGone[a.id] || m.removing[a.id] {
		return
	}
	m.removing[a.id] = true
	m.deactivateAgent(a)
	m.applyThen(&registry.RemoveAgent{AgentID: agentIDProto(a.id)}, func(err error) {
		delete(m.removing, a.id)
		if err != nil {
			m.log.Error("could not remove an agent from the registry", "agent", a.id, "error", err)
			return
		}
		if m.agents[a.id] == a {
			m.metrics.inc("master/slave_removals")
			m.metrics.inc(metric)
			m.removeAgent(a, why, removedForGood)
		}
	})
}

// updateOversubscribed takes a new revocable estimate from the agent.
func (m *Master) updateOversubscribed(a *agent, ps []*mesospb.Resource) error {
	over, err := resources.FromProtos(ps)
	if err != nil {
		return fmt.Errorf("invalid oversubscribed resources: %w", err)
	}
	a.total = a.total.Subtract(a.oversubscribed).Add(over)
	a.oversubscribed = over
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentUpdated{AgentUpdated: &allocator.AgentUpdated{
		AgentId: a.id, Total: a.total.Protos(), Capabilities: a.capabilities,
	}}})
	m.allocateSoon()
	return nil
}

func agentIDProto(id string) *mesospb.AgentID { return &mesospb.AgentID{Value: proto.String(id)} }

func frameworkIDProto(id string) *mesospb.FrameworkID {
	return &mesospb.FrameworkID{Value: proto.String(id)}
}

func itoa(n int) string { return strconv.Itoa(n) }
