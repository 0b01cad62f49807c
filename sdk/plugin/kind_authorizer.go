package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/authorizer/authorizergrpc"
)

// Authorizer serves a authorizer.Authorizer built by build from the module's
// parameters.
func Authorizer(name string, build func(params map[string]string) (authorizer.Authorizer, error)) Module {
	return newModule(name, modules.KindAuthorizer, []int{authorizer.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[authorizer.Authorizer]) {
			authorizergrpc.RegisterAuthorizerServer(s, &authorizerServer{impl: impl})
		})
}

// authorizerServer serves a authorizer.Authorizer; calls run concurrently.
type authorizerServer struct {
	authorizergrpc.UnimplementedAuthorizerServer
	impl *slot[authorizer.Authorizer]
}

func (s *authorizerServer) Authorized(ctx context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	return serveCall(ctx, s.impl, "Authorized", req, authorizer.Authorizer.Authorized)
}

func (s *authorizerServer) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return serveCall(ctx, s.impl, "ApproveObjects", req, authorizer.Authorizer.ApproveObjects)
}
