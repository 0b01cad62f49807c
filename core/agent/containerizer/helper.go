package containerizer

import "github.com/gomesos/mesos/core/agent/containerizer/launcher"

// MaybeRunHelper runs the container supervisor when this binary was
// started as one and exits; otherwise it returns at once. Every binary
// that runs a containerizer calls it first thing in main (test binaries
// in TestMain), because without the mesos-containerizer program
// containers are started by re-executing it.
func MaybeRunHelper() { launcher.MaybeRunHelper() }
