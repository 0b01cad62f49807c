// Command binpack-allocator is the bin-packing allocation policy
// (sdk/examples/plugin/binpack-allocator/binpack, the same package the
// go-plugin example serves) as a WASM module:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o binpack-allocator.wasm .
package main

import (
	"github.com/gomesos/mesos/sdk/examples/plugin/binpack-allocator/binpack"
	wasmallocator "github.com/gomesos/mesos/sdk/wasm/allocator"
)

func init() { wasmallocator.Register(binpack.New()) }

func main() {}
