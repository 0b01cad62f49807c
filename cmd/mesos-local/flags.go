package main

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/core/flags"
)

// localFlags are mesos-local's own flags (src/local/flags.hpp and
// src/local/main.cpp of Mesos 1.x). Every mesos-local flag lives here.
type localFlags struct {
	cmdutil.Logging

	IP        string
	NumSlaves int
	Port      int
	Version   bool
	WorkDir   string
}

func newFlags() (*flags.FlagSet, *localFlags) {
	f := &localFlags{}
	fs := flags.NewFlagSet("mesos-local")
	fs.SetEnvPrefix(cmdutil.EnvPrefix)
	fs.SetUsage("Usage: mesos-local [...]\n\nLaunches an in-memory cluster within a single process.")

	cmdutil.AddLogging(fs, &f.Logging)

	fs.String(&f.IP, "ip", "IP address to listen on")
	fs.Int(&f.NumSlaves, "num_slaves", "Number of agents to launch for local cluster", 1).
		Validate(func() error {
			if f.NumSlaves < 0 {
				return errors.New("the number of agents cannot be negative")
			}
			return nil
		})
	fs.Int(&f.Port, "port", "Port to listen on", 5050).
		Validate(func() error { return cmdutil.CheckPort(f.Port) })
	fs.Bool(&f.Version, "version", "Show version and exit.", false)
	// Mesos's default is os::temp()/mesos/work, i.e. $TMPDIR or /tmp.
	fs.String(&f.WorkDir, "work_dir",
		"Path of the master/agent work directory. This is where the\n"+
			"persistent information of the cluster will be stored.\n\n"+
			"NOTE: Locations like `/tmp` which are cleaned automatically\n"+
			"are not suitable for the work directory when running in\n"+
			"production, since long-running masters and agents could lose\n"+
			"data when cleanup occurs. Local mode is used explicitly for\n"+
			"non-production purposes, so this is the only case where having\n"+
			"a default `work_dir` flag is acceptable.\n"+
			"(Example: `/var/lib/mesos`)\n\n"+
			"Individual work directories for each master and agent will be\n"+
			"nested underneath the given work directory:\n"+
			"root (`work_dir` flag)\n"+
			"|-- agents\n"+
			"|   |-- 0\n"+
			"|   |   |-- fetch (--fetcher_cache_dir)\n"+
			"|   |   |-- run   (--runtime_dir)\n"+
			"|   |   |-- work  (--work_dir)\n"+
			"|   |-- 1\n"+
			"|   |   ...\n"+
			"|-- master\n"+
			"|-- modules (plugin records and sockets, WASM cache)",
		filepath.Join(os.TempDir(), "mesos", "work"))

	return fs, f
}
