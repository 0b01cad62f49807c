package containerizer

import (
	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Termination is how a container ended (Mesos's ContainerTermination).
type Termination struct {
	// Status is the wait status of the container's command.
	Status launcher.ExitStatus
	// State is TASK_FAILED when the container hit a limitation; unset
	// otherwise (the agent decides from the exit status).
	State *mesospb.TaskState
	// Reasons are the limitations' reasons, in the order they came.
	Reasons []mesospb.TaskStatus_Reason
	// Message says why the container ended, when the containerizer knows
	// more than the exit status: limitations (joined with "; "), a failed
	// launch.
	Message string
	// LimitedResources are the resources whose limits were hit.
	LimitedResources []*mesospb.Resource
}

// Limited reports whether the container was destroyed by a limitation.
func (t *Termination) Limited() bool { return len(t.Reasons) > 0 || t.State != nil }
