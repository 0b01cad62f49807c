package wasm

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
)

// qosClient is qoscontroller.QoSController over a WASM module.
type qosClient struct {
	c           *client
	corrections uint32
}

var _ qoscontroller.QoSController = (*qosClient)(nil)

func newQoSClient(c *client) any {
	return &qosClient{c: c, corrections: abi.MethodNumber(c.m.kind.service, "Corrections")}
}

func (q *qosClient) Corrections(ctx context.Context, req *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	return unary[qoscontroller.CorrectionsResponse](ctx, q.c, q.corrections, req)
}
