// Command mesos-local runs a master and --num_slaves agents in one process,
// with a file registry under --work_dir and no ZooKeeper: the embedded
// default for trying Mesos out (`make run`) and for end-to-end tests.
//
// As Apache Mesos's mesos-local does, it takes its own flags (--ip, --port,
// --num_slaves, --work_dir and the logging flags) from the command line
// and MESOS_* environment, and the master's and agents' flags from the
// MESOS_* environment only (MESOS_ALLOCATION_INTERVAL=2secs,
// MESOS_ISOLATION=cgroups/mem, ...). Its own flags decide the addresses and
// directories: the master listens on --ip:--port, agent i on --ip:5051+i;
// the work directories nest under --work_dir (see --help).
//
// One difference: Mesos's mesos-local silently ignores command-line flags
// it does not know (it meant to pass master and agent flags through, but
// never did); this one rejects them like every other binary, because a
// silently ignored typo is worse than an error.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/cmd/internal/executors"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/flags"
)

func main() {
	// The agents re-execute this binary as their containers' supervisor
	// and as the command and default executors: those modes come first.
	containerizer.MaybeRunHelper()
	executors.MaybeRun()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it with their own
// arguments, environment, output and context (the cluster runs until ctx
// ends).
func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) int {
	fs, f := newFlags()
	if code, done := cmdutil.Load(fs, flags.Sources{Args: args, Env: env}, stdout, stderr); done {
		return code
	}
	if f.Version {
		return cmdutil.PrintVersion(stdout)
	}
	logger := cmdutil.Start(fs, &f.Logging, stderr)
	return runCluster(ctx, f, env, stdout, stderr, logger)
}
