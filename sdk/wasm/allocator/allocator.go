// Package allocator serves an allocator.Allocator (modules/kinds/allocator)
// from a WASM module: importing it exports gomesos_call_allocator.
//
//	func init() { allocator.Register(myAllocator.New()) }
//	func main() {}
package allocator

import (
	kind "github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/sdk/wasm"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name is the kind's name.
const Name = "Allocator"

// Register makes a the module's allocator. Call it from an init function.
// The allocator keeps its state in the instance: the host runs exactly
// one instance of an allocator module.
func Register(a kind.Allocator) {
	wasm.RegisterService(Name, kind.APIVersion, kind.APIVersion, a, map[protoreflect.Name]wasm.Method{
		"Initialize": wasm.Unary(a.Initialize),
		"Allocate":   wasm.Unary(a.Allocate),
	})
}
