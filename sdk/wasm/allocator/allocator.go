// Package allocator serves an allocator.Allocator (modules/kinds/allocator)
// from a WASM module: importing it exports gomesos_call_allocator.
//
//	func init() { allocator.Register(myAllocator.New()) }
//	func main() {}
package allocator

import (
	kind "github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/gomesos/mesos/sdk/wasm"
)

// Name is the kind's name.
const Name = "Allocator"

// Register makes a the module's allocator. Call it from an init function.
// The allocator keeps its state in the instance: the host runs exactly
// one instance of an allocator module.
func Register(a kind.Allocator) {
	sd := kind.File_modules_kinds_allocator_allocator_proto.Services().ByName("Allocator")
	wasm.Register(wasm.Kind{
		Name:       Name,
		MinVersion: kind.APIVersion,
		MaxVersion: kind.APIVersion,
		Impl:       a,
		Methods: map[uint32]wasm.Method{
			abi.MethodNumber(sd, "Initialize"): wasm.Unary(a.Initialize),
			abi.MethodNumber(sd, "Allocate"):   wasm.Unary(a.Allocate),
		},
	})
}
