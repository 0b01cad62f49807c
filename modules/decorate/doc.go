// Package decorate wraps every loaded module instance the same way,
// whatever its runtime (built-in, go-plugin subprocess, WASM):
//
//   - a deadline per call: the manifest's call_timeout, else the kind's
//     default (Policy); methods that block by design (an isolator's Watch)
//     have none;
//   - containment: a panic in the call is recovered and becomes an error
//     (built-ins, and the host side of WASM calls); a runtime reports a
//     dead subprocess or instance by wrapping modules.ErrCrashed;
//   - classification of failures (error, timeout, panic, crash, rejected;
//     the caller cancelling is not the module's failure);
//   - Prometheus metrics per module and method (module_calls_total,
//     module_errors_total, module_call_seconds, module_rejected_total,
//     module_state, module_fallbacks_total), registered on the daemon's own
//     registry, and Flat, which renders them as Mesos-style names for
//     /metrics/snapshot;
//   - the module's state (healthy, failing, failed) and last error, for
//     /modules;
//   - the kind's failure policy (Policy): fail closed (authentication,
//     authorization), fall back to the built-in (the allocator: Allocator),
//     skip (hooks: Hook, applied by the hook manager) or propagate.
//
// The generic core is Call; a kind's wrapper is one short method per call
// of its contract:
//
//	func (w *isolatorModule) Prepare(ctx context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
//		return decorate.Call(ctx, w.d, "Prepare", func(ctx context.Context) (*isolator.PrepareResponse, error) {
//			return w.impl.Prepare(ctx, req)
//		})
//	}
//
// What the core finds wrong in a module's output is reported with
// Decorator.Reject: counted, and an error for the caller to act on.
package decorate
