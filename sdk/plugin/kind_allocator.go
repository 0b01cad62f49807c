package plugin

import (
	"context"
	"sync"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatorgrpc"
)

// Allocator serves an allocator built by build from the module's
// parameters (the same parameters also arrive in InitializeRequest).
func Allocator(name string, build func(params map[string]string) (allocator.Allocator, error)) Module {
	return newModule(name, modules.KindAllocator, []int{allocator.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[allocator.Allocator]) {
			allocatorgrpc.RegisterAllocatorServer(s, &allocatorServer{impl: impl})
		})
}

// allocatorServer serves an allocator, one call at a time as the kind's
// contract promises the module.
type allocatorServer struct {
	allocatorgrpc.UnimplementedAllocatorServer
	impl *slot[allocator.Allocator]
	mu   sync.Mutex
}

func (s *allocatorServer) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	a, err := s.impl.get()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return call(ctx, "Initialize", func() (*allocator.InitializeResponse, error) { return a.Initialize(ctx, req) })
}

func (s *allocatorServer) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	a, err := s.impl.get()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return call(ctx, "Allocate", func() (*allocator.AllocateResponse, error) { return a.Allocate(ctx, req) })
}
