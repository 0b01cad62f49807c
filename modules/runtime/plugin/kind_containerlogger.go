package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/containerlogger/containerloggergrpc"
)

// containerLoggerClient is a containerlogger.ContainerLogger in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type containerLoggerClient struct{ s *supervisor }

var (
	_ containerlogger.ContainerLogger = (*containerLoggerClient)(nil)
	_ Supervised                      = (*containerLoggerClient)(nil)
)

func newContainerLoggerClient(s *supervisor) any { return &containerLoggerClient{s: s} }

func (c *containerLoggerClient) PluginStatus() Status { return c.s.status() }

func (c *containerLoggerClient) Recover(ctx context.Context, req *containerlogger.RecoverRequest) (*containerlogger.RecoverResponse, error) {
	return invoke(ctx, c.s, "Recover", func(ctx context.Context, cc *grpc.ClientConn) (*containerlogger.RecoverResponse, error) {
		return containerloggergrpc.NewContainerLoggerClient(cc).Recover(ctx, req)
	})
}

func (c *containerLoggerClient) Prepare(ctx context.Context, req *containerlogger.PrepareRequest) (*containerlogger.PrepareResponse, error) {
	return invoke(ctx, c.s, "Prepare", func(ctx context.Context, cc *grpc.ClientConn) (*containerlogger.PrepareResponse, error) {
		return containerloggergrpc.NewContainerLoggerClient(cc).Prepare(ctx, req)
	})
}

func (c *containerLoggerClient) Write(ctx context.Context, req *containerlogger.WriteRequest) (*containerlogger.WriteResponse, error) {
	return invoke(ctx, c.s, "Write", func(ctx context.Context, cc *grpc.ClientConn) (*containerlogger.WriteResponse, error) {
		return containerloggergrpc.NewContainerLoggerClient(cc).Write(ctx, req)
	})
}

func (c *containerLoggerClient) Close(ctx context.Context, req *containerlogger.CloseRequest) (*containerlogger.CloseResponse, error) {
	return invoke(ctx, c.s, "Close", func(ctx context.Context, cc *grpc.ClientConn) (*containerlogger.CloseResponse, error) {
		return containerloggergrpc.NewContainerLoggerClient(cc).Close(ctx, req)
	})
}
