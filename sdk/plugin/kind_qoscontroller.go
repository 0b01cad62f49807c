package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller/qoscontrollergrpc"
)

// QoSController serves a qoscontroller.QoSController built by build from the module's
// parameters.
func QoSController(name string, build func(params map[string]string) (qoscontroller.QoSController, error)) Module {
	return newModule(name, modules.KindQoSController, []int{qoscontroller.APIVersion}, build,
		func(s *grpc.Server, _ int, impl *slot[qoscontroller.QoSController]) {
			qoscontrollergrpc.RegisterQoSControllerServer(s, &qosControllerServer{impl: impl})
		})
}

// qosControllerServer serves a qoscontroller.QoSController; calls run concurrently.
type qosControllerServer struct {
	qoscontrollergrpc.UnimplementedQoSControllerServer
	impl *slot[qoscontroller.QoSController]
}

func (s *qosControllerServer) Corrections(ctx context.Context, req *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	return serveCall(ctx, s.impl, "Corrections", req, qoscontroller.QoSController.Corrections)
}
