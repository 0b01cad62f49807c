// Command binpack-allocator serves the bin-packing allocator (package
// binpack) as a go-plugin module. Load it on the master with:
//
//	{"libraries": [{"file": "/path/to/binpack-allocator",
//	  "modules": [{"name": "binpack", "kind": "Allocator",
//	    "parameters": [{"key": "max_agents_per_framework", "value": "10"}]}]}]}
//
// and --allocator=binpack.
package main

import (
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/sdk/examples/plugin/binpack-allocator/binpack"
	"github.com/gomesos/mesos/sdk/plugin"
)

func main() {
	plugin.Serve(plugin.Allocator("binpack", func(map[string]string) (allocator.Allocator, error) {
		return binpack.New(), nil // its parameters arrive with Initialize
	}))
}
