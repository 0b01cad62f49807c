package main

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gomesos/mesos/core/flags"
)

// cliFlags are the flags of the mesos CLI's subcommands, as Apache Mesos's
// mesos-ps, mesos-cat and mesos-tail scripts take them. Every subcommand's
// flags are declared here, in commands.
type cliFlags struct {
	Master    string
	Timeout   float64 // seconds, as mesos-ps's --timeout
	Verbose   bool
	Framework string
	Task      string
	File      string
	Lines     int
	Follow    bool
}

// timeout is --timeout as a duration.
func (f *cliFlags) timeout() time.Duration {
	return time.Duration(f.Timeout * float64(time.Second))
}

// command is one subcommand of the mesos CLI.
type command struct {
	name    string
	summary string
	// needs lists the flags the command cannot run without, checked in
	// this order with the scripts' messages ("Missing --master").
	needs []string
	// extra lists the command's optional flags beyond --master,
	// --timeout and --verbose.
	extra []string
	run   func(e *env) error
}

var commands = []command{
	{name: "cat", summary: "Print a file from a task's sandbox", needs: []string{"master", "framework", "task", "file"}, run: runCat},
	{name: "ps", summary: "List the running tasks of the cluster", needs: []string{"master"}, run: runPs},
	{name: "state", summary: "Print the master's state (/master/state)", needs: []string{"master"}, run: runState},
	{name: "tail", summary: "Print the last lines of a file in a task's sandbox", needs: []string{"master", "framework", "task", "file"},
		extra: []string{"lines", "follow"}, run: runTail},
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// defaultTimeout is mesos-ps's --timeout default, in seconds.
const defaultTimeout = 5.0

// newFlags declares c's flags. The CLI reads the command line only, as the
// Mesos scripts do: MESOS_MASTER in a task's environment must not redirect
// an operator's command.
func newFlags(c command) (*flags.FlagSet, *cliFlags) {
	f := &cliFlags{}
	fs := flags.NewFlagSet("mesos " + c.name)
	fs.SetUsage("Usage: mesos " + c.name + " [options]\n\n" + c.summary + ".")
	fs.String(&f.Master, "master",
		"The master to ask: `host:port`, `zk://host1:port1,.../path`, or\n"+
			"`file:///path/to/file` (where file contains one of the above).")
	fs.Float64(&f.Timeout, "timeout",
		"How long to wait, in seconds, to detect the master and for each\n"+
			"request to the master or an agent.", defaultTimeout).
		Validate(func() error {
			if f.Timeout <= 0 || f.Timeout > math.MaxInt64/float64(time.Second) {
				return errors.New("Expecting --timeout to be a positive number of seconds")
			}
			return nil
		})
	fs.Bool(&f.Verbose, "verbose", "Log every request to stderr.", false)
	for _, name := range append(append([]string{}, c.needs...), c.extra...) {
		switch name {
		case "framework":
			fs.String(&f.Framework, "framework", "ID of the framework that runs the task.")
		case "task":
			fs.String(&f.Task, "task", "ID of the task.")
		case "file":
			fs.String(&f.File, "file", "Path of the file, relative to the task's sandbox (e.g. `stdout`).")
		case "lines":
			fs.Int(&f.Lines, "lines", "How many lines to print from the end of the file.", 10).
				Validate(func() error {
					if f.Lines < 0 {
						return fmt.Errorf("Expecting --lines to be a non-negative number, got %d", f.Lines)
					}
					return nil
				})
		case "follow":
			fs.Bool(&f.Follow, "follow", "Keep printing what is appended to the file, until interrupted.", false)
		}
	}
	return fs, f
}

// check reports the first missing flag the way the Mesos scripts do.
func (f *cliFlags) check(fs *flags.FlagSet, c command) error {
	for _, name := range c.needs {
		if !fs.Lookup(name).IsSet() {
			return errors.New("Missing --" + name)
		}
	}
	return nil
}
