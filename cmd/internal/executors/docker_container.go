package executors

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gomesos/mesos/core/agent/docker/engine"
)

// runExecutorContainer runs a custom executor's Docker container (the
// docker mode with --executor_container): the Docker containerizer built
// its create request, as Mesos builds the executor's `docker run`. It
// creates and starts the container named --container, copies its output
// to ours (the sandbox's stdout and stderr), stops it on SIGTERM or
// SIGINT with --stop_timeout between SIGTERM and SIGKILL, and exits with
// its exit code: the agent sees the executor's end as this process's.
func runExecutorContainer(flags *dockerFlags, log *slog.Logger) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, "mesos-docker-executor: "+format+"\n", args...)
		return 1
	}
	data, err := os.ReadFile(flags.executorContainer)
	if err != nil {
		return fail("read the executor's container config: %v", err)
	}
	cfg := &engine.CreateConfig{}
	if err := json.Unmarshal(data, cfg); err != nil {
		return fail("parse the executor's container config %s: %v", flags.executorContainer, err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	docker, name := engine.NewClient(flags.socket), flags.container

	if _, err := docker.CreateContainer(ctx, name, cfg); err != nil {
		return fail("Failed to run docker container: %v", err)
	}
	if err := docker.StartContainer(ctx, name); err != nil {
		_ = docker.RemoveContainer(context.Background(), name, true)
		return fail("Failed to run docker container: %v", err)
	}
	log.Info("started the executor's container", "container", name, "image", cfg.Image)
	logsDone := make(chan struct{})
	go func() {
		defer close(logsDone)
		if err := docker.FollowLogs(ctx, name, os.Stdout, os.Stderr); err != nil {
			log.Warn("cannot follow the container's output", "error", err)
		}
	}()
	go func() {
		select {
		case sig := <-sigs:
			log.Info("stopping the executor's container", "signal", sig.String(), "timeout", flags.stopTimeout)
			if err := docker.StopContainer(ctx, name, flags.stopTimeout); err != nil && !engine.IsNotFound(err) {
				log.Error("Failed to stop container", "container", name, "error", err)
			}
		case <-ctx.Done():
		}
	}()
	code, err := docker.WaitContainer(ctx, name)
	select {
	case <-logsDone:
	case <-time.After(logsDrainTimeout):
	}
	if err != nil {
		return fail("%v", err)
	}
	log.Info("the executor's container exited", "container", name, "status", code)
	if code < 0 || code > 255 {
		return 1
	}
	return code
}
