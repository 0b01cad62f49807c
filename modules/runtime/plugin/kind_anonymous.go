package plugin

import (
	"context"
	"fmt"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules/kinds/anonymous"
	"github.com/gomesos/mesos/modules/kinds/anonymous/anonymousgrpc"
)

// anonymousClient is an anonymous.Anonymous in a plugin process. A
// restarted process is started again the way it was last started.
type anonymousClient struct {
	s *supervisor

	mu      sync.Mutex
	started *anonymous.StartRequest // nil when not started
}

var (
	_ anonymous.Anonymous = (*anonymousClient)(nil)
	_ Supervised          = (*anonymousClient)(nil)
)

func newAnonymousClient(s *supervisor) any {
	a := &anonymousClient{s: s}
	s.reinit = a.reinit
	return a
}

func (a *anonymousClient) PluginStatus() Status { return a.s.status() }

func (a *anonymousClient) Start(ctx context.Context, req *anonymous.StartRequest) (*anonymous.StartResponse, error) {
	resp, err := invoke(ctx, a.s, "Start", func(ctx context.Context, cc *grpc.ClientConn) (*anonymous.StartResponse, error) {
		return anonymousgrpc.NewAnonymousClient(cc).Start(ctx, req)
	})
	if err == nil {
		a.mu.Lock()
		a.started = proto.CloneOf(req)
		a.mu.Unlock()
	}
	return resp, err
}

func (a *anonymousClient) Stop(ctx context.Context, req *anonymous.StopRequest) (*anonymous.StopResponse, error) {
	resp, err := invoke(ctx, a.s, "Stop", func(ctx context.Context, cc *grpc.ClientConn) (*anonymous.StopResponse, error) {
		return anonymousgrpc.NewAnonymousClient(cc).Stop(ctx, req)
	})
	if err == nil {
		a.mu.Lock()
		a.started = nil
		a.mu.Unlock()
	}
	return resp, err
}

func (a *anonymousClient) reinit(ctx context.Context, p *proc) error {
	a.mu.Lock()
	req := a.started
	a.mu.Unlock()
	if req == nil {
		return nil
	}
	if _, err := anonymousgrpc.NewAnonymousClient(p.cc).Start(ctx, req); err != nil {
		return fmt.Errorf("Start: %w", err)
	}
	return nil
}
