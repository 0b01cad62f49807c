package wasm

import (
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// kindAdapter is what the runtime knows of a kind: the contract versions
// the host speaks, how its calls are exported, and the host-side adapter
// that implements the kind's Go interface over the ABI.
type kindAdapter struct {
	kind     modules.Kind
	versions modules.Versions
	export   string // abi.CallExport(kind)
	service  protoreflect.ServiceDescriptor
	// stateful kinds keep state in the instance between calls: they get
	// one instance, and losing it loses the state.
	stateful bool
	// timeout bounds a call when the spec sets no call_timeout.
	timeout time.Duration
	newImpl func(c *client) any
}

// kindAdapterFor returns the adapter of kind k, if this runtime runs
// modules of that kind (the kinds that suit WASM, DESIGN.md "Runtime
// fit", and have a contract).
func kindAdapterFor(k modules.Kind) (kindAdapter, bool) {
	a := kindAdapter{kind: k, export: abi.CallExport(string(k))}
	switch k {
	case modules.KindAllocator:
		a.service = allocator.File_modules_kinds_allocator_allocator_proto.Services().ByName("Allocator")
		a.stateful = true
		a.timeout = 5 * time.Second // docs/MODULES.md, "Failure policies"
		a.newImpl = newAllocatorClient
	case modules.KindHook:
		a.service = hook.File_modules_kinds_hook_hook_proto.Services().ByName("Hook")
		a.timeout = 5 * time.Second // hook.proto's, and docs/MODULES.md's
		a.newImpl = newHookClient
	case modules.KindQoSController:
		a.service = qoscontroller.File_modules_kinds_qoscontroller_qoscontroller_proto.Services().ByName("QoSController")
		a.timeout = 10 * time.Second
		a.newImpl = newQoSClient
	case modules.KindResourceEstimator:
		a.service = resourceestimator.File_modules_kinds_resourceestimator_resourceestimator_proto.Services().ByName("ResourceEstimator")
		a.timeout = 10 * time.Second
		a.newImpl = newEstimatorClient
	default:
		return kindAdapter{}, false
	}
	info, ok := kinds.Lookup(k)
	if !ok {
		return kindAdapter{}, false
	}
	a.versions = info.Versions
	return a, true
}

// supportedKinds lists the kinds this runtime runs, for errors.
func supportedKinds() []modules.Kind {
	var out []modules.Kind
	for _, k := range modules.Kinds() {
		if _, ok := kindAdapterFor(k); ok {
			out = append(out, k)
		}
	}
	return out
}
