package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authenticator/authenticatorgrpc"
)

// authenticatorClient is a authenticator.Authenticator in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type authenticatorClient struct{ s *supervisor }

var (
	_ authenticator.Authenticator = (*authenticatorClient)(nil)
	_ Supervised                  = (*authenticatorClient)(nil)
)

func newAuthenticatorClient(s *supervisor) any { return &authenticatorClient{s: s} }

func (c *authenticatorClient) PluginStatus() Status { return c.s.status() }

func (c *authenticatorClient) Authenticate(ctx context.Context, req *authenticator.AuthenticateRequest) (*authenticator.AuthenticateResponse, error) {
	return invoke(ctx, c.s, "Authenticate", func(ctx context.Context, cc *grpc.ClientConn) (*authenticator.AuthenticateResponse, error) {
		return authenticatorgrpc.NewAuthenticatorClient(cc).Authenticate(ctx, req)
	})
}
