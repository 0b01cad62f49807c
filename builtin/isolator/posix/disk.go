package posix

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/isolator/internal/res"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// DiskOptions configure posix/disk.
type DiskOptions struct {
	// WatchInterval is the time between two measurements of a sandbox
	// (--container_disk_watch_interval). Default 15s, as in Mesos.
	WatchInterval time.Duration
	// Enforce destroys a container whose sandbox grows over its disk
	// resource (--enforce_container_disk_quota), with
	// REASON_CONTAINER_LIMITATION_DISK.
	Enforce bool
	Logger  *slog.Logger
}

// Disk is posix/disk (Mesos's disk/du): it measures each top-level
// container's sandbox the way `du` does, reports it as disk_used_bytes,
// and enforces the sandbox's disk quota when asked. Persistent volumes are
// neither measured nor enforced here.
type Disk struct {
	opts DiskOptions
	mu   sync.Mutex
	dirs map[string]*sandbox
}

// sandbox is one container's measured directory.
type sandbox struct {
	dir  string
	stop context.CancelFunc

	mu        sync.Mutex
	quota     []*mesospb.Resource
	used      uint64
	measured  bool
	limit     *isolator.ContainerLimitation
	limitedCh chan struct{}
}

var _ isolator.Isolator = (*Disk)(nil)

// NewDisk returns posix/disk.
func NewDisk(opts DiskOptions) *Disk {
	if opts.WatchInterval <= 0 {
		opts.WatchInterval = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Disk{opts: opts, dirs: map[string]*sandbox{}}
}

func (d *Disk) Recover(_ context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	for _, s := range req.GetStates() {
		if s.GetContainerId().GetParent() != nil {
			continue
		}
		if !exists(s.GetDirectory()) {
			return nil, fmt.Errorf("sandbox %s of container %s is missing", s.GetDirectory(), res.Key(s.GetContainerId()))
		}
		d.track(s.GetContainerId(), s.GetDirectory(), s.GetConfig().GetResources())
	}
	return &isolator.RecoverResponse{}, nil
}

func (d *Disk) Prepare(_ context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	if req.GetContainerId().GetParent() != nil {
		return &isolator.PrepareResponse{}, nil
	}
	k := res.Key(req.GetContainerId())
	d.mu.Lock()
	_, dup := d.dirs[k]
	d.mu.Unlock()
	if dup {
		return nil, fmt.Errorf("container %s already prepared", k)
	}
	d.track(req.GetContainerId(), req.GetConfig().GetDirectory(), req.GetConfig().GetResources())
	return &isolator.PrepareResponse{}, nil
}

// track starts measuring a sandbox.
func (d *Disk) track(id *mesospb.ContainerID, dir string, resources []*mesospb.Resource) {
	ctx, stop := context.WithCancel(context.Background())
	s := &sandbox{dir: dir, stop: stop, quota: res.SandboxDisk(resources), limitedCh: make(chan struct{})}
	d.mu.Lock()
	d.dirs[res.Key(id)] = s
	d.mu.Unlock()
	go d.collect(ctx, res.Key(id), s)
}

// collect measures the sandbox every WatchInterval until stopped.
func (d *Disk) collect(ctx context.Context, k string, s *sandbox) {
	t := time.NewTicker(d.opts.WatchInterval)
	defer t.Stop()
	for {
		used, err := diskUsage(ctx, s.dir)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			d.opts.Logger.Warn("disk usage check failed", "container", k, "err", err)
		} else {
			d.check(k, s, used)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// check records a measurement and reports a limitation when it is over
// the quota and quotas are enforced.
func (d *Disk) check(k string, s *sandbox, used uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used, s.measured = used, true
	quota, ok := res.Scalar(s.quota, "disk")
	if !d.opts.Enforce || !ok || s.limit != nil || mountDisk(s.quota) {
		return
	}
	limit := uint64(quota * res.MB)
	if used <= limit {
		return
	}
	msg := fmt.Sprintf("Disk usage (%s) exceeds quota (%s)", units.Bytes(used).String(), units.Bytes(limit).String())
	d.opts.Logger.Info("container exceeds its disk quota", "container", k, "used", used, "quota", limit)
	s.limit = isolator.NewLimitation(mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_DISK, msg, s.quota...)
	close(s.limitedCh)
}

// mountDisk reports disks whose quota the filesystem enforces itself.
func mountDisk(rs []*mesospb.Resource) bool {
	for _, r := range rs {
		if r.GetDisk().GetSource().GetType() == mesospb.Resource_DiskInfo_Source_MOUNT {
			return true
		}
	}
	return false
}

func (d *Disk) get(id *mesospb.ContainerID) (*sandbox, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.dirs[res.Key(id)]
	if !ok {
		return nil, fmt.Errorf("unknown container %s", res.Key(id))
	}
	return s, nil
}

func (d *Disk) Isolate(context.Context, *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	return &isolator.IsolateResponse{}, nil
}

func (d *Disk) Watch(ctx context.Context, req *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	if req.GetContainerId().GetParent() != nil {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	s, err := d.get(req.GetContainerId())
	if err != nil {
		return nil, err
	}
	select {
	case <-s.limitedCh:
		s.mu.Lock()
		defer s.mu.Unlock()
		return &isolator.WatchResponse{Limitation: s.limit}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (d *Disk) Update(_ context.Context, req *isolator.UpdateRequest) (*isolator.UpdateResponse, error) {
	if req.GetContainerId().GetParent() != nil {
		return nil, fmt.Errorf("posix/disk does not support nested containers")
	}
	s, err := d.get(req.GetContainerId())
	if err != nil {
		d.opts.Logger.Warn("ignoring disk update of unknown container", "container", res.Key(req.GetContainerId()))
		return &isolator.UpdateResponse{}, nil
	}
	s.mu.Lock()
	s.quota = res.SandboxDisk(req.GetResources())
	s.mu.Unlock()
	return &isolator.UpdateResponse{}, nil
}

func (d *Disk) Usage(_ context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	if req.GetContainerId().GetParent() != nil {
		return nil, fmt.Errorf("posix/disk does not support nested containers")
	}
	s, err := d.get(req.GetContainerId())
	if err != nil {
		return nil, err
	}
	out := &mesospb.ResourceStatistics{Timestamp: proto.Float64(float64(time.Now().UnixNano()) / 1e9)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if quota, ok := res.Scalar(s.quota, "disk"); ok {
		out.DiskLimitBytes = proto.Uint64(uint64(quota * res.MB))
	}
	if s.measured {
		out.DiskUsedBytes = proto.Uint64(s.used)
	}
	return &isolator.UsageResponse{Statistics: out}, nil
}

func (d *Disk) Status(context.Context, *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	return &isolator.StatusResponse{}, nil
}

func (d *Disk) Cleanup(_ context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	k := res.Key(req.GetContainerId())
	d.mu.Lock()
	s, ok := d.dirs[k]
	delete(d.dirs, k)
	d.mu.Unlock()
	if ok {
		s.stop()
	}
	return &isolator.CleanupResponse{}, nil
}
