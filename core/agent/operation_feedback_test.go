package agent

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// getOperations is the master's GET_OPERATIONS.
func getOperations(t *testing.T, masterAddr string) []*mesospb.Operation {
	t.Helper()
	resp := postProto(t, "http://"+masterAddr+"/api/v1", &masterpb.Call{Type: masterpb.Call_GET_OPERATIONS.Enum()}, nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET_OPERATIONS: %s %s", resp.Status, body)
	}
	var r masterpb.Response
	if err := proto.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r.GetGetOperations().GetOperations()
}

// agentOperations is the agent's own GET_OPERATIONS.
func agentOperations(t *testing.T, a *testAgent) []*mesospb.Operation {
	t.Helper()
	resp := postProto(t, fmt.Sprintf("http://127.0.0.1:%d/api/v1", a.port), &agentpb.Call{Type: agentpb.Call_GET_OPERATIONS.Enum()}, nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("agent GET_OPERATIONS: %s %s", resp.Status, body)
	}
	var r agentpb.Response
	if err := proto.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r.GetGetOperations().GetOperations()
}

func (s *testScheduler) operationUpdate(opID string) *mesospb.OperationStatus {
	s.t.Helper()
	return s.next("UPDATE_OPERATION_STATUS of "+opID, isOperationUpdate(opID)).GetUpdateOperationStatus().GetStatus()
}

func reserveOp(id, role string, cpus float64) *mesospb.Offer_Operation {
	return &mesospb.Offer_Operation{
		Type: mesospb.Offer_Operation_RESERVE.Enum(),
		Id:   &mesospb.OperationID{Value: proto.String(id)},
		Reserve: &mesospb.Offer_Operation_Reserve{Resources: []*mesospb.Resource{{
			Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(),
			Scalar:         &mesospb.Value_Scalar{Value: proto.Float64(cpus)},
			Reservations:   []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String(role), Principal: proto.String("ops")}},
			AllocationInfo: &mesospb.Resource_AllocationInfo{Role: proto.String("web")},
		}}},
	}
}

// TestOperationFeedback: a RESERVE with an id is applied by a real agent,
// which reports OPERATION_FINISHED (with a status uuid) until the
// framework acknowledges it, across an agent restart (the status is
// checkpointed); GET_OPERATIONS lists it until then; RECONCILE_OPERATIONS
// answers for known and unknown operations; invalid operations with an id
// are answered OPERATION_ERROR and launches with one TASK_ERROR.
func TestOperationFeedback(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	info := frameworkInfo("feedback", false)
	info.Roles = []string{"web"}
	info.Principal = proto.String("ops")
	s := subscribeScheduler(t, m.addr, info)
	o := s.offer()
	agentID := o.GetAgentId().GetValue()

	task := commandTask("t", "true", "cpus:0.1;mem:32")
	task.AgentId = o.GetAgentId()
	launchWithID := &mesospb.Offer_Operation{
		Type: mesospb.Offer_Operation_LAUNCH.Enum(), Id: &mesospb.OperationID{Value: proto.String("launch")},
		Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{task}},
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()},
		Operations: []*mesospb.Offer_Operation{
			reserveOp("bad", "db", 1), // not the offer's role
			launchWithID,
			reserveOp("op1", "web", 1),
		},
	}})
	if st := s.operationUpdate("bad"); st.GetState() != mesospb.OperationState_OPERATION_ERROR || st.GetUuid() != nil ||
		!strings.Contains(st.GetMessage(), "but the resource was allocated to role 'web'") {
		t.Errorf("invalid RESERVE: %v", st)
	}
	if st := s.updateNoAck("t"); st.GetState() != mesospb.TaskState_TASK_ERROR || st.GetMessage() != "The `id` field cannot be set on LAUNCH operations" {
		t.Errorf("LAUNCH with an id: %v", st)
	}
	first := s.operationUpdate("op1")
	if first.GetState() != mesospb.OperationState_OPERATION_FINISHED || len(first.GetUuid().GetValue()) != 16 || first.GetAgentId().GetValue() != agentID {
		t.Fatalf("RESERVE with feedback: %v", first)
	}
	ops := getOperations(t, m.addr)
	if len(ops) != 1 || ops[0].GetInfo().GetId().GetValue() != "op1" || ops[0].GetFrameworkId().GetValue() != s.id ||
		ops[0].GetLatestStatus().GetState() != mesospb.OperationState_OPERATION_FINISHED || len(ops[0].GetStatuses()) != 1 {
		t.Fatalf("GET_OPERATIONS %v", ops)
	}
	if ops := agentOperations(t, a); len(ops) != 1 || ops[0].GetInfo().GetId().GetValue() != "op1" ||
		!proto.Equal(ops[0].GetLatestStatus().GetUuid(), first.GetUuid()) {
		t.Fatalf("the agent's GET_OPERATIONS before the acknowledgement: %v", ops)
	}

	// Unacknowledged, the status survives an agent restart and comes again.
	cfg.Port = a.port
	a.stop(t)
	a = startAgent(t, cfg)
	again := s.operationUpdate("op1")
	if !proto.Equal(again.GetUuid(), first.GetUuid()) {
		t.Errorf("status after the agent restart %v, want the checkpointed %v", again, first)
	}

	s.send(&schedulerpb.Call{Type: schedulerpb.Call_RECONCILE_OPERATIONS.Enum(), ReconcileOperations: &schedulerpb.Call_ReconcileOperations{
		Operations: []*schedulerpb.Call_ReconcileOperations_Operation{
			{OperationId: &mesospb.OperationID{Value: proto.String("op1")}},
			{OperationId: &mesospb.OperationID{Value: proto.String("nope")}, AgentId: o.GetAgentId()},
			{OperationId: &mesospb.OperationID{Value: proto.String("nowhere")}},
		},
	}})
	if st := s.operationUpdate("op1"); st.GetState() != mesospb.OperationState_OPERATION_FINISHED || st.GetUuid() != nil {
		t.Errorf("reconciled op1: %v", st)
	}
	if st := s.operationUpdate("nope"); st.GetState() != mesospb.OperationState_OPERATION_UNKNOWN ||
		st.GetMessage() != "Reconciliation: Operation is unknown" || st.GetAgentId().GetValue() != agentID {
		t.Errorf("reconciled unknown operation: %v", st)
	}
	if st := s.operationUpdate("nowhere"); st.GetState() != mesospb.OperationState_OPERATION_UNKNOWN ||
		st.GetMessage() != "Reconciliation: Operation is unknown and no 'agent_id' was provided" {
		t.Errorf("reconciled operation without agent: %v", st)
	}

	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE_OPERATION_STATUS.Enum(), AcknowledgeOperationStatus: &schedulerpb.Call_AcknowledgeOperationStatus{
		AgentId: o.GetAgentId(), OperationId: &mesospb.OperationID{Value: proto.String("op1")}, Uuid: first.GetUuid().GetValue(),
	}})
	eventually(t, "the operation forgotten by the master", func() bool { return len(getOperations(t, m.addr)) == 0 })
	eventually(t, "the operation forgotten by the agent", func() bool { return len(agentOperations(t, a)) == 0 })
	eventually(t, "the acknowledgement checkpointed by the agent", func() bool {
		var msg agentmasterpb.AgentEvent_ApplyOperations
		return checkpoint.Read(a.layout.ResourcesInfoPath(), &msg) == nil && len(msg.GetTracked()) == 0 &&
			len(msg.GetCheckpointedResources()) == 1
	})
}

// TestOperationFeedbackMasterRestart: an unacknowledged operation status
// reaches the framework through a restarted master, which learns the
// operation from the re-registering agent, and is acknowledged there.
func TestOperationFeedbackMasterRestart(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	info := frameworkInfo("feedback-failover", false)
	info.Roles = []string{"web"}
	info.Principal = proto.String("ops")
	info.FailoverTimeout = proto.Float64(3600)
	s := subscribeScheduler(t, m.addr, info)
	o := s.offer()
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()}, Operations: []*mesospb.Offer_Operation{reserveOp("op1", "web", 1)},
	}})
	first := s.operationUpdate("op1")
	m.stop()
	eventually(t, "the agent to notice", func() bool {
		var disconnected bool
		_ = a.call(t.Context(), func() { disconnected = a.state == stateDisconnected })
		return disconnected
	})
	m2 := startMasterAt(t, m.addr)
	a.waitRegistered(t)
	ops := getOperations(t, m2.addr)
	if len(ops) != 1 || ops[0].GetInfo().GetId().GetValue() != "op1" || !proto.Equal(ops[0].GetLatestStatus().GetUuid(), first.GetUuid()) {
		t.Fatalf("GET_OPERATIONS after the master restart: %v", ops)
	}
	info.Id = &mesospb.FrameworkID{Value: proto.String(s.id)}
	s2 := subscribeScheduler(t, m2.addr, info)
	again := s2.operationUpdate("op1")
	if !proto.Equal(again.GetUuid(), first.GetUuid()) {
		t.Fatalf("status through the new master %v, want %v", again, first)
	}
	s2.send(&schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE_OPERATION_STATUS.Enum(), AcknowledgeOperationStatus: &schedulerpb.Call_AcknowledgeOperationStatus{
		AgentId: o.GetAgentId(), OperationId: &mesospb.OperationID{Value: proto.String("op1")}, Uuid: first.GetUuid().GetValue(),
	}})
	eventually(t, "the operation forgotten", func() bool { return len(getOperations(t, m2.addr)) == 0 })
	eventually(t, "the agent's checkpoint cleared", func() bool {
		var msg agentmasterpb.AgentEvent_ApplyOperations
		return checkpoint.Read(a.layout.ResourcesInfoPath(), &msg) == nil && len(msg.GetTracked()) == 0
	})
}
