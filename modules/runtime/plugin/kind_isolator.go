package plugin

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/isolator/isolatorgrpc"
)

// isolatorClient is an isolator.Isolator in a plugin process. It tracks
// the containers it was told about, so that a restarted process gets
// them back through Recover, and Watch waits across restarts instead of
// failing (a crashed isolator must not destroy its containers).
type isolatorClient struct {
	s     *supervisor
	track containers
}

var (
	_ isolator.Isolator = (*isolatorClient)(nil)
	_ Supervised        = (*isolatorClient)(nil)
	_ Detacher          = (*isolatorClient)(nil)
)

func newIsolatorClient(s *supervisor) any {
	c := &isolatorClient{s: s, track: containers{states: map[string]*isolator.ContainerState{}}}
	s.reinit = c.reinit
	return c
}

func isolatorCall[Req, Resp any](ctx context.Context, c *isolatorClient, method string, req *Req,
	f func(isolatorgrpc.IsolatorClient, context.Context, *Req, ...grpc.CallOption) (*Resp, error)) (*Resp, error) {
	return invoke(ctx, c.s, method, func(ctx context.Context, cc *grpc.ClientConn) (*Resp, error) {
		return f(isolatorgrpc.NewIsolatorClient(cc), ctx, req)
	})
}

func (c *isolatorClient) Recover(ctx context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	resp, err := isolatorCall(ctx, c, "Recover", req, isolatorgrpc.IsolatorClient.Recover)
	if err == nil {
		c.track.recovered(req)
	}
	return resp, err
}

func (c *isolatorClient) Prepare(ctx context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	resp, err := isolatorCall(ctx, c, "Prepare", req, isolatorgrpc.IsolatorClient.Prepare)
	if err == nil {
		c.track.prepared(req)
	}
	return resp, err
}

func (c *isolatorClient) Isolate(ctx context.Context, req *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	resp, err := isolatorCall(ctx, c, "Isolate", req, isolatorgrpc.IsolatorClient.Isolate)
	if err == nil {
		c.track.isolated(req)
	}
	return resp, err
}

// Watch has no deadline and waits through restarts of the process
// (kinds.go).
func (c *isolatorClient) Watch(ctx context.Context, req *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	return isolatorCall(ctx, c, "Watch", req, isolatorgrpc.IsolatorClient.Watch)
}

func (c *isolatorClient) Update(ctx context.Context, req *isolator.UpdateRequest) (*isolator.UpdateResponse, error) {
	return isolatorCall(ctx, c, "Update", req, isolatorgrpc.IsolatorClient.Update)
}

func (c *isolatorClient) Usage(ctx context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	return isolatorCall(ctx, c, "Usage", req, isolatorgrpc.IsolatorClient.Usage)
}

func (c *isolatorClient) Status(ctx context.Context, req *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	return isolatorCall(ctx, c, "Status", req, isolatorgrpc.IsolatorClient.Status)
}

func (c *isolatorClient) Cleanup(ctx context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	resp, err := isolatorCall(ctx, c, "Cleanup", req, isolatorgrpc.IsolatorClient.Cleanup)
	if err == nil {
		c.track.cleaned(req)
	}
	return resp, err
}

// reinit gives a restarted process the containers it had.
func (c *isolatorClient) reinit(ctx context.Context, p *proc) error {
	req, ok := c.track.recoverRequest()
	if !ok {
		return nil // not recovered yet: the containerizer will
	}
	if _, err := isolatorgrpc.NewIsolatorClient(p.cc).Recover(ctx, req); err != nil {
		return fmt.Errorf("Recover(%d containers): %w", len(req.GetStates()), err)
	}
	c.s.log.Info("containers recovered into the restarted isolator plugin", "containers", len(req.GetStates()))
	return nil
}

func (c *isolatorClient) PluginStatus() Status { return c.s.status() }

// Detach lets go of the process, which keeps running for the next agent
// to reattach to (when Options.StateDir is set; otherwise it is stopped).
func (c *isolatorClient) Detach(ctx context.Context) error {
	if c.s.ln.detach == nil {
		return c.s.close(ctx, false)
	}
	return c.s.close(ctx, true)
}

// containers are the containers an isolator knows, as the containerizer
// would recover them.
type containers struct {
	mu         sync.Mutex
	didRecover bool
	states     map[string]*isolator.ContainerState
}

func (t *containers) recovered(req *isolator.RecoverRequest) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.didRecover = true
	for _, s := range req.GetStates() {
		t.states[s.GetContainerId().GetValue()] = proto.CloneOf(s)
	}
}

func (t *containers) prepared(req *isolator.PrepareRequest) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cfg := req.GetConfig()
	t.states[req.GetContainerId().GetValue()] = &isolator.ContainerState{
		ContainerId: req.GetContainerId(), ExecutorInfo: cfg.GetExecutorInfo(),
		Directory: cfg.GetDirectory(), Config: cfg,
	}
}

func (t *containers) isolated(req *isolator.IsolateRequest) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := t.states[req.GetContainerId().GetValue()]; s != nil {
		s.Pid = req.GetPid()
	}
}

func (t *containers) cleaned(req *isolator.CleanupRequest) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.states, req.GetContainerId().GetValue())
}

func (t *containers) recoverRequest() (*isolator.RecoverRequest, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.didRecover {
		return nil, false
	}
	req := &isolator.RecoverRequest{}
	for _, id := range slices.Sorted(maps.Keys(t.states)) {
		req.States = append(req.States, t.states[id])
	}
	return req, true
}
