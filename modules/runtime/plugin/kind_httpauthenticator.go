package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator/httpauthenticatorgrpc"
)

// httpAuthenticatorClient is a httpauthenticator.HTTPAuthenticator in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type httpAuthenticatorClient struct{ s *supervisor }

var (
	_ httpauthenticator.HTTPAuthenticator = (*httpAuthenticatorClient)(nil)
	_ Supervised                          = (*httpAuthenticatorClient)(nil)
)

func newHTTPAuthenticatorClient(s *supervisor) any { return &httpAuthenticatorClient{s: s} }

func (c *httpAuthenticatorClient) PluginStatus() Status { return c.s.status() }

func (c *httpAuthenticatorClient) Scheme(ctx context.Context, req *httpauthenticator.SchemeRequest) (*httpauthenticator.SchemeResponse, error) {
	return invoke(ctx, c.s, "Scheme", func(ctx context.Context, cc *grpc.ClientConn) (*httpauthenticator.SchemeResponse, error) {
		return httpauthenticatorgrpc.NewHttpAuthenticatorClient(cc).Scheme(ctx, req)
	})
}

func (c *httpAuthenticatorClient) Authenticate(ctx context.Context, req *httpauthenticator.AuthenticateRequest) (*httpauthenticator.AuthenticateResponse, error) {
	return invoke(ctx, c.s, "Authenticate", func(ctx context.Context, cc *grpc.ClientConn) (*httpauthenticator.AuthenticateResponse, error) {
		return httpauthenticatorgrpc.NewHttpAuthenticatorClient(cc).Authenticate(ctx, req)
	})
}
