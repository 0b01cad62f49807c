// Command versions is a WASM allocator module that speaks only versions
// 7 to 9 of the allocator contract, which the host does not.
package main

import "github.com/gomesos/mesos/sdk/wasm"

func init() {
	wasm.Register(wasm.Kind{Name: "Allocator", MinVersion: 7, MaxVersion: 9})
}

func main() {}
