// Command mesos is the operator's command-line tool: "mesos <command>
// [OPTIONS]" with the commands ps, cat, tail and state, as Apache Mesos's
// mesos wrapper dispatches to mesos-ps, mesos-cat and mesos-tail.
//
// For now each command loads and checks its flags, answers --help, and
// then exits with status 2: talking to the master is not implemented yet.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
)

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

// run is main without the process: tests call it with their own
// arguments, environment and output.
func run(args, env []string, stdout, stderr io.Writer) int {
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
		return run([]string{args[1], "--help"}, env, stdout, stderr)
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
	return cmdutil.NotImplemented(stderr, fs.Program())
}
