package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatorgrpc"
)

// ResourceEstimator serves a resourceestimator.ResourceEstimator built by build from the module's
// parameters.
func ResourceEstimator(name string, build func(params map[string]string) (resourceestimator.ResourceEstimator, error)) Module {
	return newModule(name, modules.KindResourceEstimator, []int{resourceestimator.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[resourceestimator.ResourceEstimator]) {
			resourceestimatorgrpc.RegisterResourceEstimatorServer(s, &resourceEstimatorServer{impl: impl})
		})
}

// resourceEstimatorServer serves a resourceestimator.ResourceEstimator; calls run concurrently.
type resourceEstimatorServer struct {
	resourceestimatorgrpc.UnimplementedResourceEstimatorServer
	impl *slot[resourceestimator.ResourceEstimator]
}

func (s *resourceEstimatorServer) Oversubscribable(ctx context.Context, req *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	return serveCall(ctx, s.impl, "Oversubscribable", req, resourceestimator.ResourceEstimator.Oversubscribable)
}
