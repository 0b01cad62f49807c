package estimator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
)

// Fixed offers a fixed amount of revocable resources, less what revocable
// executors already use: Mesos's FixedResourceEstimator
// (org_apache_mesos_FixedResourceEstimator), configured with the
// "resources" parameter in the --resources grammar ("cpus:14;mem:1024" or
// the JSON array form), every one of which is made revocable.
type Fixed struct {
	total resources.Resources
	log   *slog.Logger
}

var _ resourceestimator.ResourceEstimator = (*Fixed)(nil)

// NewFixed makes the fixed estimator from its parameters: "resources"
// (required), as Mesos's estimator takes it. Other parameters are ignored
// with a warning, as Mesos ignores them.
func NewFixed(params map[string]string) (resourceestimator.ResourceEstimator, error) {
	f, err := NewFixedWith(params, slog.Default())
	if err != nil {
		return nil, err
	}
	return f, nil
}

// NewFixedWith is NewFixed logging to log.
func NewFixedWith(params map[string]string, log *slog.Logger) (*Fixed, error) {
	text, ok := params["resources"]
	if !ok {
		return nil, errors.New("fixed resource estimator: missing parameter 'resources'")
	}
	for k := range params {
		if k != "resources" {
			log.Warn("fixed resource estimator: ignoring unknown parameter", "parameter", k)
		}
	}
	total, err := ParseRevocable(text)
	if err != nil {
		return nil, fmt.Errorf("fixed resource estimator: parameter 'resources': %w", err)
	}
	return &Fixed{total: total, log: log}, nil
}

// ParseRevocable parses resources in the --resources grammar (default role
// "*") and marks every one revocable.
func ParseRevocable(text string) (resources.Resources, error) {
	parsed, err := resources.Parse(text, "*")
	if err != nil {
		return resources.Resources{}, err
	}
	var total resources.Resources
	for _, p := range parsed.Protos() {
		p.Revocable = &mesospb.Resource_RevocableInfo{}
		total = total.AddResource(p)
	}
	return total, nil
}

// Total is the configured revocable total.
func (f *Fixed) Total() resources.Resources { return f.total }

// Oversubscribable returns the configured total minus the revocable
// resources the executors in the usage hold (their allocation info
// removed, as Mesos does before subtracting).
func (f *Fixed) Oversubscribable(_ context.Context, req *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	var used resources.Resources
	for _, e := range req.GetUsage().GetExecutors() {
		used = used.Add(resources.New(e.GetAllocated()...).Revocable())
	}
	available := f.total.Subtract(used.Unallocate())
	f.log.Debug("fixed resource estimator", "total", f.total.String(), "used", used.String(), "oversubscribable", available.String())
	return &resourceestimator.OversubscribableResponse{Resources: available.Protos()}, nil
}
