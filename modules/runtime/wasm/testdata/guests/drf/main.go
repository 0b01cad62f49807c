// Command drf is the built-in HierarchicalDRF allocator compiled, unchanged,
// into a WASM module: the same policy in-process and in WASM, for the
// conformance suite and the benchmarks.
package main

import (
	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	wasmallocator "github.com/gomesos/mesos/sdk/wasm/allocator"
)

func init() { wasmallocator.Register(hierarchical.New()) }

func main() {}
