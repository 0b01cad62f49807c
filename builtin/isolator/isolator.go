// Package isolator is the catalog of the built-in isolators: the names
// --isolation accepts and how each is made. Every built-in implements the
// Isolator kind's contract (modules/kinds/isolator) exactly as a module
// would.
package isolator

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gomesos/mesos/builtin/isolator/cgroups"
	"github.com/gomesos/mesos/builtin/isolator/filesystem"
	"github.com/gomesos/mesos/builtin/isolator/namespaces"
	"github.com/gomesos/mesos/builtin/isolator/posix"
	kind "github.com/gomesos/mesos/modules/kinds/isolator"
)

// DefaultIsolation is Mesos's --isolation default.
const DefaultIsolation = "posix/cpu,posix/mem"

// Options carry the agent flags the built-in isolators read.
type Options struct {
	// CgroupsRoot is --cgroups_root ("mesos").
	CgroupsRoot string
	// CgroupsVersion forces cgroups v1 or v2 (0 detects).
	CgroupsVersion cgroups.Version
	// CgroupsEnableCFS is --cgroups_enable_cfs.
	CgroupsEnableCFS bool
	// CgroupsLimitSwap is --cgroups_limit_swap.
	CgroupsLimitSwap bool
	// RevocableCPUNormalPriority is --no-revocable_cpu_low_priority.
	RevocableCPUNormalPriority bool
	// EnforceContainerDiskQuota is --enforce_container_disk_quota.
	EnforceContainerDiskQuota bool
	// ContainerDiskWatchInterval is --container_disk_watch_interval (15s).
	ContainerDiskWatchInterval time.Duration
	// DisallowSharingAgentPIDNamespace is
	// --disallow_sharing_agent_pid_namespace.
	DisallowSharingAgentPIDNamespace bool
	Logger                           *slog.Logger
}

// Names lists the built-in isolators.
func Names() []string {
	return []string{
		"cgroups/cpu", "cgroups/mem", "filesystem/shared", "namespaces/pid",
		"posix/cpu", "posix/disk", "posix/mem",
	}
}

// New makes the built-in isolator called name. "disk/du" is accepted for
// posix/disk, as in Mesos.
func New(name string, opts Options) (kind.Isolator, error) {
	cg := cgroups.Options{Root: opts.CgroupsRoot, Version: opts.CgroupsVersion, Logger: opts.Logger}
	switch name {
	case "posix/cpu":
		return posix.NewCPU(), nil
	case "posix/mem":
		return posix.NewMem(), nil
	case "posix/disk", "disk/du":
		return posix.NewDisk(posix.DiskOptions{
			WatchInterval: opts.ContainerDiskWatchInterval, Enforce: opts.EnforceContainerDiskQuota, Logger: opts.Logger,
		}), nil
	case "cgroups/cpu":
		return cgroups.NewCPU(cgroups.CPUOptions{
			Options: cg, EnableCFS: opts.CgroupsEnableCFS, RevocableNormalPriority: opts.RevocableCPUNormalPriority,
		})
	case "cgroups/mem":
		return cgroups.NewMem(cgroups.MemOptions{Options: cg, LimitSwap: opts.CgroupsLimitSwap})
	case "namespaces/pid":
		return namespaces.NewPID(namespaces.PIDOptions{DisallowSharingAgentPIDNamespace: opts.DisallowSharingAgentPIDNamespace})
	case "filesystem/shared":
		return filesystem.NewShared()
	}
	return nil, fmt.Errorf("unknown isolator %q (built-in: %s)", name, strings.Join(Names(), ", "))
}

// Parse splits an --isolation value into names, rejecting duplicates.
func Parse(isolation string) ([]string, error) {
	var out []string
	for _, n := range strings.Split(isolation, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if n == "disk/du" {
			n = "posix/disk"
		}
		if slices.Contains(out, n) {
			return nil, fmt.Errorf("isolator %s listed twice in --isolation", n)
		}
		out = append(out, n)
	}
	return out, nil
}
