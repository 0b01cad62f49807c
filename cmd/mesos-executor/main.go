// Command mesos-executor is the agent's built-in executors as a program of
// their own, as Mesos ships `mesos-executor` (the command executor) and
// `mesos-default-executor` in its libexec directory. The agent selects the
// executor with the environment (execmode.Env); started without it, this
// is the command executor. argv[0] is mesos-executor or
// mesos-default-executor, as in Mesos, for ps.
//
// Every command task starts one, so it is kept small: it imports the
// executors and their wire types, not the agent, and starts in a fraction
// of the agent binary's CPU time. The agent finds it in --launcher_dir or
// next to its own binary; without it, the agent re-executes itself.
//
// updatemaxprocs=0 keeps the runtime from re-reading the CPU affinity and
// the cgroup's CPU limit every second to refit GOMAXPROCS: an executor
// lives as long as its task, mostly idle, and gains nothing from a refit.
// GOMAXPROCS is still fitted to the container's limit once, at start. It
// applies to this binary only, not to the tasks it starts.
//
//go:debug updatemaxprocs=0
package main

import (
	"os"

	"github.com/gomesos/mesos/cmd/internal/executors"
	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/agent/execmode"
)

func main() {
	mode := os.Getenv(execmode.Env)
	if mode == "" {
		mode = execmode.Command
	}
	// Started as its container's first process, it supervises itself
	// (see launcher.RunSelfSupervised): one process less per task.
	os.Exit(launcher.RunSelfSupervised(func() int { return executors.Main(mode, os.Environ(), os.LookupEnv) }))
}
