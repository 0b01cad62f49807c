package wasm

import (
	"os"
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller/qoscontrollertest"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatortest"
)

// The allocator conformance suite against allocators running as WASM:
// the example bin-packing allocator, and the built-in HierarchicalDRF
// compiled unchanged to WASM.
func TestAllocatorConformance(t *testing.T) {
	for name, pkg := range map[string]string{"binpack": binpackPkg, "drf": drfPkg} {
		t.Run(name, func(t *testing.T) {
			path := guest(t, pkg)
			l := newLoader(t, Config{})
			allocatortest.Run(t, func(t *testing.T) allocator.Allocator {
				return load(t, l, modules.Spec{File: path}).Impl.(allocator.Allocator)
			})
		})
	}
}

// The estimator suite against the built-in fixed estimator compiled to
// WASM.
func TestResourceEstimatorConformance(t *testing.T) {
	path := guest(t, fixedPkg)
	l := newLoader(t, Config{})
	resourceestimatortest.Run(t, resourceestimatortest.Fixture{New: func(t *testing.T) resourceestimator.ResourceEstimator {
		return load(t, l, modules.Spec{File: path, Parameters: map[string]string{"resources": "cpus:4;mem:1024"}}).
			Impl.(resourceestimator.ResourceEstimator)
	}})
}

// The QoS controller suite against the built-in load controller compiled
// to WASM. It reads /proc/loadavg through a read-only grant of /proc; with
// a negative threshold any load is an overload.
func TestQoSControllerConformance(t *testing.T) {
	path := guest(t, loadQoSPkg)
	l := newLoader(t, Config{})
	controller := func(threshold string) func(t *testing.T) qoscontroller.QoSController {
		return func(t *testing.T) qoscontroller.QoSController {
			return load(t, l, modules.Spec{File: path, Grants: []string{"fs-ro=/proc"},
				Parameters: map[string]string{"load_threshold_5min": threshold}}).Impl.(qoscontroller.QoSController)
		}
	}
	f := qoscontrollertest.Fixture{New: controller("1e9")}
	if _, err := os.Stat("/proc/loadavg"); err == nil {
		f.NewOverloaded = controller("-1")
	}
	qoscontrollertest.Run(t, f)
}
