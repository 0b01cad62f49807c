package agent

import (
	"os"
	"path/filepath"

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
// agent persists exactly.
func (a *Agent) applyOperations(ev *agentmasterpb.AgentEvent_ApplyOperations) {
	next, err := resources.FromProtos(ev.GetCheckpointedResources())
	if err != nil {
		a.log.Error("ignoring operations with invalid checkpointed resources", "error", err)
		return
	}
	msg := &agentmasterpb.AgentEvent_ApplyOperations{CheckpointedResources: next.Protos()}
	if err := checkpoint.Write(a.layout.ResourcesTargetPath(), msg); err != nil {
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
	a.log.Info("Checkpointed resources", "resources", next.String(), "total", a.totalResources().String())
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
