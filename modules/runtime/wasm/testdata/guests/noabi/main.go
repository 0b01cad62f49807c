// Command noabi is a WASM reactor that is not a gomesos module: it has
// none of the ABI's exports.
package main

//go:wasmexport hello
func hello() int32 { return 1 }

func main() {}
