package containerizer

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// calls records the calls made to fakes, in order.
type calls struct {
	mu  sync.Mutex
	log []string
}

func (c *calls) add(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, fmt.Sprintf(format, args...))
}

func (c *calls) get() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.log...)
}

// fakeProc is a process that exits when told.
type fakeProc struct {
	pid       int
	calls     *calls
	mu        sync.Mutex
	continued bool
	status    launcher.ExitStatus
	done      chan struct{}
	once      sync.Once
}

func (p *fakeProc) Pid() int              { return p.pid }
func (p *fakeProc) StartTicks() uint64    { return 1 }
func (p *fakeProc) Done() <-chan struct{} { return p.done }

func (p *fakeProc) Continue() error {
	p.calls.add("launcher:Continue")
	p.mu.Lock()
	defer p.mu.Unlock()
	p.continued = true
	return nil
}

func (p *fakeProc) ExitStatus() launcher.ExitStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

func (p *fakeProc) exit(ws syscall.WaitStatus) {
	p.once.Do(func() {
		p.mu.Lock()
		p.status = launcher.ExitStatus{WaitStatus: ws, Known: true}
		p.mu.Unlock()
		close(p.done)
	})
}

// fakeLauncher forks fakeProcs.
type fakeLauncher struct {
	calls   *calls
	mu      sync.Mutex
	nextPid int
	procs   map[string]*fakeProc // by runtime directory
	specs   map[string]*launcher.Spec
	forkErr error
}

func newFakeLauncher(c *calls) *fakeLauncher {
	return &fakeLauncher{calls: c, nextPid: 100, procs: map[string]*fakeProc{}, specs: map[string]*launcher.Spec{}}
}

func (l *fakeLauncher) Fork(_ context.Context, dir string, spec *launcher.Spec) (launcher.Process, error) {
	l.calls.add("launcher:Fork")
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.forkErr != nil {
		return nil, l.forkErr
	}
	l.nextPid++
	p := &fakeProc{pid: l.nextPid, calls: l.calls, done: make(chan struct{})}
	l.procs[dir] = p
	l.specs[dir] = spec
	return p, nil
}

func (l *fakeLauncher) Recover(_ context.Context, dir string) (launcher.Process, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.procs[dir]
	if !ok {
		return nil, launcher.ErrNotLaunched
	}
	return p, nil
}

func (l *fakeLauncher) Destroy(_ context.Context, p launcher.Process) error {
	l.calls.add("launcher:Destroy")
	p.(*fakeProc).exit(syscall.WaitStatus(syscall.SIGKILL))
	return nil
}

func (l *fakeLauncher) proc(runtimeDir, id string) *fakeProc {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.procs[filepath.Join(runtimeDir, "containers", id)]
}

func (l *fakeLauncher) spec(runtimeDir, id string) *launcher.Spec {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.specs[filepath.Join(runtimeDir, "containers", id)]
}

// fakeIsolator records its calls and does what it is told.
type fakeIsolator struct {
	name  string
	calls *calls

	launchInfo  *isolator.ContainerLaunchInfo
	prepareErr  error
	isolateErr  error
	cleanupErr  error
	prepareGate chan struct{} // when set, Prepare waits for it (or ctx)
	// limit, when sent on, is what Watch returns.
	limit chan *isolator.ContainerLimitation
	// onCancel is returned by Watch when its context ends (an OOM seen
	// late).
	onCancel *isolator.ContainerLimitation
	usage    *isolator.UsageResponse
	status   *isolator.StatusResponse

	mu        sync.Mutex
	recovered *isolator.RecoverRequest
	updates   int
}

func newFakeIsolator(name string, c *calls) *fakeIsolator {
	return &fakeIsolator{name: name, calls: c, limit: make(chan *isolator.ContainerLimitation, 1)}
}

func (f *fakeIsolator) Recover(_ context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	f.calls.add("%s:Recover", f.name)
	f.mu.Lock()
	f.recovered = req
	f.mu.Unlock()
	return &isolator.RecoverResponse{}, nil
}

func (f *fakeIsolator) Prepare(ctx context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	f.calls.add("%s:Prepare", f.name)
	if f.prepareGate != nil {
		select {
		case <-f.prepareGate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.prepareErr != nil {
		return nil, f.prepareErr
	}
	return &isolator.PrepareResponse{LaunchInfo: f.launchInfo}, nil
}

func (f *fakeIsolator) Isolate(_ context.Context, req *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	f.calls.add("%s:Isolate", f.name)
	if f.isolateErr != nil {
		return nil, f.isolateErr
	}
	return &isolator.IsolateResponse{}, nil
}

func (f *fakeIsolator) Watch(ctx context.Context, _ *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	select {
	case l := <-f.limit:
		return &isolator.WatchResponse{Limitation: l}, nil
	case <-ctx.Done():
		if f.onCancel != nil {
			return &isolator.WatchResponse{Limitation: f.onCancel}, nil
		}
		return nil, ctx.Err()
	}
}

func (f *fakeIsolator) Update(_ context.Context, req *isolator.UpdateRequest) (*isolator.UpdateResponse, error) {
	f.calls.add("%s:Update", f.name)
	f.mu.Lock()
	f.updates++
	f.mu.Unlock()
	return &isolator.UpdateResponse{}, nil
}

func (f *fakeIsolator) Usage(context.Context, *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	if f.usage == nil {
		return nil, fmt.Errorf("%s has no usage", f.name)
	}
	return f.usage, nil
}

func (f *fakeIsolator) Status(context.Context, *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	if f.status == nil {
		return &isolator.StatusResponse{}, nil
	}
	return f.status, nil
}

func (f *fakeIsolator) Cleanup(context.Context, *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	f.calls.add("%s:Cleanup", f.name)
	if f.cleanupErr != nil {
		return nil, f.cleanupErr
	}
	return &isolator.CleanupResponse{}, nil
}
