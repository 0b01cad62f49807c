package qos

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
)

// Noop never asks for a correction: Mesos's default (NoopQoSController),
// used when --qos_controller is not set.
type Noop struct{}

var _ qoscontroller.QoSController = Noop{}

// NewNoop makes the noop controller; it takes no parameters.
func NewNoop(map[string]string) (qoscontroller.QoSController, error) { return Noop{}, nil }

// Corrections returns none.
func (Noop) Corrections(context.Context, *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	return &qoscontroller.CorrectionsResponse{}, nil
}
