package wasm

import (
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds"
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

// wasmKinds are the kinds this runtime runs (the kinds that suit WASM,
// DESIGN.md "Runtime fit"), with their timeout when the spec sets no
// call_timeout (docs/MODULES.md, "Failure policies"). Isolators,
// container loggers, contenders, detectors and anonymous modules touch
// the OS, hold files or connections open across calls, or block waiting
// for events: they suit plugins (docs/MODULES.md, "Writing a WASM
// module").
var wasmKinds = map[modules.Kind]struct {
	timeout  time.Duration
	stateful bool
	newImpl  func(c *client) any
}{
	modules.KindAllocator:         {5 * time.Second, true, newAllocatorClient},
	modules.KindHook:              {5 * time.Second, false, newHookClient},
	modules.KindQoSController:     {10 * time.Second, false, newQoSClient},
	modules.KindResourceEstimator: {10 * time.Second, false, newEstimatorClient},
	modules.KindAuthorizer:        {5 * time.Second, false, newAuthorizerClient},
	modules.KindAuthenticator:     {5 * time.Second, false, newAuthenticatorClient},
	modules.KindHTTPAuthenticator: {5 * time.Second, false, newHTTPAuthenticatorClient},
}

// kindAdapterFor returns the adapter of kind k, if this runtime runs
// modules of that kind and the host has its contract.
func kindAdapterFor(k modules.Kind) (kindAdapter, bool) {
	w, ok := wasmKinds[k]
	if !ok {
		return kindAdapter{}, false
	}
	info, ok := kinds.Lookup(k)
	if !ok {
		return kindAdapter{}, false
	}
	return kindAdapter{
		kind:     k,
		versions: info.Versions,
		export:   abi.CallExport(string(k)),
		service:  abi.KindService(string(k)),
		stateful: w.stateful,
		timeout:  w.timeout,
		newImpl:  w.newImpl,
	}, true
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
