// Package executors holds the executors the agent runs itself, as Mesos
// ships them: the command executor (mesos-executor), which runs the one
// task of a RUN_TASK without an ExecutorInfo, and the default executor
// (mesos-default-executor), which runs the tasks of task groups. Both
// speak the v1 executor HTTP API to the agent (Client), report
// TASK_STARTING, TASK_RUNNING and a terminal state for each task, kill
// tasks with their kill policy (SIGTERM to the task's process group, then
// SIGKILL after the grace period), and run the tasks' health checks and
// checks.
//
// They run as the mesos-executor program (cmd/mesos-executor), or in the
// agent's own binary: the agent starts it with execmode.Env set, and
// MaybeRun, called first thing in main, runs the executor of that mode
// instead of the binary's own main. Started as its container's first
// process, the command executor is its own supervisor
// (launcher.RunSelfSupervised).
package executors

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/agent/execmode"
)

// MaybeRun runs an executor and exits when the binary was started as one
// (execmode.Env is set); otherwise it returns at once.
func MaybeRun() {
	mode := os.Getenv(execmode.Env)
	if mode == "" {
		return
	}
	// Started as its container's first process, the command executor
	// supervises itself (see launcher.RunSelfSupervised).
	os.Exit(launcher.RunSelfSupervised(func() int { return Main(mode, os.Environ(), os.LookupEnv) }))
}

// Main runs the executor of the given mode and returns its exit code.
func Main(mode string, environ []string, lookup func(string) (string, bool)) int {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)).With("executor", mode)
	if mode == execmode.Docker {
		// Its flags are its command line's (docker.go).
		return mainDocker(os.Args[1:], lookup, log)
	}
	if mode != execmode.Command && mode != execmode.Default {
		log.Error("unknown executor mode", "mode", mode)
		return 2
	}
	env, err := ParseEnv(lookup)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// SIGTERM from the container's supervisor (a kill of the executor's
	// container) is a shutdown.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	x := newExecutor(mode, env, environ, log)
	return x.run(ctx, sigs)
}
