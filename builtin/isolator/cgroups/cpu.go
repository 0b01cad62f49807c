package cgroups

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/isolator/internal/res"
	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Mesos's constants for the cpu controllers.
const (
	CPUSharesPerCPU          = 1024
	CPUSharesPerCPURevocable = 10
	MinCPUShares             = 2
	CPUWeightPerCPU          = 100 // v2
	CPUWeightPerCPURevocable = 1   // v2
	MinCPUWeight             = 1
	MaxCPUWeight             = 10000 // the kernel's bound
	CFSPeriod                = 100 * time.Millisecond
	MinCFSQuota              = time.Millisecond
)

// CPUOptions configure cgroups/cpu.
type CPUOptions struct {
	Options
	// EnableCFS caps each container at its cpus with CFS bandwidth control
	// (--cgroups_enable_cfs).
	EnableCFS bool
	// RevocableNormalPriority gives revocable cpus the weight of normal
	// ones (--no-revocable_cpu_low_priority).
	RevocableNormalPriority bool
}

// CPU is cgroups/cpu.
type CPU struct {
	*base
	opts CPUOptions
}

var _ isolator.Isolator = (*CPU)(nil)

// NewCPU returns cgroups/cpu, on the cpu and cpuacct controllers (v1) or
// the cpu controller (v2).
func NewCPU(opts CPUOptions) (*CPU, error) {
	b, err := newBase("cgroups/cpu", opts.Options, []string{"cpu", "cpuacct"}, []string{"cpu"})
	if err != nil {
		return nil, err
	}
	if opts.EnableCFS && b.h.Version == V1 {
		if _, err := os.Stat(filepath.Join(b.h.Mounts["cpu"], "cpu.cfs_quota_us")); err != nil {
			return nil, fmt.Errorf("cgroups/cpu: cpu.cfs_quota_us not found, the kernel may be too old for CFS bandwidth control: %w", err)
		}
	}
	return &CPU{base: b, opts: opts}, nil
}

// CPUShares is the v1 cpu.shares of cpus, as Mesos computes it.
func CPUShares(cpus float64, revocable bool) uint64 {
	per := float64(CPUSharesPerCPU)
	if revocable {
		per = CPUSharesPerCPURevocable
	}
	return max(uint64(per*cpus), MinCPUShares)
}

// CPUWeight is the v2 cpu.weight of cpus, as Mesos computes it (bounded
// by what the kernel accepts).
func CPUWeight(cpus float64, revocable bool) uint64 {
	per := float64(CPUWeightPerCPU)
	if revocable {
		per = CPUWeightPerCPURevocable
	}
	return min(max(uint64(per*cpus), MinCPUWeight), MaxCPUWeight)
}

// CFSQuota is the CFS quota of cpus per CFSPeriod.
func CFSQuota(cpus float64) time.Duration {
	return max(time.Duration(float64(CFSPeriod)*cpus), MinCFSQuota)
}

func (c *CPU) Recover(ctx context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	if err := c.recover(ctx, req); err != nil {
		return nil, err
	}
	return &isolator.RecoverResponse{}, nil
}

func (c *CPU) Prepare(ctx context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	cg, err := c.prepare(req.GetContainerId())
	if err != nil || cg == nil {
		return &isolator.PrepareResponse{}, err
	}
	if err := c.apply(cg, req.GetConfig().GetResources()); err != nil {
		_ = c.cleanup(ctx, req.GetContainerId())
		return nil, err
	}
	return &isolator.PrepareResponse{}, nil
}

func (c *CPU) Isolate(_ context.Context, req *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	if err := c.isolate(req.GetContainerId(), req.GetPid()); err != nil {
		return nil, err
	}
	return &isolator.IsolateResponse{}, nil
}

func (c *CPU) Watch(ctx context.Context, _ *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (c *CPU) Update(_ context.Context, req *isolator.UpdateRequest) (*isolator.UpdateResponse, error) {
	if req.GetContainerId().GetParent() != nil {
		return &isolator.UpdateResponse{}, nil
	}
	cg, ok := c.get(req.GetContainerId())
	if !ok {
		return nil, fmt.Errorf("unknown container %s", res.Key(req.GetContainerId()))
	}
	if err := c.apply(cg, req.GetResources()); err != nil {
		return nil, err
	}
	return &isolator.UpdateResponse{}, nil
}

// apply writes the cpu limits of resources.
func (c *CPU) apply(cg *Cgroup, resources []*mesospb.Resource) error {
	cpus, ok := res.Scalar(resources, "cpus")
	if !ok {
		return fmt.Errorf("cgroups/cpu: no cpus resource given")
	}
	revocable := !c.opts.RevocableNormalPriority && res.Revocable(resources, "cpus")
	if c.h.Version == V1 {
		shares := CPUShares(cpus, revocable)
		if err := cg.Write("cpu", "cpu.shares", strconv.FormatUint(shares, 10)); err != nil {
			return err
		}
		if c.opts.EnableCFS {
			if err := cg.Write("cpu", "cpu.cfs_period_us", strconv.FormatInt(CFSPeriod.Microseconds(), 10)); err != nil {
				return err
			}
			if err := cg.Write("cpu", "cpu.cfs_quota_us", strconv.FormatInt(CFSQuota(cpus).Microseconds(), 10)); err != nil {
				return err
			}
		}
		c.log.Info("updated cpu limits", "cgroup", cg.Rel, "cpus", cpus, "cpu.shares", shares, "cfs", c.opts.EnableCFS)
		return nil
	}
	weight := CPUWeight(cpus, revocable)
	if err := cg.Write("cpu", "cpu.weight", strconv.FormatUint(weight, 10)); err != nil {
		return err
	}
	limit := "max " + strconv.FormatInt(CFSPeriod.Microseconds(), 10)
	if c.opts.EnableCFS {
		limit = strconv.FormatInt(CFSQuota(cpus).Microseconds(), 10) + " " + strconv.FormatInt(CFSPeriod.Microseconds(), 10)
	}
	if err := cg.Write("cpu", "cpu.max", limit); err != nil {
		return err
	}
	c.log.Info("updated cpu limits", "cgroup", cg.Rel, "cpus", cpus, "cpu.weight", weight, "cpu.max", limit)
	return nil
}

func (c *CPU) Usage(_ context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	cg, ok := c.get(req.GetContainerId())
	if !ok {
		return nil, fmt.Errorf("unknown container %s", res.Key(req.GetContainerId()))
	}
	out := &mesospb.ResourceStatistics{Timestamp: proto.Float64(float64(time.Now().UnixNano()) / 1e9)}
	if c.h.Version == V1 {
		st, err := cg.ReadStat("cpuacct", "cpuacct.stat")
		if err != nil {
			return nil, err
		}
		out.CpusUserTimeSecs = proto.Float64(float64(st["user"]) / procfs.ClockTicks)
		out.CpusSystemTimeSecs = proto.Float64(float64(st["system"]) / procfs.ClockTicks)
		if c.opts.EnableCFS {
			st, err := cg.ReadStat("cpu", "cpu.stat")
			if err != nil {
				return nil, err
			}
			out.CpusNrPeriods = proto.Uint32(clamp32(st["nr_periods"]))
			out.CpusNrThrottled = proto.Uint32(clamp32(st["nr_throttled"]))
			out.CpusThrottledTimeSecs = proto.Float64(float64(st["throttled_time"]) / 1e9)
		}
	} else {
		st, err := cg.ReadStat("cpu", "cpu.stat")
		if err != nil {
			return nil, err
		}
		out.CpusUserTimeSecs = proto.Float64(float64(st["user_usec"]) / 1e6)
		out.CpusSystemTimeSecs = proto.Float64(float64(st["system_usec"]) / 1e6)
		if v, ok := st["nr_periods"]; ok {
			out.CpusNrPeriods = proto.Uint32(clamp32(v))
			out.CpusNrThrottled = proto.Uint32(clamp32(st["nr_throttled"]))
			out.CpusThrottledTimeSecs = proto.Float64(float64(st["throttled_usec"]) / 1e6)
		}
	}
	counts(cg, "cpu", out)
	return &isolator.UsageResponse{Statistics: out}, nil
}

func clamp32(v uint64) uint32 { return uint32(min(v, math.MaxUint32)) }

func (c *CPU) Status(context.Context, *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	return &isolator.StatusResponse{}, nil
}

func (c *CPU) Cleanup(ctx context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	if err := c.cleanup(ctx, req.GetContainerId()); err != nil {
		return nil, err
	}
	return &isolator.CleanupResponse{}, nil
}
