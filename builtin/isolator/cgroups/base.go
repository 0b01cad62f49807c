package cgroups

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/gomesos/mesos/builtin/isolator/internal/res"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Options are shared by the cgroups isolators.
type Options struct {
	// Root is the cgroup below which containers' cgroups are made
	// (--cgroups_root). Default "mesos".
	Root string
	// Version forces cgroups v1 or v2; 0 picks what the machine has.
	Version Version
	// Mounts replaces the cgroup mounts read from /proc/self/mountinfo.
	Mounts *Mounts
	// DestroyTimeout bounds the removal of a container's cgroup at
	// cleanup. Default 1 minute.
	DestroyTimeout time.Duration
	Logger         *slog.Logger
}

// base is the bookkeeping every cgroups isolator shares: one cgroup per
// top-level container, made at prepare, joined at isolate, removed (with
// whatever is left in it) at cleanup.
type base struct {
	name    string
	h       *Hierarchy
	root    string
	timeout time.Duration
	log     *slog.Logger

	mu      sync.Mutex
	cgroups map[string]*Cgroup
}

func newBase(name string, opts Options, v1, v2 []string) (*base, error) {
	m := opts.Mounts
	if m == nil {
		read, err := ReadMounts()
		if err != nil {
			return nil, err
		}
		m = &read
	}
	var h *Hierarchy
	var err error
	switch {
	case opts.Version == V1, opts.Version == 0 && allMounted(m.V1, v1):
		h, err = Resolve(*m, V1, v1...)
	default:
		h, err = Resolve(*m, V2, v2...)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &base{name: name, h: h, root: opts.Root, timeout: opts.DestroyTimeout, log: opts.Logger, cgroups: map[string]*Cgroup{}}
	if b.root == "" {
		b.root = "mesos"
	}
	if b.timeout <= 0 {
		b.timeout = time.Minute
	}
	if b.log == nil {
		b.log = slog.Default()
	}
	b.log = b.log.With("isolator", name, "cgroups", h.Version.String())
	return b, nil
}

func allMounted(v1 map[string]string, controllers []string) bool {
	for _, c := range controllers {
		if _, ok := v1[c]; !ok {
			return false
		}
	}
	return true
}

// Hierarchy is where the isolator's controllers are.
func (b *base) Hierarchy() *Hierarchy { return b.h }

// CgroupOf is the cgroup of a top-level container.
func (b *base) CgroupOf(id *mesospb.ContainerID) *Cgroup {
	return b.h.Cgroup(filepath.Join(b.root, id.GetValue()))
}

func (b *base) get(id *mesospb.ContainerID) (*Cgroup, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	cg, ok := b.cgroups[res.Key(id)]
	return cg, ok
}

// recover takes back the cgroups of the known containers and of the
// orphans (they will be cleaned up), and destroys cgroups below the root
// that nobody knows (left by a container whose checkpoint is gone).
func (b *base) recover(ctx context.Context, req *isolator.RecoverRequest) error {
	known := map[string]bool{}
	take := func(id *mesospb.ContainerID) {
		if id.GetParent() != nil {
			return
		}
		cg := b.CgroupOf(id)
		known[id.GetValue()] = true
		if !cg.Exists() {
			b.log.Warn("no cgroup for recovered container", "container", res.Key(id), "cgroup", cg.Rel)
		}
		b.mu.Lock()
		b.cgroups[res.Key(id)] = cg
		b.mu.Unlock()
	}
	for _, s := range req.GetStates() {
		take(s.GetContainerId())
	}
	for _, o := range req.GetOrphans() {
		take(o)
	}
	for ctl := range b.h.Mounts {
		children, err := b.h.Children(ctl, b.root)
		if err != nil {
			return err
		}
		for _, c := range children {
			if known[c] {
				continue
			}
			cg := b.h.Cgroup(filepath.Join(b.root, c))
			b.log.Info("destroying unknown orphan cgroup", "cgroup", cg.Rel)
			dctx, cancel := context.WithTimeout(ctx, b.timeout)
			err := cg.Destroy(dctx)
			cancel()
			if err != nil {
				return fmt.Errorf("destroy orphan cgroup %s: %w", cg.Rel, err)
			}
		}
	}
	return nil
}

// prepare makes a new container's cgroup. Nested containers get none:
// they live in their parent's.
func (b *base) prepare(id *mesospb.ContainerID) (*Cgroup, error) {
	if id.GetParent() != nil {
		return nil, nil
	}
	k := res.Key(id)
	b.mu.Lock()
	_, dup := b.cgroups[k]
	b.mu.Unlock()
	if dup {
		return nil, fmt.Errorf("container %s already prepared", k)
	}
	cg := b.CgroupOf(id)
	// A v1 cgroup is this isolator's alone: finding it means a stale one.
	// On v2 the cgroups isolators share one directory per container.
	if b.h.Version == V1 && cg.Exists() {
		return nil, fmt.Errorf("cgroup %s already exists", cg.Rel)
	}
	if err := cg.Create(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.cgroups[k] = cg
	b.mu.Unlock()
	return cg, nil
}

func (b *base) isolate(id *mesospb.ContainerID, pid uint64) error {
	if id.GetParent() != nil {
		return nil
	}
	cg, ok := b.get(id)
	if !ok {
		return fmt.Errorf("unknown container %s", res.Key(id))
	}
	return cg.Attach(int(pid))
}

// cleanup destroys the container's cgroup; unknown containers are fine.
func (b *base) cleanup(ctx context.Context, id *mesospb.ContainerID) error {
	k := res.Key(id)
	b.mu.Lock()
	cg, ok := b.cgroups[k]
	b.mu.Unlock()
	if !ok {
		return nil
	}
	dctx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	if err := cg.Destroy(dctx); err != nil {
		return err
	}
	b.mu.Lock()
	delete(b.cgroups, k)
	b.mu.Unlock()
	return nil
}

// counts adds the processes and threads of the cgroup to usage.
func counts(cg *Cgroup, controller string, out *mesospb.ResourceStatistics) {
	if procs, err := cg.Procs(); err == nil {
		n := uint32(len(procs))
		out.Processes = &n
	}
	if threads, err := cg.Threads(controller); err == nil {
		n := uint32(threads)
		out.Threads = &n
	}
}
