package agent

import (
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// applyOperations checkpoints the resources the master's operations made
// (dynamic reservations, persistent volumes) and creates or removes the
// volumes' directories, as Mesos's checkpointResourceState does. The
// master sends the whole checkpointed set after the operations, which the
// agent persists exactly. Operations the master tracks (a framework asked
// for feedback) finish here: their OPERATION_FINISHED status is
// checkpointed in the same file, in the same write, and sent until the
// master acknowledges it (operation_status.go).
func (a *Agent) applyOperations(ev *agentmasterpb.AgentEvent_ApplyOperations) {
	next, err := resources.FromProtos(ev.GetCheckpointedResources())
	if err != nil {
		a.log.Error("ignoring operations with invalid checkpointed resources", "error", err)
		return
	}
	tracked := a.finishTracked(ev.GetTracked())
	if err := a.checkpointResources(next, tracked); err != nil {
		a.log.Error("failed to checkpoint resources", "error", err)
		return
	}
	for _, op := range ev.GetOperations() {
		switch op.GetType() {
		case mesospb.Offer_Operation_CREATE:
			for _, v := range op.GetCreate().GetVolumes() {
				if dir := a.volumePath(v); dir != "" {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						a.log.Error("failed to create a persistent volume", "path", dir, "error", err)
					}
				}
			}
		case mesospb.Offer_Operation_DESTROY:
			for _, v := range op.GetDestroy().GetVolumes() {
				if dir := a.volumePath(v); dir != "" {
					if err := os.RemoveAll(dir); err != nil {
						a.log.Error("failed to remove a persistent volume", "path", dir, "error", err)
					}
				}
			}
		}
	}
	if err := os.Rename(a.layout.ResourcesTargetPath(), a.layout.ResourcesInfoPath()); err != nil {
		a.log.Error("failed to commit checkpointed resources", "error", err)
		return
	}
	a.checkpointed = next
	a.trackedOps = tracked
	a.log.Info("Checkpointed resources", "resources", next.String(), "total", a.totalResources().String())
	for _, op := range ev.GetTracked() {
		a.sendOperationStatus(tracked[string(op.GetUuid().GetValue())])
	}
}

// checkpointResources writes the checkpointed resources and the tracked
// operations not yet acknowledged to the target file; committing is
// renaming it to the resources file.
func (a *Agent) checkpointResources(r resources.Resources, tracked map[string]*mesospb.Operation) error {
	msg := &agentmasterpb.AgentEvent_ApplyOperations{CheckpointedResources: r.Protos()}
	for _, k := range slices.Sorted(maps.Keys(tracked)) {
		msg.Tracked = append(msg.Tracked, tracked[k])
	}
	return checkpoint.Write(a.layout.ResourcesTargetPath(), msg)
}

// volumePath is where a persistent volume lives:
// <work_dir>/volumes/roles/<role>/<persistence id>.
func (a *Agent) volumePath(r *mesospb.Resource) string {
	id := r.GetDisk().GetPersistence().GetId()
	if sandbox.ValidateID(id) != nil {
		return ""
	}
	role := "*"
	if res := r.GetReservations(); len(res) > 0 {
		role = res[len(res)-1].GetRole()
	} else if r.GetRole() != "" {
		role = r.GetRole()
	}
	if sandbox.ValidateID(role) != nil && role != "*" {
		return ""
	}
	return filepath.Join(a.cfg.WorkDir, "volumes", "roles", role, id)
}
