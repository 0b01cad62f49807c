package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/anonymous"
	"github.com/gomesos/mesos/modules/kinds/anonymous/anonymousgrpc"
)

// Anonymous serves a anonymous.Anonymous built by build from the module's
// parameters (which also arrive with Start).
func Anonymous(name string, build func(params map[string]string) (anonymous.Anonymous, error)) Module {
	return newModule(name, modules.KindAnonymous, []int{anonymous.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[anonymous.Anonymous]) {
			anonymousgrpc.RegisterAnonymousServer(s, &anonymousServer{impl: impl})
		})
}

// anonymousServer serves a anonymous.Anonymous.
type anonymousServer struct {
	anonymousgrpc.UnimplementedAnonymousServer
	impl *slot[anonymous.Anonymous]
}

func (s *anonymousServer) Start(ctx context.Context, req *anonymous.StartRequest) (*anonymous.StartResponse, error) {
	return serveCall(ctx, s.impl, "Start", req, anonymous.Anonymous.Start)
}

func (s *anonymousServer) Stop(ctx context.Context, req *anonymous.StopRequest) (*anonymous.StopResponse, error) {
	return serveCall(ctx, s.impl, "Stop", req, anonymous.Anonymous.Stop)
}
