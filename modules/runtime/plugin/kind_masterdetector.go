package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/masterdetector/masterdetectorgrpc"
)

// masterDetectorClient is a masterdetector.MasterDetector in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type masterDetectorClient struct{ s *supervisor }

var (
	_ masterdetector.MasterDetector = (*masterDetectorClient)(nil)
	_ Supervised                    = (*masterDetectorClient)(nil)
)

func newMasterDetectorClient(s *supervisor) any { return &masterDetectorClient{s: s} }

func (c *masterDetectorClient) PluginStatus() Status { return c.s.status() }

func (c *masterDetectorClient) Detect(ctx context.Context, req *masterdetector.DetectRequest) (*masterdetector.DetectResponse, error) {
	return invoke(ctx, c.s, "Detect", func(ctx context.Context, cc *grpc.ClientConn) (*masterdetector.DetectResponse, error) {
		return masterdetectorgrpc.NewMasterDetectorClient(cc).Detect(ctx, req)
	})
}
