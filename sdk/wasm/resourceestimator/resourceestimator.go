// Package resourceestimator serves a resourceestimator.ResourceEstimator
// (modules/kinds/resourceestimator) from a WASM module: importing it
// exports gomesos_call_resourceestimator.
//
//	func init() { resourceestimator.Register(myEstimator{}) }
//	func main() {}
package resourceestimator

import (
	kind "github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/gomesos/mesos/sdk/wasm"
)

// Name is the kind's name.
const Name = "ResourceEstimator"

// Register makes e the module's resource estimator. Call it from an init
// function.
func Register(e kind.ResourceEstimator) {
	sd := kind.File_modules_kinds_resourceestimator_resourceestimator_proto.Services().ByName("ResourceEstimator")
	wasm.Register(wasm.Kind{
		Name:       Name,
		MinVersion: kind.APIVersion,
		MaxVersion: kind.APIVersion,
		Impl:       e,
		Methods: map[uint32]wasm.Method{
			abi.MethodNumber(sd, "Oversubscribable"): wasm.Unary(e.Oversubscribable),
		},
	})
}
