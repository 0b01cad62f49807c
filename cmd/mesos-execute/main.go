// Command mesos-execute runs one command (or a task group) on a Mesos
// cluster as a small framework of its own.
//
// For now it loads and checks its flags (command line only, as Apache
// Mesos's mesos-execute does), answers --help and --version, and then
// exits with status 2: launching tasks is not implemented yet.
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
	if err := f.check(fs); err != nil {
		return cmdutil.UsageError(fs, stderr, err.Error())
	}
	// mesos-execute has no logging flags; it logs at INFO to stderr.
	logging := cmdutil.Logging{LoggingLevel: "INFO"}
	cmdutil.Start(fs, &logging, stderr)
	return cmdutil.NotImplemented(stderr, fs.Program())
}
