// Package resourceestimator is the contract of the ResourceEstimator module
// kind: the Go interface the agent calls, and the messages (generated from
// resourceestimator.proto) it is called with. Built-in, go-plugin and WASM
// resource estimators all implement this one interface.
package resourceestimator

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/core/resources"
)

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// ResourceEstimator estimates what the agent may oversubscribe. The agent
// calls it from one goroutine at a time.
type ResourceEstimator interface {
	// Oversubscribable returns the revocable resources the agent may offer
	// now, on top of those its executors already use.
	Oversubscribable(ctx context.Context, req *OversubscribableRequest) (*OversubscribableResponse, error)
}

// ErrInvalidEstimate is wrapped by Check's errors.
var ErrInvalidEstimate = errors.New("invalid resource estimate")

// Check holds an estimate to the agent's rules: every resource valid and
// revocable. It returns the estimate as Resources.
func Check(resp *OversubscribableResponse) (resources.Resources, error) {
	for _, r := range resp.GetResources() {
		if err := resources.Validate(r); err != nil {
			return resources.Resources{}, fmt.Errorf("%w: %v", ErrInvalidEstimate, err)
		}
		if r.GetRevocable() == nil {
			return resources.Resources{}, fmt.Errorf("%w: %s is not revocable", ErrInvalidEstimate, resources.FormatProto(r))
		}
	}
	rs, err := resources.FromProtos(resp.GetResources())
	if err != nil {
		return resources.Resources{}, fmt.Errorf("%w: %v", ErrInvalidEstimate, err)
	}
	return rs, nil
}
