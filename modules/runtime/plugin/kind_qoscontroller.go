package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller/qoscontrollergrpc"
)

// qosControllerClient is a qoscontroller.QoSController in a plugin process: each call is one
// gRPC call (see invoke for deadlines and failures).
type qosControllerClient struct{ s *supervisor }

var (
	_ qoscontroller.QoSController = (*qosControllerClient)(nil)
	_ Supervised                  = (*qosControllerClient)(nil)
)

func newQoSControllerClient(s *supervisor) any { return &qosControllerClient{s: s} }

func (c *qosControllerClient) PluginStatus() Status { return c.s.status() }

func (c *qosControllerClient) Corrections(ctx context.Context, req *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	return invoke(ctx, c.s, "Corrections", func(ctx context.Context, cc *grpc.ClientConn) (*qoscontroller.CorrectionsResponse, error) {
		return qoscontrollergrpc.NewQoSControllerClient(cc).Corrections(ctx, req)
	})
}
