package cgroups

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/isolator/internal/res"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Usage reports the memory statistics Mesos reports, from
// memory.usage_in_bytes and memory.stat's hierarchical totals (v1) or
// memory.current and memory.stat (v2).
func (m *Mem) Usage(_ context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	i, ok := m.info(req.GetContainerId())
	if !ok {
		return nil, fmt.Errorf("unknown container %s", res.Key(req.GetContainerId()))
	}
	out := &mesospb.ResourceStatistics{Timestamp: proto.Float64(float64(time.Now().UnixNano()) / 1e9)}
	set := func(dst **uint64, v uint64, ok bool) {
		if ok {
			*dst = proto.Uint64(v)
		}
	}
	if m.h.Version == V1 {
		total, _, err := i.cg.ReadUint("memory", "memory.usage_in_bytes")
		if err != nil {
			return nil, err
		}
		out.MemTotalBytes = proto.Uint64(total)
		if m.opts.LimitSwap {
			if v, _, err := i.cg.ReadUint("memory", "memory.memsw.usage_in_bytes"); err == nil {
				out.MemTotalMemswBytes = proto.Uint64(v)
			}
		}
		st, err := i.cg.ReadStat("memory", "memory.stat")
		if err != nil {
			return nil, err
		}
		v, ok := st["total_cache"]
		set(&out.MemCacheBytes, v, ok)
		set(&out.MemFileBytes, v, ok)
		v, ok = st["total_rss"]
		set(&out.MemRssBytes, v, ok)
		set(&out.MemAnonBytes, v, ok)
		v, ok = st["total_mapped_file"]
		set(&out.MemMappedFileBytes, v, ok)
		v, ok = st["total_swap"]
		set(&out.MemSwapBytes, v, ok)
		v, ok = st["total_unevictable"]
		set(&out.MemUnevictableBytes, v, ok)
		if soft, ok, err := i.cg.ReadUint("memory", "memory.soft_limit_in_bytes"); err == nil {
			set(&out.MemSoftLimitBytes, soft, ok)
		}
	} else {
		total, _, err := i.cg.ReadUint("memory", "memory.current")
		if err != nil {
			return nil, err
		}
		out.MemTotalBytes = proto.Uint64(total)
		st, err := i.cg.ReadStat("memory", "memory.stat")
		if err != nil {
			return nil, err
		}
		v, ok := st["file"]
		set(&out.MemCacheBytes, v, ok)
		set(&out.MemFileBytes, v, ok)
		v, ok = st["anon"]
		set(&out.MemRssBytes, v, ok)
		set(&out.MemAnonBytes, v, ok)
		v, ok = st["file_mapped"]
		set(&out.MemMappedFileBytes, v, ok)
		v, ok = st["unevictable"]
		set(&out.MemUnevictableBytes, v, ok)
		if swap, ok, err := i.cg.ReadUint("memory", "memory.swap.current"); err == nil {
			set(&out.MemSwapBytes, swap, ok)
		}
		if low, ok, err := i.cg.ReadUint("memory", "memory.low"); err == nil {
			set(&out.MemSoftLimitBytes, low, ok)
		}
	}
	return &isolator.UsageResponse{Statistics: out}, nil
}
