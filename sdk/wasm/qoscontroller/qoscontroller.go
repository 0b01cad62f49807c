// Package qoscontroller serves a qoscontroller.QoSController
// (modules/kinds/qoscontroller) from a WASM module: importing it exports
// gomesos_call_qoscontroller.
//
//	func init() { qoscontroller.Register(myController{}) }
//	func main() {}
package qoscontroller

import (
	kind "github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/sdk/wasm"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name is the kind's name.
const Name = "QoSController"

// Register makes q the module's QoS controller. Call it from an init
// function.
func Register(q kind.QoSController) {
	wasm.RegisterService(Name, kind.APIVersion, kind.APIVersion, q, map[protoreflect.Name]wasm.Method{
		"Corrections": wasm.Unary(q.Corrections),
	})
}
