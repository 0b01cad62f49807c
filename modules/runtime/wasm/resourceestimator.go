package wasm

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
)

// estimatorClient is resourceestimator.ResourceEstimator over a WASM
// module.
type estimatorClient struct {
	c                *client
	oversubscribable uint32
}

var _ resourceestimator.ResourceEstimator = (*estimatorClient)(nil)

func newEstimatorClient(c *client) any {
	return &estimatorClient{c: c, oversubscribable: abi.MethodNumber(c.m.kind.service, "Oversubscribable")}
}

func (e *estimatorClient) Oversubscribable(ctx context.Context, req *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	resp := &resourceestimator.OversubscribableResponse{}
	if err := e.c.call(ctx, e.oversubscribable, req, resp); err != nil {
		return nil, err
	}
	return resp, nil
}
