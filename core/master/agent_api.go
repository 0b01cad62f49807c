package master

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
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
	sub := newSubscriber(uuid.New().String())
	var subscribed *agentmasterpb.AgentEvent
	var a *agent
	var regErr error
	if err := m.call(r.Context(), func() {
		a, subscribed, regErr = m.registerAgent(call.GetSubscribe(), sub)
	}); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	if regErr != nil {
		var refused *refusal
		if errors.As(regErr, &refused) {
			http.Error(w, regErr.Error(), http.StatusForbidden)
			return
		}
		http.Error(w, regErr.Error(), http.StatusBadRequest)
		return
	}
	out, err := httpapi.StartStream(w, codec, sub.id)
	if err != nil {
		m.post(func() { m.agentDisconnected(a, sub) })
		return
	}
	if out.Send(subscribed) == nil {
		pump(r.Context(), out, sub, 0, nil)
	}
	m.post(func() { m.agentDisconnected(a, sub) })
}

// refusal is a registration the master turns down for good (answer 403).
type refusal struct{ msg string }

func (e *refusal) Error() string { return e.msg }

// registerAgent admits a new agent, or takes back one that re-registers
// with its id (after a disconnection, its own restart or a master failover).
func (m *Master) registerAgent(s *agentmasterpb.AgentCall_Subscribe, sub *subscriber) (*agent, *agentmasterpb.AgentEvent, error) {
	info := proto.Clone(s.GetAgentInfo()).(*mesospb.AgentInfo)
	base, err := resources.FromProtos(info.GetResources())
	if err != nil {
		return nil, nil, fmt.Errorf("invalid agent resources: %w", err)
	}
	checkpointed, err := resources.FromProtos(s.GetCheckpointedResources())
	if err != nil {
		return nil, nil, fmt.Errorf("invalid checkpointed resources: %w", err)
	}
	oversubscribed, err := resources.FromProtos(s.GetOversubscribedResources())
	if err != nil {
		return nil, nil, fmt.Errorf("invalid oversubscribed resources: %w", err)
	}
	now := m.cfg.Now()
	id := info.GetId().GetValue()
	if id != "" && m.goneAgents[id] {
		return nil, nil, &refusal{"agent " + id + " has been marked gone"}
	}
	a := m.agents[id]
	reregistering := id != ""
	isNew := a == nil
	if isNew {
		if id == "" {
			id = m.newAgentID()
			info.Id = agentIDProto(id)
		}
		a = &agent{
			id: id, regTime: now,
			used: map[string]resources.Resources{}, tasks: map[string]map[string]*task{},
			executors: map[string]map[string]*mesospb.ExecutorInfo{},
		}
		m.agents[id] = a
		delete(m.unreachableAgents, id)
	} else {
		a.reregTime = now
		a.disconnect() // an older stream of the same agent, if still open
		m.rescindAgentOffers(a)
	}
	a.info, a.capabilities, a.version, a.address = info, s.GetCapabilities(), s.GetVersion(), s.GetAddress()
	a.pid = "slave(1)@" + a.address.GetIp() + ":" + strconv.Itoa(int(a.address.GetPort()))
	a.checkpointed, a.oversubscribed = checkpointed, oversubscribed
	a.total = computeTotal(base, checkpointed, oversubscribed)
	a.sub, a.unanswered = sub, 0
	a.active = true

	if reregistering {
		m.reconcileAgent(a, s)
	}
	if isNew {
		var used []*allocator.FrameworkResources
		for fwID, r := range a.used {
			used = append(used, &allocator.FrameworkResources{FrameworkId: fwID, Resources: r.Protos()})
		}
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: &allocator.AgentAdded{
			AgentId: a.id, Info: info, Capabilities: a.capabilities, Total: a.total.Protos(), Used: used, Active: true,
		}}})
	} else {
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentUpdated{AgentUpdated: &allocator.AgentUpdated{
			AgentId: a.id, Total: a.total.Protos(), Capabilities: a.capabilities,
		}}})
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: a.id, Active: true}}})
	}
	m.schedulePing(a)
	m.allocateSoon()
	m.log.Info("agent registered", "agent", a.id, "hostname", info.GetHostname(), "resources", a.total.String(), "reregistered", reregistering)
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
		m.removeAgent(a, "agent unregistered", mesospb.TaskStatus_REASON_AGENT_REMOVED, false)
	default:
		return fmt.Errorf("unknown agent call type %v", call.GetType())
	}
	return nil
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
