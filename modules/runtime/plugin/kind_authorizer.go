package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/authorizer/authorizergrpc"
)

// authorizerClient is a authorizer.Authorizer in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type authorizerClient struct{ s *supervisor }

var (
	_ authorizer.Authorizer = (*authorizerClient)(nil)
	_ Supervised            = (*authorizerClient)(nil)
)

func newAuthorizerClient(s *supervisor) any { return &authorizerClient{s: s} }

func (c *authorizerClient) PluginStatus() Status { return c.s.status() }

func (c *authorizerClient) Authorized(ctx context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	return invoke(ctx, c.s, "Authorized", func(ctx context.Context, cc *grpc.ClientConn) (*authorizer.AuthorizedResponse, error) {
		return authorizergrpc.NewAuthorizerClient(cc).Authorized(ctx, req)
	})
}

func (c *authorizerClient) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return invoke(ctx, c.s, "ApproveObjects", func(ctx context.Context, cc *grpc.ClientConn) (*authorizer.ApproveObjectsResponse, error) {
		return authorizergrpc.NewAuthorizerClient(cc).ApproveObjects(ctx, req)
	})
}
