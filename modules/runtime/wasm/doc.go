// Package wasm is the WASM module runtime: it loads modules compiled to
// WebAssembly (the ABI of package abi; Go modules use sdk/wasm) and runs
// them under wazero, behind the same Go interface as built-in and
// go-plugin modules (modules.Loader for runtime "wasm").
//
// How a module runs:
//
//   - Compilation: wazero's optimizing compiler where the platform has it
//     (amd64, arm64), its interpreter elsewhere; compiled code is cached
//     on disk under Config.CacheDir, so a restart loads a module without
//     compiling it again.
//   - Isolation: each module gets its own wazero runtime with the spec's
//     memory limit (pages of 64 KiB), WASI without preopened directories,
//     environment, arguments or real clocks unless the manifest grants
//     them (grants.go), and no other host functions: a module importing
//     anything but WASI fails to load. (The instrumentation adds an import
//     of the host's yield, which the host serves.)
//   - Instances: wazero instances are not safe for concurrent use, so a
//     module has a pool of them (Config.PoolSize); a call takes one, and
//     an instance that traps, exits or runs past its deadline is thrown
//     away and replaced by a new one on demand. Kinds whose state lives
//     in the instance (the allocator) get exactly one instance, and after
//     a failure every call fails until the host initializes it again.
//   - Calls: protobuf bytes through guest memory, one export call per
//     request in the steady state; each call has a deadline (the spec's
//     call timeout, else the kind's default), enforced through the
//     instrumentation of package interrupt: the module counts its loop
//     iterations and function entries and calls the host's yield every
//     interrupt.Fuel of them, which ends a call past its deadline
//     (watchdog.go). Returning to Go that often also keeps the goroutine
//     stoppable by the Go runtime's garbage collector. wazero's own
//     WithCloseOnContextDone, which calls into Go at every iteration and
//     starts a goroutine per call, costs several times more and is not
//     used.
//
// Failures are contained: a call to a failed instance returns an error
// wrapping modules.ErrCrashed (and context.DeadlineExceeded for a timeout)
// with what the guest wrote to stderr, and is logged; the daemon goes on.
package wasm
