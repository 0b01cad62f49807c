// Package plugin is the author's side of go-plugin modules: it serves a
// module kind's Go implementation (allocator.Allocator, isolator.Isolator,
// hook.Hook) over hashicorp/go-plugin gRPC, so that a module author writes
// one type and one main:
//
//	func main() {
//		plugin.Serve(plugin.Allocator("binpack", func(params map[string]string) (allocator.Allocator, error) {
//			return binpack.New(), nil
//		}))
//	}
//
// The host (modules/runtime/plugin) starts the executable named in the
// --modules manifest, checks the magic cookie and agrees with it on the
// highest API version of the kind both speak, configures the module with
// its manifest parameters (the constructor above runs then), and calls it.
//
// What Serve does for the author:
//
//   - Logging: slog's default logger writes JSON lines in the format the
//     host parses, so a module's slog.Info(...) appears in the master's or
//     agent's log under the module's name. Anything else the process
//     writes to stderr (a panic's stack) is logged by the host too.
//   - No orphans: the process exits when the process that started it goes
//     away (PR_SET_PDEATHSIG on Linux, plus polling of the parent pid), so
//     a killed daemon leaves no plugin behind. Plugins the host starts
//     detached (isolators, which an agent reattaches to after a restart)
//     are the exception: they outlive it by design and log to the file the
//     host names.
//   - Errors and panics: an error a module returns reaches the host with
//     its message; a panic is recovered, logged with its stack and
//     reported as an internal error (the host then restarts the module).
//   - Allocator calls are serialized, as the kind's contract promises.
//
// A binary may serve several modules (plugin.Serve(a, b)); the host names
// the one it loads. Run with no host, the binary prints what it serves.
package plugin
