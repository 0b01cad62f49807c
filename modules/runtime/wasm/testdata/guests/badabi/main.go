// Command badabi is a WASM module speaking a future ABI version (and
// exporting nothing else).
package main

//go:wasmexport gomesos_abi_version
func abiVersion() int32 { return 2 }

func main() {}
