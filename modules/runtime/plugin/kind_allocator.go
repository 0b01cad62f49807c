package plugin

import (
	"context"
	"fmt"
	"sync"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatorgrpc"
	"github.com/gomesos/mesos/modules/runtime/plugin/allocreplay"
)

// allocatorClient is an allocator.Allocator in a plugin process. It keeps
// the replay model (allocreplay) of everything it passes on, so that a
// restarted process is re-initialized and re-fed the cluster's state
// before it gets calls again: the host replays, as a Mesos master does
// for its allocator after a failover.
type allocatorClient struct {
	s *supervisor
	// mu serializes calls (the master makes them one at a time anyway)
	// and the model.
	mu    sync.Mutex
	model *allocreplay.Model
}

var (
	_ allocator.Allocator = (*allocatorClient)(nil)
	_ Supervised          = (*allocatorClient)(nil)
)

func newAllocatorClient(s *supervisor) any {
	a := &allocatorClient{s: s, model: allocreplay.New()}
	s.reinit = a.reinit
	return a
}

func (a *allocatorClient) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.model.Initialize(req)
	return invoke(ctx, a.s, "Initialize", func(ctx context.Context, cc *grpc.ClientConn) (*allocator.InitializeResponse, error) {
		return allocatorgrpc.NewAllocatorClient(cc).Initialize(ctx, req)
	})
}

func (a *allocatorClient) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.model.Apply(req)
	resp, err := invoke(ctx, a.s, "Allocate", func(ctx context.Context, cc *grpc.ClientConn) (*allocator.AllocateResponse, error) {
		return allocatorgrpc.NewAllocatorClient(cc).Allocate(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	a.model.Allocated(resp)
	return resp, nil
}

// reinit replays the model into a restarted process.
func (a *allocatorClient) reinit(ctx context.Context, p *proc) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	init, events, ok := a.model.Replay()
	if !ok {
		return nil // never initialized: the master will
	}
	stub := allocatorgrpc.NewAllocatorClient(p.cc)
	if _, err := stub.Initialize(ctx, init); err != nil {
		return fmt.Errorf("Initialize: %w", err)
	}
	if _, err := stub.Allocate(ctx, events); err != nil {
		return fmt.Errorf("Allocate(%d events): %w", len(events.GetEvents()), err)
	}
	a.s.log.Info("allocator state replayed into the restarted plugin", "events", len(events.GetEvents()))
	return nil
}

func (a *allocatorClient) PluginStatus() Status { return a.s.status() }
