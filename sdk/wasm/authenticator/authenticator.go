// Package authenticator serves an authenticator.Authenticator
// (modules/kinds/authenticator), a check of credentials the module is
// given, from a WASM module: importing it exports
// gomesos_call_authenticator.
//
//	func init() { authenticator.Register(myAuthenticator{}) }
//	func main() {}
package authenticator

import (
	kind "github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/sdk/wasm"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name is the kind's name.
const Name = "Authenticator"

// Register makes a the module's Authenticator. Call it from an init function.
func Register(a kind.Authenticator) {
	wasm.RegisterService(Name, kind.APIVersion, kind.APIVersion, a, map[protoreflect.Name]wasm.Method{
		"Authenticate": wasm.Unary(a.Authenticate),
	})
}
