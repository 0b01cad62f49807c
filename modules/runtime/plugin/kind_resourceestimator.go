package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatorgrpc"
)

// resourceEstimatorClient is a resourceestimator.ResourceEstimator in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type resourceEstimatorClient struct{ s *supervisor }

var (
	_ resourceestimator.ResourceEstimator = (*resourceEstimatorClient)(nil)
	_ Supervised                          = (*resourceEstimatorClient)(nil)
)

func newResourceEstimatorClient(s *supervisor) any { return &resourceEstimatorClient{s: s} }

func (c *resourceEstimatorClient) PluginStatus() Status { return c.s.status() }

func (c *resourceEstimatorClient) Oversubscribable(ctx context.Context, req *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	return invoke(ctx, c.s, "Oversubscribable", func(ctx context.Context, cc *grpc.ClientConn) (*resourceestimator.OversubscribableResponse, error) {
		return resourceestimatorgrpc.NewResourceEstimatorClient(cc).Oversubscribable(ctx, req)
	})
}
