// Package wasm is the Go guest SDK for gomesos WASM modules: it
// implements the module ABI (modules/runtime/wasm/abi) so that a module
// author writes the kind's Go interface, the same one built-in and
// go-plugin modules implement, and registers it:
//
//	package main
//
//	import wasmallocator "github.com/gomesos/mesos/sdk/wasm/allocator"
//
//	type myAllocator struct{ ... } // implements allocator.Allocator
//
//	func init() { wasmallocator.Register(&myAllocator{}) }
//
//	func main() {} // never run: the module is a reactor
//
// built with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o my.wasm .
//
// Registration happens in init because a WASI reactor runs package
// initialization (its _initialize export) but never main.
//
// Each kind has a package beside this one (sdk/wasm/allocator, ...) that
// exports the kind's call function and adapts its Go interface; importing
// it is what binds the export, so a module exports only the kinds it
// implements. This package exports the rest of the ABI: version, info,
// alloc, free and init.
//
// What the SDK does not do: it does not recover panics. A panic ends the
// instance (the Go runtime exits with status 2) and the host discards it,
// logs what the module wrote to stderr, and reports the call as failed.
// Write logs to os.Stderr (log/slog's text handler on os.Stderr does):
// the host logs them under the module's name.
package wasm
