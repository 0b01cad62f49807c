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
//     anything but WASI fails to load.
//   - Instances: wazero instances are not safe for concurrent use, so a
//     module has a pool of them (Config.PoolSize); a call takes one, and
//     an instance that traps, exits or runs past its deadline is thrown
//     away and replaced by a new one on demand. Kinds whose state lives
//     in the instance (the allocator) get exactly one instance, and after
//     a failure every call fails until the host initializes it again.
//   - Calls: protobuf bytes through guest memory, one export call per
//     request in the steady state; each call has a deadline (the spec's
//     call timeout, else the kind's default), enforced by wazero's
//     WithCloseOnContextDone, which calls back into Go at every loop
//     iteration: slow, but the goroutine stays stoppable by the Go
//     runtime. The cheaper instrumentation of package interrupt (a check
//     of a flag a watchdog sets) is experimental and off: a guest running
//     instrumented code never returns to Go, so a garbage collection's
//     stop-the-world waits for it, and for a looping guest for ever
//     (Config.instrumentDeadlines).
//
// Failures are contained: a call to a failed instance returns an error
// wrapping modules.ErrCrashed (and context.DeadlineExceeded for a timeout)
// with what the guest wrote to stderr, and is logged; the daemon goes on.
package wasm
