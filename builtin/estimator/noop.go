package estimator

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
)

// Noop never has anything to oversubscribe: Mesos's default
// (NoopResourceEstimator), used when --resource_estimator is not set.
type Noop struct{}

var _ resourceestimator.ResourceEstimator = Noop{}

// NewNoop makes the noop estimator; it takes no parameters.
func NewNoop(map[string]string) (resourceestimator.ResourceEstimator, error) { return Noop{}, nil }

// Oversubscribable returns nothing.
func (Noop) Oversubscribable(context.Context, *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	return &resourceestimator.OversubscribableResponse{}, nil
}
