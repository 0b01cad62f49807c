package decorate

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
)

// NewResourceEstimator decorates a resource estimator module whose
// decorator is d: Oversubscribable runs under Call, and its estimate is
// held to the contract's rules (resourceestimator.Check: valid, revocable
// resources); an estimate that breaks them is rejected and the call fails
// with ClassRejected. The kind's failure policy, skip, is the agent's: no
// new estimate this time.
func NewResourceEstimator(d *Decorator, e resourceestimator.ResourceEstimator) resourceestimator.ResourceEstimator {
	return &estimatorModule{d: d, e: e}
}

type estimatorModule struct {
	d *Decorator
	e resourceestimator.ResourceEstimator
}

func (w *estimatorModule) Oversubscribable(ctx context.Context, req *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	const method = "Oversubscribable"
	resp, err := Call(ctx, w.d, method, func(ctx context.Context) (*resourceestimator.OversubscribableResponse, error) {
		return w.e.Oversubscribable(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	if _, err := resourceestimator.Check(resp); err != nil {
		return nil, w.d.Reject(method, "invalid estimate", err)
	}
	return resp, nil
}
