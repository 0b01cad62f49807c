package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/masterdetector/masterdetectorgrpc"
)

// MasterDetector serves a masterdetector.MasterDetector built by build from the module's
// parameters.
func MasterDetector(name string, build func(params map[string]string) (masterdetector.MasterDetector, error)) Module {
	return newModule(name, modules.KindMasterDetector, []int{masterdetector.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[masterdetector.MasterDetector]) {
			masterdetectorgrpc.RegisterMasterDetectorServer(s, &masterDetectorServer{impl: impl})
		})
}

// masterDetectorServer serves a masterdetector.MasterDetector; calls run concurrently.
type masterDetectorServer struct {
	masterdetectorgrpc.UnimplementedMasterDetectorServer
	impl *slot[masterdetector.MasterDetector]
}

func (s *masterDetectorServer) Detect(ctx context.Context, req *masterdetector.DetectRequest) (*masterdetector.DetectResponse, error) {
	return serveCall(ctx, s.impl, "Detect", req, masterdetector.MasterDetector.Detect)
}
