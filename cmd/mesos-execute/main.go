// Command mesos-execute runs one command (or a task group) on a Mesos
// cluster as a small framework of its own.
//
// It subscribes to the master as a framework of its own, launches the task
// (or task group) on the first offer that fits, prints every status update
// as Apache Mesos's mesos-execute does, and exits 0 when every task
// finished (TASK_FINISHED), 1 otherwise.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
)

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own
// arguments, environment and output.
func run(args, env []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, env, stdout, stderr)
}

// runContext is run until ctx ends (tests bound it with a deadline).
func runContext(ctx context.Context, args, env []string, stdout, stderr io.Writer) int {
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
	logger := cmdutil.Start(fs, &logging, stderr)
	code, err := execute(ctx, f, fs, stdout, logger)
	if err != nil {
		logger.Error("mesos-execute failed", "error", err)
	}
	return code
}
