// Command hostimport is a WASM module that imports a host function the
// runtime does not provide.
package main

//go:wasmimport env host_secret
func hostSecret() int32

//go:wasmexport gomesos_abi_version
func abiVersion() int32 { return hostSecret() }

func main() {}
