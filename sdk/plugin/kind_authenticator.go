package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authenticator/authenticatorgrpc"
)

// Authenticator serves a authenticator.Authenticator built by build from the module's
// parameters.
func Authenticator(name string, build func(params map[string]string) (authenticator.Authenticator, error)) Module {
	return newModule(name, modules.KindAuthenticator, []int{authenticator.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[authenticator.Authenticator]) {
			authenticatorgrpc.RegisterAuthenticatorServer(s, &authenticatorServer{impl: impl})
		})
}

// authenticatorServer serves a authenticator.Authenticator; calls run concurrently.
type authenticatorServer struct {
	authenticatorgrpc.UnimplementedAuthenticatorServer
	impl *slot[authenticator.Authenticator]
}

func (s *authenticatorServer) Authenticate(ctx context.Context, req *authenticator.AuthenticateRequest) (*authenticator.AuthenticateResponse, error) {
	return serveCall(ctx, s.impl, "Authenticate", req, authenticator.Authenticator.Authenticate)
}
