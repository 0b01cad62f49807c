// Command mesos-containerizer is the agent's container supervisor, as
// Mesos ships `mesos-containerizer` in its libexec directory: the first
// process of every container (see core/agent/containerizer/launcher).
//
// It is a separate, small binary because every container starts one: it
// imports the launcher and nothing of the agent, so it starts in about a
// millisecond of CPU where a re-execution of the agent's binary (which
// initialises the master, agent, module runtimes and protobuf registries)
// costs several. The agent finds it in --launcher_dir or next to its own
// binary; without it, the agent re-executes itself in the same hidden
// mode. It is not meant to be run by hand.
package main

import (
	"fmt"
	"os"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
)

func main() {
	launcher.MaybeRunHelper()
	fmt.Fprintln(os.Stderr, "mesos-containerizer: the agent's container supervisor; it is started by mesos-agent, not by hand")
	os.Exit(2)
}
