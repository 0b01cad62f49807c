package master

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/uuid"
)

// Operation feedback (Mesos 1.x, v1 schedulers): a RESERVE, UNRESERVE,
// CREATE or DESTROY with an `id` on an agent with the RESOURCE_PROVIDER and
// AGENT_OPERATION_FEEDBACK capabilities is tracked. The master records it
// as OPERATION_PENDING and sends it to the agent with a uuid; the agent
// applies it, checkpoints its terminal status (OPERATION_FINISHED, with a
// status uuid) and sends it until acknowledged. The master forwards the
// status to the framework as UPDATE_OPERATION_STATUS and passes the
// framework's ACKNOWLEDGE_OPERATION_STATUS back to the agent; an
// acknowledged terminal status ends the tracking. An operation Mesos
// refuses is answered OPERATION_ERROR at once (never tracked).
// RECONCILE_OPERATIONS answers with the latest known status or what the
// master knows of the agent; GET_OPERATIONS lists what is tracked.

// trackedOperation is an operation the master tracks by uuid.
type trackedOperation struct {
	uuid  string // the operation's uuid (raw bytes)
	fwID  string
	agent string
	p     *mesospb.Operation
}

// id is the framework's operation id.
func (op *trackedOperation) id() string { return op.p.GetInfo().GetId().GetValue() }

// latest is the latest status: the last one received, or the pending one.
func (op *trackedOperation) latest() *mesospb.OperationStatus {
	if n := len(op.p.GetStatuses()); n > 0 {
		return op.p.GetStatuses()[n-1]
	}
	return op.p.GetLatestStatus()
}

// feedbackError says why an operation with an id cannot be tracked on a,
// with Mesos's messages; nil when it can.
func (m *Master) feedbackError(fw *framework, a *agent, op *mesospb.Offer_Operation) error {
	switch op.GetType() {
	case mesospb.Offer_Operation_RESERVE, mesospb.Offer_Operation_UNRESERVE,
		mesospb.Offer_Operation_CREATE, mesospb.Offer_Operation_DESTROY,
		mesospb.Offer_Operation_GROW_VOLUME, mesospb.Offer_Operation_SHRINK_VOLUME:
	default:
		return fmt.Errorf("operation %s is not supported", op.GetType())
	}
	switch {
	case !agentCapable(a, mesospb.AgentInfo_Capability_RESOURCE_PROVIDER):
		return fmt.Errorf("Operation requested feedback, but agent %s does not have the required RESOURCE_PROVIDER capability", a.id)
	case !agentCapable(a, mesospb.AgentInfo_Capability_AGENT_OPERATION_FEEDBACK):
		return fmt.Errorf("Operation on agent default resources requested feedback, but agent %s does not have the required AGENT_OPERATION_FEEDBACK and RESOURCE_PROVIDER capabilities", a.id)
	case m.operationByID(fw.id, op.GetId().GetValue()) != nil:
		// Not checked by Mesos (it would lose track of the first one);
		// acknowledgements and reconciliation find operations by id.
		return fmt.Errorf("Operation ID '%s' is already in use by an operation of this framework", op.GetId().GetValue())
	}
	return nil
}

// dropOperation refuses an operation as Mesos's Master::drop does: logged,
// and answered OPERATION_ERROR (without agent: the operation is not tied
// to one) when the framework asked for feedback.
func (m *Master) dropOperation(fw *framework, op *mesospb.Offer_Operation, message string) {
	m.log.Info("dropping operation", "framework", fw.id, "operation", op.GetType().String(), "error", message)
	if op.GetId() == nil {
		return
	}
	fw.send(operationUpdate(&mesospb.OperationStatus{
		OperationId: op.GetId(),
		State:       mesospb.OperationState_OPERATION_ERROR.Enum(),
		Message:     proto.String(message),
	}))
}

func operationUpdate(st *mesospb.OperationStatus) *schedulerpb.Event {
	return &schedulerpb.Event{
		Type:                  schedulerpb.Event_UPDATE_OPERATION_STATUS.Enum(),
		UpdateOperationStatus: &schedulerpb.Event_UpdateOperationStatus{Status: st},
	}
}

// trackOperation records an applied operation with an id as pending and
// returns what the agent is sent.
func (m *Master) trackOperation(fw *framework, a *agent, info *mesospb.Offer_Operation) *mesospb.Operation {
	id := uuid.New()
	p := &mesospb.Operation{
		FrameworkId: frameworkIDProto(fw.id),
		AgentId:     agentIDProto(a.id),
		Info:        proto.CloneOf(info),
		LatestStatus: &mesospb.OperationStatus{
			OperationId: info.GetId(),
			State:       mesospb.OperationState_OPERATION_PENDING.Enum(),
			AgentId:     agentIDProto(a.id),
		},
		Uuid: &mesospb.UUID{Value: id[:]},
	}
	op := &trackedOperation{uuid: string(id[:]), fwID: fw.id, agent: a.id, p: p}
	m.operations[op.uuid] = op
	return proto.CloneOf(p)
}

// operationByID finds a framework's tracked operation by its id.
func (m *Master) operationByID(fwID, opID string) *trackedOperation {
	if opID == "" {
		return nil
	}
	for _, op := range m.operations {
		if op.fwID == fwID && op.id() == opID {
			return op
		}
	}
	return nil
}

// operationStatusUpdate takes an agent's UPDATE_OPERATION_STATUS: the
// status is recorded and forwarded to the framework, which acknowledges
// it; when the framework is gone the master acknowledges it itself.
func (m *Master) operationStatusUpdate(a *agent, u *agentmasterpb.AgentCall_UpdateOperationStatus) error {
	st := u.GetStatus()
	if st == nil || len(u.GetOperationUuid().GetValue()) == 0 || len(st.GetUuid().GetValue()) == 0 {
		return fmt.Errorf("expecting 'status' with a 'uuid' and 'operation_uuid' to be present")
	}
	op := m.operations[string(u.GetOperationUuid().GetValue())]
	if op == nil || op.agent != a.id {
		// Already acknowledged and forgotten (a retry raced with the
		// acknowledgement): acknowledge again so the agent stops.
		m.metrics.inc("master/invalid_operation_status_updates")
		m.sendOperationAck(a, u.GetOperationUuid().GetValue(), st.GetUuid().GetValue())
		return nil
	}
	m.metrics.inc("master/valid_operation_status_updates")
	st = proto.CloneOf(st)
	st.OperationId = op.p.GetInfo().GetId()
	st.AgentId = agentIDProto(a.id)
	if !hasStatus(op.p, st.GetUuid().GetValue()) {
		op.p.Statuses = append(op.p.Statuses, st)
		op.p.LatestStatus = st
	}
	fw := m.frameworks[op.fwID]
	switch {
	case fw == nil && m.isCompletedFramework(op.fwID):
		// The framework is gone: nobody else will acknowledge.
		m.sendOperationAck(a, op.p.GetUuid().GetValue(), st.GetUuid().GetValue())
		if isTerminalOperation(st.GetState()) {
			delete(m.operations, op.uuid)
		}
		return nil
	case fw == nil:
		// Not back yet after a master failover: the agent sends the
		// status again until the framework resubscribes and acknowledges.
		m.log.Info("keeping an operation status for a framework not subscribed yet", "framework", op.fwID, "operation", op.id())
		return nil
	}
	m.log.Info("forwarding operation status update", "framework", fw.id, "operation", op.id(), "state", st.GetState().String())
	fw.send(operationUpdate(proto.CloneOf(st)))
	return nil
}

func hasStatus(p *mesospb.Operation, statusUUID []byte) bool {
	for _, s := range p.GetStatuses() {
		if string(s.GetUuid().GetValue()) == string(statusUUID) {
			return true
		}
	}
	return false
}

func (m *Master) sendOperationAck(a *agent, operationUUID, statusUUID []byte) {
	a.send(&agentmasterpb.AgentEvent{
		Type: agentmasterpb.AgentEvent_ACKNOWLEDGE_OPERATION_STATUS.Enum(),
		AcknowledgeOperationStatus: &agentmasterpb.AgentEvent_AcknowledgeOperationStatus{
			OperationUuid: &mesospb.UUID{Value: operationUUID},
			StatusUuid:    &mesospb.UUID{Value: statusUUID},
		},
	})
}

// acknowledgeOperationStatus is ACKNOWLEDGE_OPERATION_STATUS: checked as
// Mesos does (invalid ones are logged and counted), passed on to the
// agent, and the operation forgotten once its terminal status is
// acknowledged.
func (m *Master) acknowledgeOperationStatus(fw *framework, ack *schedulerpb.Call_AcknowledgeOperationStatus) error {
	if _, err := uuid.FromBytes(ack.GetUuid()); err != nil {
		return badRequest("%v", err)
	}
	if ack.GetAgentId() == nil {
		return badRequest("Expecting 'agent_id' to be present")
	}
	agentID, opID := ack.GetAgentId().GetValue(), ack.GetOperationId().GetValue()
	invalid := func(why string) error {
		m.metrics.inc("master/invalid_operation_status_update_acknowledgements")
		m.log.Warn("cannot send operation status update acknowledgement", "framework", fw.id, "operation", opID, "agent", agentID, "reason", why)
		return nil
	}
	a := m.agents[agentID]
	switch {
	case a == nil:
		return invalid("agent is not registered")
	case !a.connected():
		return invalid("agent is disconnected")
	case ack.GetResourceProviderId() != nil:
		return invalid("resource providers are not supported")
	case !agentCapable(a, mesospb.AgentInfo_Capability_AGENT_OPERATION_FEEDBACK):
		return invalid("the agent does not support operation feedback on agent default resources")
	}
	op := m.operationByID(fw.id, opID)
	if op == nil || op.agent != a.id {
		return invalid("the operation is unknown")
	}
	var acked *mesospb.OperationStatus
	for _, s := range op.p.GetStatuses() {
		if string(s.GetUuid().GetValue()) == string(ack.GetUuid()) {
			acked = s
		}
	}
	if acked == nil {
		return invalid("the operation status is unknown")
	}
	if isTerminalOperation(acked.GetState()) {
		delete(m.operations, op.uuid)
	}
	m.sendOperationAck(a, op.p.GetUuid().GetValue(), ack.GetUuid())
	m.metrics.inc("master/valid_operation_status_update_acknowledgements")
	return nil
}

// reconcileOperations is RECONCILE_OPERATIONS, with Mesos's answers: the
// latest status of a known operation (without uuid: it is not sent
// reliably); otherwise what is known of its agent. No operations named
// means all of the framework's.
func (m *Master) reconcileOperations(fw *framework, r *schedulerpb.Call_ReconcileOperations) {
	if len(r.GetOperations()) == 0 {
		for _, op := range m.frameworkOperations(fw.id) {
			st := proto.CloneOf(op.latest())
			st.Uuid = nil
			fw.send(operationUpdate(st))
		}
		return
	}
	for _, want := range r.GetOperations() {
		agentID := want.GetAgentId().GetValue()
		var st *mesospb.OperationStatus
		if op := m.operationByID(fw.id, want.GetOperationId().GetValue()); op != nil {
			st = proto.CloneOf(op.latest())
			st.Uuid = nil
		} else {
			state, message := m.unknownOperation(want.GetAgentId())
			st = &mesospb.OperationStatus{
				OperationId:        want.GetOperationId(),
				State:              state.Enum(),
				Message:            proto.String(message),
				AgentId:            want.GetAgentId(),
				ResourceProviderId: want.GetResourceProviderId(),
			}
			if agentID == "" {
				st.AgentId = nil
			}
		}
		fw.send(operationUpdate(st))
	}
}

// unknownOperation is the state and message of an operation the master
// does not know, from what it knows of the named agent.
func (m *Master) unknownOperation(agentID *mesospb.AgentID) (mesospb.OperationState, string) {
	id := agentID.GetValue()
	_, recovered := m.recoveredAgents[id]
	_, unreachable := m.unreachableAgents[id]
	_, gone := m.goneAgents[id]
	switch {
	case agentID == nil:
		return mesospb.OperationState_OPERATION_UNKNOWN, "Reconciliation: Operation is unknown and no 'agent_id' was provided"
	case recovered:
		return mesospb.OperationState_OPERATION_RECOVERING, "Reconciliation: Agent is recovered but has not re-registered"
	case m.agents[id] != nil:
		return mesospb.OperationState_OPERATION_UNKNOWN, "Reconciliation: Operation is unknown"
	case unreachable:
		return mesospb.OperationState_OPERATION_UNREACHABLE, "Reconciliation: Agent is unreachable"
	case gone:
		return mesospb.OperationState_OPERATION_GONE_BY_OPERATOR, "Reconciliation: Agent marked gone by operator"
	}
	return mesospb.OperationState_OPERATION_UNKNOWN, "Reconciliation: Both operation and agent are unknown"
}

// frameworkOperations are a framework's tracked operations, in uuid order.
func (m *Master) frameworkOperations(fwID string) []*trackedOperation {
	var out []*trackedOperation
	for _, k := range sortedKeys(m.operations) {
		if op := m.operations[k]; op.fwID == fwID {
			out = append(out, op)
		}
	}
	return out
}

// operationsProto is GET_OPERATIONS: every tracked operation.
func (m *Master) operationsProto() []*mesospb.Operation {
	out := make([]*mesospb.Operation, 0, len(m.operations))
	for _, k := range sortedKeys(m.operations) {
		out = append(out, proto.CloneOf(m.operations[k].p))
	}
	return out
}

// adoptAgentOperations takes the unacknowledged operations a
// re-registering agent reports (after a master failover the master
// knows them only from it); the agent sends their statuses again.
func (m *Master) adoptAgentOperations(a *agent, ops []*mesospb.Operation) {
	for _, p := range ops {
		key := string(p.GetUuid().GetValue())
		if key == "" || p.GetInfo().GetId() == nil || m.operations[key] != nil {
			continue
		}
		p = proto.CloneOf(p)
		p.AgentId = agentIDProto(a.id)
		if n := len(p.GetStatuses()); n > 0 {
			p.LatestStatus = p.GetStatuses()[n-1]
		}
		m.operations[key] = &trackedOperation{uuid: key, fwID: p.GetFrameworkId().GetValue(), agent: a.id, p: p}
	}
}

// forgetAgentOperations drops an agent's operations when it is removed,
// telling their frameworks when it became unreachable (Mesos's
// sendBulkOperationFeedback): they reconcile later.
func (m *Master) forgetAgentOperations(a *agent, how removal) {
	for _, k := range sortedKeys(m.operations) {
		op := m.operations[k]
		if op.agent != a.id {
			continue
		}
		delete(m.operations, k)
		if fw := m.frameworks[op.fwID]; fw != nil && how == removedUnreachable {
			fw.send(operationUpdate(&mesospb.OperationStatus{
				OperationId: op.p.GetInfo().GetId(),
				State:       mesospb.OperationState_OPERATION_UNREACHABLE.Enum(),
				Message:     proto.String("Agent was marked unreachable"),
				AgentId:     agentIDProto(a.id),
			}))
		}
	}
}

func isTerminalOperation(s mesospb.OperationState) bool {
	switch s {
	case mesospb.OperationState_OPERATION_FINISHED, mesospb.OperationState_OPERATION_FAILED,
		mesospb.OperationState_OPERATION_ERROR, mesospb.OperationState_OPERATION_DROPPED,
		mesospb.OperationState_OPERATION_GONE_BY_OPERATOR:
		return true
	}
	return false
}
