// Package interrupt instruments a WebAssembly module so that its host can
// stop it while it runs, cheaply.
//
// wazero v1.12 stops a running guest at a context's deadline only if the
// module is compiled with WithCloseOnContextDone, which calls back into
// Go at every loop iteration (wazero issue #2466) and makes Go guests 5
// to 20 times slower. Instrument does instead what an interruptible
// compiler would: it adds to the module a mutable i32 global, exported as
// GlobalExport, and at the start of every loop body, and at the entry of
// every function that makes calls and can return along a path that
// passes no loop start, it inserts
//
//	global.get $interrupt
//	if
//	  unreachable
//	end
//
// The host sets the global to a non-zero value from a watchdog when a
// call's deadline passes; the guest traps at its next check and the host
// reports the trap as a timeout and throws the instance away. A check
// costs a load and a branch.
//
// Why this stops any guest: WebAssembly's control flow is structured, so
// the only backward jumps are branches to a loop, which re-enter the
// loop's body at its start; a run that passes no check from some point on
// therefore runs each frame's code forward at most once and can only go
// deeper into calls that never return, until the call stack limit traps
// (instrumentBody has the argument in full). Tail calls (return_call)
// would loop without a loop instruction: the host does not enable them
// and such modules are refused here. A start section would run at
// instantiation, before the host can arm a watchdog: refused too (ABI
// modules are reactors and initialize in the exported _initialize, which
// the host calls itself, under the watchdog).
//
// The decoder reads every instruction of the code section, with its
// immediates (WebAssembly 2.0: bulk memory, reference types, multi-value,
// sign extension, saturating conversions, SIMD), because opcodes cannot
// be told from immediates by scanning bytes. It checks what it reads
// enough to rewrite it (sizes, counts, nesting, known opcodes); validating
// the module is left to wazero, which validates the instrumented module
// before compiling it. DWARF custom sections (".debug_*") and source maps
// hold code offsets that instrumentation changes, so they are dropped;
// the "name" section (indexed by function, not offset) is kept.
package interrupt
