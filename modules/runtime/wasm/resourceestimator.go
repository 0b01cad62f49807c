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
	return unary[resourceestimator.OversubscribableResponse](ctx, e.c, e.oversubscribable, req)
}
