// Package qoscontroller serves a qoscontroller.QoSController
// (modules/kinds/qoscontroller) from a WASM module: importing it exports
// gomesos_call_qoscontroller.
//
//	func init() { qoscontroller.Register(myController{}) }
//	func main() {}
package qoscontroller

import (
	kind "github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/gomesos/mesos/sdk/wasm"
)

// Name is the kind's name.
const Name = "QoSController"

// Register makes q the module's QoS controller. Call it from an init
// function.
func Register(q kind.QoSController) {
	sd := kind.File_modules_kinds_qoscontroller_qoscontroller_proto.Services().ByName("QoSController")
	wasm.Register(wasm.Kind{
		Name:       Name,
		MinVersion: kind.APIVersion,
		MaxVersion: kind.APIVersion,
		Impl:       q,
		Methods: map[uint32]wasm.Method{
			abi.MethodNumber(sd, "Corrections"): wasm.Unary(q.Corrections),
		},
	})
}
