package wasm

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
)

// allocatorClient is allocator.Allocator over a WASM module. The
// allocator's state lives in its one instance: when that instance fails,
// the state is gone, and every Allocate fails (with modules.ErrCrashed)
// until Initialize starts a new instance over.
type allocatorClient struct {
	c                    *client
	initialize, allocate uint32

	mu   sync.Mutex
	lost error // the failure that lost the state, until Initialize succeeds
}

var _ allocator.Allocator = (*allocatorClient)(nil)

func newAllocatorClient(c *client) any {
	sd := c.m.kind.service
	return &allocatorClient{
		c:          c,
		initialize: abi.MethodNumber(sd, "Initialize"),
		allocate:   abi.MethodNumber(sd, "Allocate"),
	}
}

func (a *allocatorClient) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	resp := &allocator.InitializeResponse{}
	err := a.c.call(ctx, a.initialize, req, resp)
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case err == nil:
		a.lost = nil
	case errors.Is(err, modules.ErrCrashed):
		a.lost = err
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func (a *allocatorClient) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	a.mu.Lock()
	lost := a.lost
	a.mu.Unlock()
	if lost != nil {
		return nil, fmt.Errorf("%w: wasm module %s lost its state with its instance (call Initialize to start over): %v",
			modules.ErrCrashed, a.c.m.id, lost)
	}
	resp := &allocator.AllocateResponse{}
	if err := a.c.call(ctx, a.allocate, req, resp); err != nil {
		if errors.Is(err, modules.ErrCrashed) {
			a.mu.Lock()
			a.lost = err
			a.mu.Unlock()
		}
		return nil, err
	}
	return resp, nil
}
