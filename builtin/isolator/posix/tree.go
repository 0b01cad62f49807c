package posix

import (
	"context"
	"fmt"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/isolator/internal/res"
	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// pids remembers each container's first process.
type pids struct {
	mu   sync.Mutex
	pids map[string]int
}

func (p *pids) set(id *mesospb.ContainerID, pid int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pids == nil {
		p.pids = map[string]int{}
	}
	p.pids[res.Key(id)] = pid
}

func (p *pids) get(id *mesospb.ContainerID) (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pid, ok := p.pids[res.Key(id)]
	return pid, ok
}

func (p *pids) remove(id *mesospb.ContainerID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.pids, res.Key(id))
}

// treeIsolator is what posix/cpu and posix/mem share: they follow the
// process tree rooted at the pid given to Isolate.
type treeIsolator struct {
	isolator.Nop
	pids pids
	proc procfs.Reader
	// fill sets the isolator's fields from the tree.
	fill func(out *mesospb.ResourceStatistics, tree []procfs.Process)
}

func (t *treeIsolator) Recover(_ context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	for _, s := range req.GetStates() {
		t.pids.set(s.GetContainerId(), int(s.GetPid()))
	}
	return &isolator.RecoverResponse{}, nil
}

func (t *treeIsolator) Isolate(_ context.Context, req *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	t.pids.set(req.GetContainerId(), int(req.GetPid()))
	return &isolator.IsolateResponse{}, nil
}

func (t *treeIsolator) Usage(_ context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	pid, ok := t.pids.get(req.GetContainerId())
	if !ok {
		return nil, fmt.Errorf("unknown container %s", res.Key(req.GetContainerId()))
	}
	all, err := t.proc.All()
	if err != nil {
		return nil, fmt.Errorf("read process table: %w", err)
	}
	out := &mesospb.ResourceStatistics{Timestamp: proto.Float64(float64(time.Now().UnixNano()) / 1e9)}
	tree := procfs.Descendants(all, pid)
	if len(tree) == 0 {
		return nil, fmt.Errorf("container %s: process %d is gone", res.Key(req.GetContainerId()), pid)
	}
	t.fill(out, tree)
	return &isolator.UsageResponse{Statistics: out}, nil
}

func (t *treeIsolator) Cleanup(_ context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	t.pids.remove(req.GetContainerId())
	return &isolator.CleanupResponse{}, nil
}

// NewCPU returns posix/cpu: the user and system CPU time of the
// container's processes.
func NewCPU() isolator.Isolator {
	return &treeIsolator{proc: procfs.Reader{Root: "/proc"}, fill: func(out *mesospb.ResourceStatistics, tree []procfs.Process) {
		var user, system uint64
		for _, p := range tree {
			user += p.UserTicks
			system += p.SystemTicks
		}
		out.CpusUserTimeSecs = proto.Float64(float64(user) / procfs.ClockTicks)
		out.CpusSystemTimeSecs = proto.Float64(float64(system) / procfs.ClockTicks)
	}}
}

// NewMem returns posix/mem: the resident memory of the container's
// processes.
func NewMem() isolator.Isolator {
	return &treeIsolator{proc: procfs.Reader{Root: "/proc"}, fill: func(out *mesospb.ResourceStatistics, tree []procfs.Process) {
		var rss uint64
		for _, p := range tree {
			rss += p.RSSBytes()
		}
		out.MemRssBytes = proto.Uint64(rss)
	}}
}
