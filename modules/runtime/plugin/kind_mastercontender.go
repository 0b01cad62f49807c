package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/mastercontender/mastercontendergrpc"
)

// masterContenderClient is a mastercontender.MasterContender in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type masterContenderClient struct{ s *supervisor }

var (
	_ mastercontender.MasterContender = (*masterContenderClient)(nil)
	_ Supervised                      = (*masterContenderClient)(nil)
)

func newMasterContenderClient(s *supervisor) any { return &masterContenderClient{s: s} }

func (c *masterContenderClient) PluginStatus() Status { return c.s.status() }

func (c *masterContenderClient) Contend(ctx context.Context, req *mastercontender.ContendRequest) (*mastercontender.ContendResponse, error) {
	return invoke(ctx, c.s, "Contend", func(ctx context.Context, cc *grpc.ClientConn) (*mastercontender.ContendResponse, error) {
		return mastercontendergrpc.NewMasterContenderClient(cc).Contend(ctx, req)
	})
}

func (c *masterContenderClient) Watch(ctx context.Context, req *mastercontender.WatchRequest) (*mastercontender.WatchResponse, error) {
	return invoke(ctx, c.s, "Watch", func(ctx context.Context, cc *grpc.ClientConn) (*mastercontender.WatchResponse, error) {
		return mastercontendergrpc.NewMasterContenderClient(cc).Watch(ctx, req)
	})
}

func (c *masterContenderClient) Withdraw(ctx context.Context, req *mastercontender.WithdrawRequest) (*mastercontender.WithdrawResponse, error) {
	return invoke(ctx, c.s, "Withdraw", func(ctx context.Context, cc *grpc.ClientConn) (*mastercontender.WithdrawResponse, error) {
		return mastercontendergrpc.NewMasterContenderClient(cc).Withdraw(ctx, req)
	})
}
