// Package hook serves a hook.Hook (modules/kinds/hook) from a WASM module:
// importing it exports gomesos_call_hook.
//
//	type labels struct{ hook.Nop } // overrides the hooks it cares about
//
//	func init() { wasmhook.Register(labels{}, hook.MasterLaunchTaskLabelDecoratorName) }
//	func main() {}
package hook

import (
	"fmt"
	"strings"
	"unicode"

	kind "github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/gomesos/mesos/sdk/wasm"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name is the kind's name.
const Name = "Hook"

// Register makes h the module's hook. Call it from an init function.
//
// names, Mesos's hook names (kind.MasterLaunchTaskLabelDecoratorName,
// ...), list the hooks h implements: the host calls only those and
// answers the others itself as kind.Nop would, without entering the
// module. With no names every hook is called. Register panics on an
// unknown name.
func Register(h kind.Hook, names ...string) {
	all := map[protoreflect.Name]wasm.Method{
		"MasterLaunchTaskLabelDecorator":            wasm.Unary(h.MasterLaunchTaskLabelDecorator),
		"MasterLaunchTaskResourceDecorator":         wasm.Unary(h.MasterLaunchTaskResourceDecorator),
		"MasterSlaveLostHook":                       wasm.Unary(h.MasterSlaveLostHook),
		"SlaveRunTaskLabelDecorator":                wasm.Unary(h.SlaveRunTaskLabelDecorator),
		"SlaveExecutorEnvironmentDecorator":         wasm.Unary(h.SlaveExecutorEnvironmentDecorator),
		"SlavePreLaunchDockerTaskExecutorDecorator": wasm.Unary(h.SlavePreLaunchDockerTaskExecutorDecorator),
		"SlavePostFetchHook":                        wasm.Unary(h.SlavePostFetchHook),
		"SlaveRemoveExecutorHook":                   wasm.Unary(h.SlaveRemoveExecutorHook),
		"SlaveTaskStatusDecorator":                  wasm.Unary(h.SlaveTaskStatusDecorator),
		"SlaveResourcesDecorator":                   wasm.Unary(h.SlaveResourcesDecorator),
		"SlaveAttributesDecorator":                  wasm.Unary(h.SlaveAttributesDecorator),
	}
	sd := abi.KindService(Name)
	methods := map[uint32]wasm.Method{}
	if len(names) == 0 {
		for n, fn := range all {
			methods[abi.MethodNumber(sd, n)] = fn
		}
	}
	for _, name := range names {
		n := protoreflect.Name(upperFirst(name))
		fn, ok := all[n]
		if !ok {
			panic(fmt.Sprintf("gomesos wasm sdk: unknown hook %q (known: %s)", name, strings.Join(kind.Names(), ", ")))
		}
		methods[abi.MethodNumber(sd, n)] = fn
	}
	wasm.Register(wasm.Kind{
		Name:       Name,
		MinVersion: kind.MinAPIVersion,
		MaxVersion: kind.APIVersion,
		Methods:    methods,
		Partial:    len(names) > 0,
		Impl:       h,
	})
}

// upperFirst turns Mesos's hook name into the .proto method name.
func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
