package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator/httpauthenticatorgrpc"
)

// HTTPAuthenticator serves a httpauthenticator.HTTPAuthenticator built by build from the module's
// parameters.
func HTTPAuthenticator(name string, build func(params map[string]string) (httpauthenticator.HTTPAuthenticator, error)) Module {
	return newModule(name, modules.KindHTTPAuthenticator, []int{httpauthenticator.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[httpauthenticator.HTTPAuthenticator]) {
			httpauthenticatorgrpc.RegisterHttpAuthenticatorServer(s, &httpAuthenticatorServer{impl: impl})
		})
}

// httpAuthenticatorServer serves a httpauthenticator.HTTPAuthenticator; calls run concurrently.
type httpAuthenticatorServer struct {
	httpauthenticatorgrpc.UnimplementedHttpAuthenticatorServer
	impl *slot[httpauthenticator.HTTPAuthenticator]
}

func (s *httpAuthenticatorServer) Scheme(ctx context.Context, req *httpauthenticator.SchemeRequest) (*httpauthenticator.SchemeResponse, error) {
	return serveCall(ctx, s.impl, "Scheme", req, httpauthenticator.HTTPAuthenticator.Scheme)
}

func (s *httpAuthenticatorServer) Authenticate(ctx context.Context, req *httpauthenticator.AuthenticateRequest) (*httpauthenticator.AuthenticateResponse, error) {
	return serveCall(ctx, s.impl, "Authenticate", req, httpauthenticator.HTTPAuthenticator.Authenticate)
}
