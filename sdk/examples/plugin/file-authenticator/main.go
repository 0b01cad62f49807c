// Command file-authenticator serves an authenticator backed by a
// credentials file it re-reads when it changes (package fileauth) as a
// go-plugin module. Load it on the master with:
//
//	{"libraries": [{"file": "/path/to/file-authenticator",
//	  "modules": [{"name": "file", "kind": "Authenticator",
//	    "parameters": [{"key": "credentials", "value": "/etc/mesos/credentials"}]}]}]}
//
// and --authenticators=file.
package main

import (
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/sdk/examples/plugin/file-authenticator/fileauth"
	"github.com/gomesos/mesos/sdk/plugin"
)

func main() {
	plugin.Serve(plugin.Authenticator("file", func(params map[string]string) (authenticator.Authenticator, error) {
		return fileauth.New(params)
	}))
}
