// Command label-hook is the label decorator of package labelhook as a WASM
// module:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o label-hook.wasm .
package main

import (
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/sdk/examples/wasm/label-hook/labelhook"
	"github.com/gomesos/mesos/sdk/wasm"
	wasmhook "github.com/gomesos/mesos/sdk/wasm/hook"
)

// module is the hook with the SDK's configuration entry point.
type module struct{ labelhook.Hook }

// Configure implements wasm.Configurer: the labels come from the
// module's manifest parameters.
func (m *module) Configure(p wasm.Params) error { return m.Hook.Configure(p.Parameters) }

func init() {
	// Only the two label decorators enter the module; the host answers
	// the other hooks itself.
	wasmhook.Register(&module{}, hook.MasterLaunchTaskLabelDecoratorName, hook.SlaveRunTaskLabelDecoratorName)
}

func main() {}
