// Package httpauthenticator serves an httpauthenticator.HTTPAuthenticator
// (modules/kinds/httpauthenticator) from a WASM module: importing it
// exports gomesos_call_httpauthenticator.
//
//	func init() { httpauthenticator.Register(myHTTPAuthenticator{}) }
//	func main() {}
package httpauthenticator

import (
	kind "github.com/gomesos/mesos/modules/kinds/httpauthenticator"
	"github.com/gomesos/mesos/sdk/wasm"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name is the kind's name.
const Name = "HttpAuthenticator"

// Register makes h the module's HttpAuthenticator. Call it from an init function.
func Register(h kind.HTTPAuthenticator) {
	wasm.RegisterService(Name, kind.APIVersion, kind.APIVersion, h, map[protoreflect.Name]wasm.Method{
		"Scheme":       wasm.Unary(h.Scheme),
		"Authenticate": wasm.Unary(h.Authenticate),
	})
}
