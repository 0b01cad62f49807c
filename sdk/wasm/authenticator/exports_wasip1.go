package authenticator

import "github.com/gomesos/mesos/sdk/wasm"

//go:wasmexport gomesos_call_authenticator
func call(method, ptr, n uint32) uint64 { return wasm.Call(Name, method, ptr, n) }
