// Command mesos-local runs a master and --num_slaves agents in one process,
// with a file registry under --work_dir and no ZooKeeper: the embedded
// default for trying Mesos out and for tests.
//
// For now it loads and checks its flags (command line, MESOS_* environment)
// as Apache Mesos's mesos-local does, answers --help and --version, and
// then exits with status 2: the local cluster is not implemented yet.
//
// One difference: Mesos's mesos-local silently ignores command-line flags
// it does not know (it meant to pass master and agent flags through, but
// never did); this one rejects them like every other binary, because a
// silently ignored typo is worse than an error.
package main

import (
	"io"
	"os"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
)

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own
// arguments, environment and output.
func run(args, env []string, stdout, stderr io.Writer) int {
	fs, f := newFlags()
	if code, done := cmdutil.Load(fs, flags.Sources{Args: args, Env: env}, stdout, stderr); done {
		return code
	}
	if f.Version {
		return cmdutil.PrintVersion(stdout)
	}
	cmdutil.Start(fs, &f.Logging, stderr)
	return cmdutil.NotImplemented(stderr, fs.Program())
}
