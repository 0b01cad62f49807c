package agent

import (
	"maps"
	"os"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/uuid"
)

// Operation feedback on the agent's default resources (Mesos's
// AGENT_OPERATION_FEEDBACK): an operation the master tracks is applied
// at once (it only changes checkpointed resources), so it finishes when
// it is checkpointed. Its OPERATION_FINISHED status, with a status uuid,
// is kept in the resources checkpoint until the master acknowledges it,
// sent at once, again at every (re-)registration and every
// --status_update retry interval meanwhile; a restarted agent recovers it
// and reports the operation in its SUBSCRIBE so a new master knows it.

// finishTracked is the tracked operations once those of ev are finished:
// each gets an OPERATION_FINISHED status (Mesos sets no converted
// resources for operations on agent default resources).
func (a *Agent) finishTracked(ops []*mesospb.Operation) map[string]*mesospb.Operation {
	out := maps.Clone(a.trackedOps)
	if out == nil {
		out = map[string]*mesospb.Operation{}
	}
	for _, op := range ops {
		key := string(op.GetUuid().GetValue())
		if key == "" || out[key] != nil {
			continue // no uuid to report it by, or already done
		}
		op = proto.CloneOf(op)
		id := uuid.New()
		st := &mesospb.OperationStatus{
			OperationId: op.GetInfo().GetId(),
			State:       mesospb.OperationState_OPERATION_FINISHED.Enum(),
			Uuid:        &mesospb.UUID{Value: id.Bytes()},
			AgentId:     a.agentIDProto(),
		}
		op.Statuses = append(op.Statuses, st)
		op.LatestStatus = st
		out[key] = op
	}
	return out
}

// sendOperationStatus sends the latest status of a tracked operation, and
// makes sure it is sent again until acknowledged.
func (a *Agent) sendOperationStatus(op *mesospb.Operation) {
	if op == nil || len(op.GetStatuses()) == 0 {
		return
	}
	a.sendToMaster(&agentmasterpb.AgentCall{
		Type: agentmasterpb.AgentCall_UPDATE_OPERATION_STATUS.Enum(),
		UpdateOperationStatus: &agentmasterpb.AgentCall_UpdateOperationStatus{
			FrameworkId:   op.GetFrameworkId(),
			Status:        op.GetStatuses()[len(op.GetStatuses())-1],
			OperationUuid: op.GetUuid(),
		},
	})
	a.retryOperationStatuses()
}

// resendOperationStatuses sends every unacknowledged operation status
// (after a (re-)registration).
func (a *Agent) resendOperationStatuses() {
	for _, k := range slices.Sorted(maps.Keys(a.trackedOps)) {
		a.sendOperationStatus(a.trackedOps[k])
	}
}

// retryOperationStatuses arms one timer that resends the unacknowledged
// statuses while there are any.
func (a *Agent) retryOperationStatuses() {
	if a.operationRetry || len(a.trackedOps) == 0 {
		return
	}
	a.operationRetry = true
	d := a.cfg.StatusUpdateRetryMin
	if d <= 0 {
		d = 10 * time.Second
	}
	a.after(d, func() {
		a.operationRetry = false
		a.resendOperationStatuses()
	})
}

// acknowledgeOperationStatus forgets a tracked operation once the master
// acknowledged its latest status, and checkpoints that.
func (a *Agent) acknowledgeOperationStatus(ack *agentmasterpb.AgentEvent_AcknowledgeOperationStatus) {
	key := string(ack.GetOperationUuid().GetValue())
	op := a.trackedOps[key]
	if op == nil {
		return
	}
	latest := op.GetStatuses()[len(op.GetStatuses())-1]
	if string(latest.GetUuid().GetValue()) != string(ack.GetStatusUuid().GetValue()) {
		a.log.Warn("ignoring the acknowledgement of an operation status that is not the latest", "operation", op.GetInfo().GetId().GetValue())
		return
	}
	left := maps.Clone(a.trackedOps)
	delete(left, key)
	if err := a.checkpointResources(a.checkpointed, left); err != nil {
		a.log.Error("failed to checkpoint an operation acknowledgement", "error", err)
		return
	}
	if err := os.Rename(a.layout.ResourcesTargetPath(), a.layout.ResourcesInfoPath()); err != nil {
		a.log.Error("failed to commit an operation acknowledgement", "error", err)
		return
	}
	a.trackedOps = left
	a.log.Info("Operation status acknowledged", "operation", op.GetInfo().GetId().GetValue())
}

// recoverTrackedOperations reads back the unacknowledged operations
// checkpointed with the resources.
func (a *Agent) recoverTrackedOperations() {
	var msg agentmasterpb.AgentEvent_ApplyOperations
	if err := checkpoint.Read(a.layout.ResourcesInfoPath(), &msg); err != nil {
		return // none checkpointed (or no resources file at all)
	}
	a.trackedOps = map[string]*mesospb.Operation{}
	for _, op := range msg.GetTracked() {
		if key := string(op.GetUuid().GetValue()); key != "" && len(op.GetStatuses()) > 0 {
			a.trackedOps[key] = op
		}
	}
}

// trackedOperations are the unacknowledged operations, for SUBSCRIBE.
func (a *Agent) trackedOperations() []*mesospb.Operation {
	out := make([]*mesospb.Operation, 0, len(a.trackedOps))
	for _, k := range slices.Sorted(maps.Keys(a.trackedOps)) {
		out = append(out, proto.CloneOf(a.trackedOps[k]))
	}
	return out
}

// getOperations is GET_OPERATIONS: the operations with feedback whose
// latest status the master has not acknowledged yet (the others are done
// and forgotten, and the agent has no resource providers whose operations
// could be pending), copied for the caller, in a stable order.
func (a *Agent) getOperations() []*mesospb.Operation {
	out := make([]*mesospb.Operation, 0, len(a.trackedOps))
	for _, k := range slices.Sorted(maps.Keys(a.trackedOps)) {
		out = append(out, proto.CloneOf(a.trackedOps[k]))
	}
	return out
}
