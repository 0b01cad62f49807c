package executors

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/units"
)

// dockerFlags are the docker executor's command-line flags, as the
// Docker containerizer passes them (Mesos's mesos-docker-executor flags,
// plus ours: --runtime_directory, the label value marking the agent's
// containers; --persistent_volumes, the task's persistent volumes to
// bind; --executor_container, the file of a custom executor's container
// config, which makes the executor run that container instead).
type dockerFlags struct {
	container        string
	socket           string
	sandbox          string
	mapped           string
	stopTimeout      time.Duration
	runtimeDirectory string
	taskEnvironment  map[string]string
	enableCFS        bool
	volumes          []engine.Mount
	// defaultDNS is --default_container_dns: the container's DNS when
	// its task sets none.
	defaultDNS *engine.ContainerDNS
	// executorContainer is the file of a custom executor's container
	// create request ("" for a command task).
	executorContainer string
}

// parseDockerFlags reads the flags; an unknown or missing one is an
// error, as in Mesos (the executor exits).
func parseDockerFlags(args []string) (*dockerFlags, error) {
	f := &dockerFlags{}
	fs := flag.NewFlagSet("mesos-docker-executor", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.container, "container", "", "the Docker container's name")
	fs.StringVar(&f.socket, "docker_socket", "/var/run/docker.sock", "the Docker daemon's socket")
	fs.StringVar(&f.sandbox, "sandbox_directory", "", "the sandbox on the host")
	fs.StringVar(&f.mapped, "mapped_directory", "", "the sandbox's path in the container")
	fs.StringVar(&f.runtimeDirectory, "runtime_directory", "", "the agent's Docker runtime directory (a label)")
	fs.BoolVar(&f.enableCFS, "cgroups_enable_cfs", false, "cap the cpus at the request")
	stop := fs.String("stop_timeout", "0ns", "deprecated: the least grace period of a kill")
	env := fs.String("task_environment", "", "a JSON object of the container's environment")
	volumes := fs.String("persistent_volumes", "", "a JSON array of the persistent volumes to bind")
	dns := fs.String("default_container_dns", "", "the agent's --default_container_dns (JSON)")
	fs.StringVar(&f.executorContainer, "executor_container", "", "run the custom executor's container configured in this file")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for name, v := range map[string]string{"container": f.container, "sandbox_directory": f.sandbox, "mapped_directory": f.mapped} {
		if v == "" {
			return nil, fmt.Errorf("missing required option --%s", name)
		}
	}
	d, err := units.ParseDuration(*stop)
	if err != nil {
		return nil, fmt.Errorf("--stop_timeout: %w", err)
	}
	f.stopTimeout = d.Std()
	if *env != "" {
		if err := json.Unmarshal([]byte(*env), &f.taskEnvironment); err != nil {
			return nil, errors.New("failed to parse --task_environment: expected a JSON object of strings")
		}
	}
	if *dns != "" {
		if f.defaultDNS, err = engine.ParseContainerDNS([]byte(*dns)); err != nil {
			return nil, err
		}
	}
	if *volumes != "" {
		if err := json.Unmarshal([]byte(*volumes), &f.volumes); err != nil {
			return nil, fmt.Errorf("failed to parse --persistent_volumes: %w", err)
		}
	}
	return f, nil
}
