package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/containerlogger/containerloggergrpc"
)

// ContainerLogger serves a containerlogger.ContainerLogger built by build from the module's
// parameters.
func ContainerLogger(name string, build func(params map[string]string) (containerlogger.ContainerLogger, error)) Module {
	return newModule(name, modules.KindContainerLogger, []int{containerlogger.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[containerlogger.ContainerLogger]) {
			containerloggergrpc.RegisterContainerLoggerServer(s, &containerLoggerServer{impl: impl})
		})
}

// containerLoggerServer serves a containerlogger.ContainerLogger; calls run concurrently.
type containerLoggerServer struct {
	containerloggergrpc.UnimplementedContainerLoggerServer
	impl *slot[containerlogger.ContainerLogger]
}

func (s *containerLoggerServer) Recover(ctx context.Context, req *containerlogger.RecoverRequest) (*containerlogger.RecoverResponse, error) {
	return serveCall(ctx, s.impl, "Recover", req, containerlogger.ContainerLogger.Recover)
}

func (s *containerLoggerServer) Prepare(ctx context.Context, req *containerlogger.PrepareRequest) (*containerlogger.PrepareResponse, error) {
	return serveCall(ctx, s.impl, "Prepare", req, containerlogger.ContainerLogger.Prepare)
}

func (s *containerLoggerServer) Write(ctx context.Context, req *containerlogger.WriteRequest) (*containerlogger.WriteResponse, error) {
	return serveCall(ctx, s.impl, "Write", req, containerlogger.ContainerLogger.Write)
}

func (s *containerLoggerServer) Close(ctx context.Context, req *containerlogger.CloseRequest) (*containerlogger.CloseResponse, error) {
	return serveCall(ctx, s.impl, "Close", req, containerlogger.ContainerLogger.Close)
}
