// Package estimator holds the built-in resource estimators (agent flag
// --resource_estimator): noop, which never oversubscribes, and fixed,
// which offers a fixed amount of revocable resources. Both implement the
// ResourceEstimator kind's contract (modules/kinds/resourceestimator)
// exactly as a module would.
package estimator

import "github.com/gomesos/mesos/modules/kinds/resourceestimator"

// Constructor makes a built-in estimator from its manifest parameters.
type Constructor func(params map[string]string) (resourceestimator.ResourceEstimator, error)

// Catalog lists the built-in estimators by name. Mesos's module names for
// the same estimators are accepted too, so that a Mesos --modules file
// naming them keeps working.
func Catalog() map[string]Constructor {
	return map[string]Constructor{
		"noop":                                   NewNoop,
		"fixed":                                  NewFixed,
		"org_apache_mesos_NoopResourceEstimator": NewNoop,
		"org_apache_mesos_FixedResourceEstimator": NewFixed,
	}
}
