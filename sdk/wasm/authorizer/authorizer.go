// Package authorizer serves an authorizer.Authorizer
// (modules/kinds/authorizer), an ACL policy for example, from a WASM
// module: importing it exports gomesos_call_authorizer.
//
//	func init() { authorizer.Register(myAuthorizer{}) }
//	func main() {}
package authorizer

import (
	kind "github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/sdk/wasm"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name is the kind's name.
const Name = "Authorizer"

// Register makes a the module's authorizer. Call it from an init function.
func Register(a kind.Authorizer) {
	wasm.RegisterService(Name, kind.APIVersion, kind.APIVersion, a, map[protoreflect.Name]wasm.Method{
		"Authorized":     wasm.Unary(a.Authorized),
		"ApproveObjects": wasm.Unary(a.ApproveObjects),
	})
}
