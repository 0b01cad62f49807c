package main

import (
	"errors"

	"github.com/gomesos/mesos/core/flags"
)

// cliFlags are the flags of the mesos CLI's subcommands, as Apache Mesos's
// mesos-ps, mesos-cat and mesos-tail scripts take them. Every subcommand's
// flags are declared here, in commands.
type cliFlags struct {
	Master    string
	Framework string
	Task      string
	File      string
}

// command is one subcommand of the mesos CLI.
type command struct {
	name    string
	summary string
	// needs lists the flags the command cannot run without, checked in
	// this order with the scripts' messages ("Missing --master").
	needs []string
}

var commands = []command{
	{name: "cat", summary: "Print a file from a task's sandbox", needs: []string{"master", "framework", "task", "file"}},
	{name: "ps", summary: "List the running tasks of the cluster", needs: []string{"master"}},
	{name: "state", summary: "Print the master's state (/master/state)", needs: []string{"master"}},
	{name: "tail", summary: "Follow a file in a task's sandbox", needs: []string{"master", "framework", "task", "file"}},
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

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
	for _, name := range c.needs {
		switch name {
		case "framework":
			fs.String(&f.Framework, "framework", "ID of the framework that runs the task.")
		case "task":
			fs.String(&f.Task, "task", "ID of the task.")
		case "file":
			fs.String(&f.File, "file", "Path of the file, relative to the task's sandbox (e.g. `stdout`).")
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
