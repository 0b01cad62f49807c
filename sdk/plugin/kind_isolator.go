package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/isolator/isolatorgrpc"
)

// Isolator serves an isolator built by build from the module's parameters.
func Isolator(name string, build func(params map[string]string) (isolator.Isolator, error)) Module {
	return newModule(name, modules.KindIsolator, []int{isolator.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[isolator.Isolator]) {
			isolatorgrpc.RegisterIsolatorServer(s, &isolatorServer{impl: impl})
		})
}

// isolatorServer serves an isolator; calls run concurrently, as the
// containerizer makes them.
type isolatorServer struct {
	isolatorgrpc.UnimplementedIsolatorServer
	impl *slot[isolator.Isolator]
}

func (s *isolatorServer) Recover(ctx context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	return serveCall(ctx, s.impl, "Recover", req, isolator.Isolator.Recover)
}

func (s *isolatorServer) Prepare(ctx context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	return serveCall(ctx, s.impl, "Prepare", req, isolator.Isolator.Prepare)
}

func (s *isolatorServer) Isolate(ctx context.Context, req *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	return serveCall(ctx, s.impl, "Isolate", req, isolator.Isolator.Isolate)
}

func (s *isolatorServer) Watch(ctx context.Context, req *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	return serveCall(ctx, s.impl, "Watch", req, isolator.Isolator.Watch)
}

func (s *isolatorServer) Update(ctx context.Context, req *isolator.UpdateRequest) (*isolator.UpdateResponse, error) {
	return serveCall(ctx, s.impl, "Update", req, isolator.Isolator.Update)
}

func (s *isolatorServer) Usage(ctx context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	return serveCall(ctx, s.impl, "Usage", req, isolator.Isolator.Usage)
}

func (s *isolatorServer) Status(ctx context.Context, req *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	return serveCall(ctx, s.impl, "Status", req, isolator.Isolator.Status)
}

func (s *isolatorServer) Cleanup(ctx context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	return serveCall(ctx, s.impl, "Cleanup", req, isolator.Isolator.Cleanup)
}
