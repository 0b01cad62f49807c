// Package isolator is the contract of the Isolator module kind: the Go
// interface the Mesos containerizer calls, and the messages (generated from
// isolator.proto) it is called with. Built-in, go-plugin and WASM isolators
// all implement this one interface.
package isolator

import (
	"context"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// Isolator isolates one aspect of containers (see isolator.proto for the
// order of calls). The containerizer may call it for different containers
// concurrently, and calls Watch, Usage, Status and Update of one container
// concurrently with each other; Prepare, Isolate and Cleanup of one
// container are never concurrent with each other.
type Isolator interface {
	// Recover is called once, before any other call, after an agent
	// restart (and at first start, with nothing to recover).
	Recover(ctx context.Context, req *RecoverRequest) (*RecoverResponse, error)
	// Prepare readies the isolation of a new container and says what its
	// launch needs. A nil LaunchInfo adds nothing.
	Prepare(ctx context.Context, req *PrepareRequest) (*PrepareResponse, error)
	// Isolate puts the container's first process under isolation.
	Isolate(ctx context.Context, req *IsolateRequest) (*IsolateResponse, error)
	// Watch blocks until the container hits a limit (returning it) or ctx
	// ends. When ctx ends, an isolator that can tell a limit was hit
	// meanwhile returns the limitation; otherwise it returns ctx.Err().
	Watch(ctx context.Context, req *WatchRequest) (*WatchResponse, error)
	// Update applies the container's new resources.
	Update(ctx context.Context, req *UpdateRequest) (*UpdateResponse, error)
	// Usage reports the statistics this isolator measures.
	Usage(ctx context.Context, req *UsageRequest) (*UsageResponse, error)
	// Status reports what this isolator adds to the container's status.
	Status(ctx context.Context, req *StatusRequest) (*StatusResponse, error)
	// Cleanup releases what the isolator holds for a container whose
	// processes are all gone. Unknown containers are not an error.
	Cleanup(ctx context.Context, req *CleanupRequest) (*CleanupResponse, error)
}

// Linux clone(2) namespace flags, as carried in
// ContainerLaunchInfo.clone_namespaces.
const (
	CloneNewNS  int32 = 0x00020000
	CloneNewUTS int32 = 0x04000000
	CloneNewIPC int32 = 0x08000000
	CloneNewPID int32 = 0x20000000
	CloneNewNet int32 = 0x40000000
)

// Linux mount(2) flags, as carried in ContainerMountInfo.flags.
const (
	MountReadOnly uint32 = 0x1
	MountNoSuid   uint32 = 0x2
	MountNoDev    uint32 = 0x4
	MountNoExec   uint32 = 0x8
	MountBind     uint32 = 0x1000
	MountRec      uint32 = 0x4000
)

// NewLimitation builds a ContainerLimitation with a mesos.v1 reason.
func NewLimitation(reason mesospb.TaskStatus_Reason, message string, resources ...*mesospb.Resource) *ContainerLimitation {
	return &ContainerLimitation{Resources: resources, Message: message, Reason: int32(reason)}
}

// TaskReason is the limitation's reason as a mesos.v1 enum value.
func (l *ContainerLimitation) TaskReason() mesospb.TaskStatus_Reason {
	return mesospb.TaskStatus_Reason(l.GetReason())
}
