// Command mesos is the operator's command-line tool: "mesos <command>
// [OPTIONS]" with the commands ps, cat, tail and state, as Apache Mesos's
// mesos wrapper dispatches to mesos-ps, mesos-cat and mesos-tail.
//
//   - mesos state prints the leading master's /master/state, indented.
//   - mesos ps lists the active tasks with their executors' memory, CPU
//     time and CPU limit, in mesos-ps's columns.
//   - mesos cat prints a file of a task's sandbox.
//   - mesos tail prints its last --lines lines and, with --follow, what is
//     appended to it until interrupted.
//
// --master is host:port, zk://host:port,.../path (the leader is detected
// through the masters' znodes, as mesos-resolve does) or file:///path.
// Like the Mesos scripts, the CLI does not read MESOS_MASTER. Every
// command first asks the master for the leader (/master/redirect).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
)

// exitInterrupted is the status after SIGINT, as the Mesos scripts exit.
const exitInterrupted = 130

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: mesos <command> [OPTIONS]\n\nAvailable commands:\n    help\n")
	for _, c := range commands {
		fmt.Fprintf(w, "    %-8s%s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'mesos help <command>' for a command's options.\n")
}

// run is main without the process: it stops the command on SIGINT or
// SIGTERM (printing a newline and exiting 130, as the Mesos scripts do).
func run(args, env []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := runContext(ctx, args, env, stdout, stderr)
	if ctx.Err() != nil {
		fmt.Fprintln(stdout)
		return exitInterrupted
	}
	return code
}

// env is what a command runs with.
type env struct {
	ctx     context.Context
	program string
	flags   *cliFlags
	stdout  io.Writer
	stderr  io.Writer
	client  *client
	log     *slog.Logger
}

// runContext runs one command line until ctx ends; tests call it with
// their own arguments, environment, output and context. A command stopped
// by ctx (tail --follow) ends with status 0.
func runContext(ctx context.Context, args, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return cmdutil.ExitFailure
	}
	switch name := args[0]; {
	case name == "help" && len(args) == 1, name == "--help":
		usage(stdout)
		return cmdutil.ExitOK
	case name == "help":
		// "mesos help ps" is "mesos ps --help", as in Mesos.
		return runContext(ctx, []string{args[1], "--help"}, environ, stdout, stderr)
	case name == "--version":
		return cmdutil.PrintVersion(stdout)
	case strings.HasPrefix(name, "--"):
		fmt.Fprintf(stderr, "Not expecting '%s' before command\n", name)
		usage(stderr)
		return cmdutil.ExitFailure
	}

	c, ok := lookupCommand(args[0])
	if !ok {
		fmt.Fprintf(stderr, "'%s' is not a valid command (or can not be found)\n", args[0])
		return cmdutil.ExitFailure
	}
	fs, f := newFlags(c)
	if code, done := cmdutil.Load(fs, flags.Sources{Args: args[1:]}, stdout, stderr); done {
		return code
	}
	if err := f.check(fs, c); err != nil {
		return cmdutil.UsageError(fs, stderr, err.Error())
	}

	// Warnings (an agent mesos ps could not ask) are logged, and with
	// --verbose every request; the error that ends a command is printed
	// as one line.
	level := slog.LevelWarn
	if f.Verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})).With("command", c.name)
	e := &env{
		ctx:     ctx,
		program: fs.Program(),
		flags:   f,
		stdout:  stdout,
		stderr:  stderr,
		client:  newClient(f.timeout(), logger),
		log:     logger,
	}
	if err := c.run(e); err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return cmdutil.ExitOK
		}
		fmt.Fprintf(stderr, "%s: %v\n", fs.Program(), err)
		return cmdutil.ExitFailure
	}
	return cmdutil.ExitOK
}
