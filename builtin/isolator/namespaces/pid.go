// Package namespaces holds namespaces/pid: each container in its own PID
// namespace.
package namespaces

import (
	"context"
	"errors"
	"os"

	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// PIDOptions configure namespaces/pid.
type PIDOptions struct {
	// DisallowSharingAgentPIDNamespace rejects containers asking to share
	// the agent's PID namespace (--disallow_sharing_agent_pid_namespace).
	DisallowSharingAgentPIDNamespace bool
}

// PID is namespaces/pid: every top-level container gets a new PID
// namespace (its first process is pid 1 there, and when it dies the
// kernel kills the rest) and a new mount namespace with its own /proc, so
// that tools like ps see only the container. A container whose
// ContainerInfo.linux_info.share_pid_namespace is true stays in the
// agent's PID namespace. Nested containers share their parent's.
type PID struct {
	isolator.Nop
	opts PIDOptions
}

var _ isolator.Isolator = (*PID)(nil)

// NewPID returns namespaces/pid; it needs root.
func NewPID(opts PIDOptions) (*PID, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("namespaces/pid: the pid namespace isolator requires root permissions")
	}
	if _, err := os.Stat("/proc/self/ns/pid"); err != nil {
		return nil, errors.New("namespaces/pid: pid namespaces are not supported by this kernel")
	}
	return &PID{opts: opts}, nil
}

func (p *PID) Prepare(_ context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	if req.GetContainerId().GetParent() != nil {
		return &isolator.PrepareResponse{}, nil
	}
	if req.GetConfig().GetContainerInfo().GetLinuxInfo().GetSharePidNamespace() {
		if p.opts.DisallowSharingAgentPIDNamespace {
			return nil, errors.New("sharing the agent's pid namespace is not allowed")
		}
		return &isolator.PrepareResponse{}, nil
	}
	return &isolator.PrepareResponse{LaunchInfo: &isolator.ContainerLaunchInfo{
		CloneNamespaces: []int32{isolator.CloneNewPID, isolator.CloneNewNS},
		// The container's own /proc, with Mesos's options. The mount
		// namespace keeps it from the host.
		Mounts: []*isolator.ContainerMountInfo{{
			Source: "proc", Target: "/proc", Type: "proc",
			Flags: isolator.MountNoSuid | isolator.MountNoExec | isolator.MountNoDev,
		}},
	}}, nil
}
