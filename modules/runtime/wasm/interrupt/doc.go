// Package interrupt instruments a WebAssembly module so that its host can
// stop it while it runs, cheaply, without keeping the Go runtime from
// stopping it too.
//
// wazero v1.12 stops a running guest at a context's deadline only if the
// module is compiled with WithCloseOnContextDone, which calls back into
// Go at every loop iteration (wazero issue #2466) and makes Go guests 5
// to 25 times slower, and starts a goroutine per call. Instrument does
// instead what an interruptible compiler would: it adds to the module a
// mutable i32 global, the fuel, and an imported host function,
// ImportModule.ImportName, of type [] -> [i32], and at the start of every
// loop body, and at the entry of every function that makes calls and can
// return along a path that passes no loop start, it inserts
//
//	global.get $fuel
//	i32.const 1
//	i32.sub
//	global.set $fuel
//	global.get $fuel
//	i32.eqz
//	if
//	  call $yield
//	  global.set $fuel
//	end
//
// So every Fuel checks the guest calls the host's yield, which checks the
// call's deadline and context: it refills the fuel (returns Fuel) to go
// on, or ends the call (a host function that panics ends it with an
// error, and the host throws the instance away). A check costs a load, a
// branch and a store; a yield a return into Go, which is also what lets
// the Go runtime stop the goroutine for a garbage collection: a guest
// that never came back to Go (as the first version of this package,
// which had the host set a flag from a watchdog goroutine, allowed) would
// stall every goroutine at the next stop-the-world, including the
// watchdog that was to stop it.
//
// Adding a function import shifts the index of every function the module
// defines by one: Instrument renumbers them in calls, ref.func, exports,
// element segments, global initializers and the "name" section.
//
// Why the checks stop any guest: WebAssembly's control flow is
// structured, so the only backward jumps are branches to a loop, which
// re-enter the loop's body at its start; a run that passes no check from
// some point on therefore runs each frame's code forward at most once and
// can only go deeper into calls that never return, until the call stack
// limit traps (instrumentBody has the argument in full). Tail calls
// (return_call) would loop without a loop instruction: the host does not
// enable them and such modules are refused here. A start section would
// run at instantiation, before the host can bound it: refused too (ABI
// modules are reactors and initialize in the exported _initialize, which
// the host calls itself, under a deadline).
//
// The decoder reads every instruction of the code section, with its
// immediates (WebAssembly 2.0: bulk memory, reference types, multi-value,
// sign extension, saturating conversions, SIMD), because opcodes cannot
// be told from immediates by scanning bytes. It checks what it reads
// enough to rewrite it (sizes, counts, nesting, known opcodes); validating
// the module is left to wazero, which validates the instrumented module
// before compiling it. DWARF custom sections (".debug_*") and source maps
// hold code offsets that instrumentation changes, so they are dropped.
package interrupt
