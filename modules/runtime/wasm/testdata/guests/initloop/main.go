// Command initloop is a WASM test module whose initialization never
// ends: its init function loops for ever, so its reactor's _initialize
// does.
package main

import _ "github.com/gomesos/mesos/sdk/wasm" // the ABI's exports

var spins int

func init() {
	for {
		spins++
	}
}

func main() {}
