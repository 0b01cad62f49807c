// Command env-isolator serves the environment and open-files isolator
// (package envisolator) as a go-plugin module. Load it on the agent with:
//
//	{"libraries": [{"file": "/path/to/env-isolator",
//	  "modules": [{"name": "env", "kind": "Isolator",
//	    "parameters": [{"key": "env.TEAM", "value": "search"},
//	                   {"key": "nofile", "value": "4096:8192"}]}]}]}
//
// and --isolation=posix/cpu,posix/mem,env.
package main

import (
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/sdk/examples/plugin/env-isolator/envisolator"
	"github.com/gomesos/mesos/sdk/plugin"
)

func main() {
	plugin.Serve(plugin.Isolator("env", func(params map[string]string) (isolator.Isolator, error) {
		return envisolator.New(params)
	}))
}
