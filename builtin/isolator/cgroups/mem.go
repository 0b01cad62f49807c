package cgroups

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/gomesos/mesos/builtin/isolator/internal/res"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// MinMemory is the least memory limit Mesos sets.
const MinMemory = 32 * res.MB

// MemOptions configure cgroups/mem.
type MemOptions struct {
	Options
	// LimitSwap limits memory plus swap to the mem resource too
	// (--cgroups_limit_swap; v1 memory.memsw.limit_in_bytes, v2
	// memory.swap.max set to 0).
	LimitSwap bool
	// OOMPollInterval is how often OOM kills are looked for where the
	// kernel cannot notify them (v2). Default 100ms.
	OOMPollInterval time.Duration
}

// Mem is cgroups/mem: it limits each container's memory to its mem
// resource and reports an OOM kill in the container as a limitation
// (REASON_CONTAINER_LIMITATION_MEMORY), which destroys the container with
// TASK_FAILED.
type Mem struct {
	*base
	opts MemOptions

	mu    sync.Mutex
	infos map[string]*memInfo
}

// memInfo is one container's memory cgroup state.
type memInfo struct {
	cg               *Cgroup
	stopListening    func()
	hardLimitUpdated bool

	once    sync.Once
	limit   *isolator.ContainerLimitation
	limited chan struct{}
}

var _ isolator.Isolator = (*Mem)(nil)

// NewMem returns cgroups/mem, on the memory controller.
func NewMem(opts MemOptions) (*Mem, error) {
	b, err := newBase("cgroups/mem", opts.Options, []string{"memory"}, []string{"memory"})
	if err != nil {
		return nil, err
	}
	if opts.OOMPollInterval <= 0 {
		opts.OOMPollInterval = 100 * time.Millisecond
	}
	if opts.LimitSwap && b.h.Version == V1 {
		if _, err := os.Stat(filepath.Join(b.h.Mounts["memory"], "memory.memsw.limit_in_bytes")); err != nil {
			return nil, fmt.Errorf("cgroups/mem: memory.memsw.limit_in_bytes is not available: %w", err)
		}
	}
	return &Mem{base: b, opts: opts, infos: map[string]*memInfo{}}, nil
}

func (m *Mem) info(id *mesospb.ContainerID) (*memInfo, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.infos[res.Key(id)]
	return i, ok
}

func (m *Mem) track(id *mesospb.ContainerID, cg *Cgroup, hardLimitUpdated bool) *memInfo {
	i := &memInfo{cg: cg, hardLimitUpdated: hardLimitUpdated, limited: make(chan struct{})}
	i.stopListening = m.listenOOM(res.Key(id), i)
	m.mu.Lock()
	m.infos[res.Key(id)] = i
	m.mu.Unlock()
	return i
}

func (m *Mem) Recover(ctx context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	if err := m.recover(ctx, req); err != nil {
		return nil, err
	}
	for _, s := range req.GetStates() {
		if cg, ok := m.get(s.GetContainerId()); ok && cg.Exists() {
			m.track(s.GetContainerId(), cg, true)
		}
	}
	return &isolator.RecoverResponse{}, nil
}

func (m *Mem) Prepare(ctx context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	id := req.GetContainerId()
	cg, err := m.prepare(id)
	if err != nil || cg == nil {
		return &isolator.PrepareResponse{}, err
	}
	i := m.track(id, cg, false)
	if err := m.apply(i, req.GetConfig().GetResources()); err != nil {
		_, _ = m.Cleanup(ctx, &isolator.CleanupRequest{ContainerId: id})
		return nil, err
	}
	return &isolator.PrepareResponse{}, nil
}

func (m *Mem) Isolate(_ context.Context, req *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	if err := m.isolate(req.GetContainerId(), req.GetPid()); err != nil {
		return nil, err
	}
	return &isolator.IsolateResponse{}, nil
}

// Watch returns when the kernel OOM-killed a process of the container. At
// cancellation it looks once more, for an OOM kill whose notice lost the
// race with the container's exit.
func (m *Mem) Watch(ctx context.Context, req *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	i, ok := m.info(req.GetContainerId())
	if !ok {
		if req.GetContainerId().GetParent() != nil {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("unknown container %s", res.Key(req.GetContainerId()))
	}
	select {
	case <-i.limited:
	case <-ctx.Done():
		if killed, err := m.oomKilled(i.cg); err != nil || !killed {
			return nil, ctx.Err()
		}
		m.oom(res.Key(req.GetContainerId()), i)
	}
	return &isolator.WatchResponse{Limitation: i.limit}, nil
}

func (m *Mem) Update(_ context.Context, req *isolator.UpdateRequest) (*isolator.UpdateResponse, error) {
	if req.GetContainerId().GetParent() != nil {
		return &isolator.UpdateResponse{}, nil
	}
	i, ok := m.info(req.GetContainerId())
	if !ok {
		return nil, fmt.Errorf("unknown container %s", res.Key(req.GetContainerId()))
	}
	if err := m.apply(i, req.GetResources()); err != nil {
		return nil, err
	}
	return &isolator.UpdateResponse{}, nil
}

// apply sets the memory limits of resources, as Mesos does: the soft
// limit (v1 memory.soft_limit_in_bytes, v2 memory.low) always; the hard
// limit (memory.limit_in_bytes, memory.max) the first time and when it
// grows, never lowered under a running container, which could OOM it.
func (m *Mem) apply(i *memInfo, resources []*mesospb.Resource) error {
	mem, ok := res.Scalar(resources, "mem")
	if !ok {
		return fmt.Errorf("cgroups/mem: no mem resource given")
	}
	limit := max(uint64(mem*res.MB), MinMemory)
	value := strconv.FormatUint(limit, 10)
	m.mu.Lock()
	first := !i.hardLimitUpdated
	m.mu.Unlock()

	if m.h.Version == V1 {
		if err := i.cg.Write("memory", "memory.soft_limit_in_bytes", value); err != nil {
			return err
		}
		raise := first
		if !first {
			current, _, err := i.cg.ReadUint("memory", "memory.limit_in_bytes")
			if err != nil {
				return err
			}
			raise = limit > current
		}
		if raise {
			// memory.limit_in_bytes may never exceed memsw: lower it first,
			// raise it last.
			files := []string{"memory.limit_in_bytes"}
			if m.opts.LimitSwap {
				files = append(files, "memory.memsw.limit_in_bytes")
				if !first {
					files[0], files[1] = files[1], files[0]
				}
			}
			for _, f := range files {
				if err := i.cg.Write("memory", f, value); err != nil {
					return err
				}
			}
		}
	} else {
		if err := i.cg.Write("memory", "memory.low", value); err != nil {
			return err
		}
		raise := first
		if !first {
			current, bounded, err := i.cg.ReadUint("memory", "memory.max")
			if err != nil {
				return err
			}
			raise = !bounded || limit > current
		}
		if raise {
			if err := i.cg.Write("memory", "memory.max", value); err != nil {
				return err
			}
			if m.opts.LimitSwap {
				if err := i.cg.Write("memory", "memory.swap.max", "0"); err != nil {
					return err
				}
			}
		}
	}
	m.mu.Lock()
	i.hardLimitUpdated = true
	m.mu.Unlock()
	m.log.Info("updated memory limit", "cgroup", i.cg.Rel, "mem_mb", mem, "limit_bytes", limit)
	return nil
}

func (m *Mem) Status(context.Context, *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	return &isolator.StatusResponse{}, nil
}

// Cleanup stops listening for OOMs (before the cgroup goes: its removal
// signals the listener) and removes the cgroup.
func (m *Mem) Cleanup(ctx context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	k := res.Key(req.GetContainerId())
	m.mu.Lock()
	i, ok := m.infos[k]
	delete(m.infos, k)
	m.mu.Unlock()
	if ok {
		i.stopListening()
	}
	if err := m.cleanup(ctx, req.GetContainerId()); err != nil {
		return nil, err
	}
	return &isolator.CleanupResponse{}, nil
}
