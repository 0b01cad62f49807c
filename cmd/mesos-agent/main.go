// Command mesos-agent is the Mesos agent: it offers its host's resources
// to the master and runs the tasks frameworks launch on it.
//
// It loads and checks its flags (command line, MESOS_* environment,
// config directory: --config_dir or /etc/mesos-agent)
// exactly as Apache Mesos's mesos-agent does, answers --help and
// --version, and runs the agent (package core/agent) until SIGINT or
// SIGTERM. The same binary is the containers' supervisor and the command
// and default executors: the agent re-executes it in those hidden modes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/gomesos/mesos/cmd/internal/agentflags"
	"github.com/gomesos/mesos/cmd/internal/cmdutil"
	"github.com/gomesos/mesos/cmd/internal/executors"
	"github.com/gomesos/mesos/core/agent"
	"github.com/gomesos/mesos/core/agent/containerizer"
)

func main() {
	// The binary's hidden modes come first: container supervisor, and the
	// command and default executors.
	containerizer.MaybeRunHelper()
	executors.MaybeRun()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it with their own
// arguments, environment, output and context (the agent runs until ctx
// ends).
func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) int {
	fs, f := agentflags.New()
	fs.AddConfigDir(agentflags.ConfigLayout())
	if code, done := cmdutil.Load(fs, fs.Sources(args, env, agentflags.ConfigLayout()), stdout, stderr); done {
		return code
	}
	if f.Version {
		return cmdutil.PrintVersion(stdout)
	}
	if err := f.Check(fs); err != nil {
		return cmdutil.UsageError(fs, stderr, err.Error())
	}
	logger := cmdutil.Start(fs, &f.Logging, stderr)
	cfg, err := f.Config(fs, env, logger)
	if err != nil {
		return cmdutil.UsageError(fs, stderr, err.Error())
	}
	a, err := agent.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Program(), err)
		return cmdutil.ExitFailure
	}
	if err := a.Run(ctx); err != nil {
		logger.Error("agent stopped", "error", err)
		fmt.Fprintf(stderr, "%s: %v\n", fs.Program(), err)
		return cmdutil.ExitFailure
	}
	return cmdutil.ExitOK
}
