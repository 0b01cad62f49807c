// Package resourceestimator serves a resourceestimator.ResourceEstimator
// (modules/kinds/resourceestimator) from a WASM module: importing it
// exports gomesos_call_resourceestimator.
//
//	func init() { resourceestimator.Register(myEstimator{}) }
//	func main() {}
package resourceestimator

import (
	kind "github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/sdk/wasm"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name is the kind's name.
const Name = "ResourceEstimator"

// Register makes e the module's resource estimator. Call it from an init
// function.
func Register(e kind.ResourceEstimator) {
	wasm.RegisterService(Name, kind.APIVersion, kind.APIVersion, e, map[protoreflect.Name]wasm.Method{
		"Oversubscribable": wasm.Unary(e.Oversubscribable),
	})
}
