// Command mesos-local runs a master and --num_slaves agents in one process,
// with a file registry under --work_dir and no ZooKeeper: the embedded
// default for trying Mesos out (`make run`) and for end-to-end tests.
//
// It takes its own flags (--ip, --port, --num_slaves, --work_dir and the
// logging flags) and, on the same command line or as MESOS_* environment
// variables, the master's and the agents' flags: a flag mesos-local does not
// declare goes to the master, the agents, or both, whichever declares it
// (`mesos-local --modules=modules.json --allocator=binpack
// --isolation=posix/cpu,posix/mem,env`). Its own flags decide the addresses
// and directories: the master listens on --ip:--port, agent i on
// --ip:--port+1+i (5051, 5052, ... by default); the work directories nest
// under --work_dir (see --help). The master and the agents share one module
// host (modules.go): each module of --modules is loaded once, and every
// daemon's /modules shows it.
//
// Apache Mesos's mesos-local reads the master's and agents' flags from the
// environment only and silently ignores command-line flags it does not
// know; this one passes them on, and rejects a flag that neither the
// master nor the agent declares, because a silently ignored typo is worse
// than an error.
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
	own, forMaster, forAgents := splitArgs(args, fs)
	if code, done := cmdutil.Load(fs, flags.Sources{Args: own, Env: env}, stdout, stderr); done {
		return code
	}
	if f.Version {
		return cmdutil.PrintVersion(stdout)
	}
	logger := cmdutil.Start(fs, &f.Logging, stderr)
	return runCluster(ctx, f, env, daemonArgs{master: forMaster, agents: forAgents}, stdout, stderr, logger)
}
