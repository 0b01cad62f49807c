package docker

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// specsDir holds the create requests of custom executors' containers,
// under the containerizer's runtime directory.
const specsDir = "executor_containers"

// prepareExecutorContainer turns the launch of a custom executor (an
// ExecutorInfo whose ContainerInfo is DOCKER) into the launch of the
// process that runs it in Docker. Mesos runs `docker run` of the
// executor's command in the executor's image, with the sandbox mounted at
// --sandbox_directory and the agent's executor environment (MESOS_SANDBOX
// then names the sandbox in the container; the network is the host's
// unless the DockerInfo says otherwise, so the executor reaches the agent
// at MESOS_AGENT_ENDPOINT), and reaps the container's process. Here the
// docker mode of the executor binary, run by the inner Mesos
// containerizer like the docker executor of a command task, creates and
// starts the container from the request built below, copies its output
// to the sandbox (through the container logger), stops it on SIGTERM and
// exits with its exit code: the container's end is the executor's, an
// agent restart recovers it as it recovers the docker executor, and
// destroying it stops the container with --docker_stop_timeout.
//
// The executor's URIs are fetched into the sandbox before it starts, as
// Mesos does. Persistent volumes among the resources at launch (the
// executor's own) are bound into the container; Mesos mounts none for
// custom executors (it logs an error), and volumes of the tasks sent to
// the executor later are not mounted (Docker cannot add a mount to a
// running container).
func (c *Containerizer) prepareExecutorContainer(ct *container, cfg *isolator.ContainerConfig, env map[string]string) error {
	if mode := execmode.Of(cfg.GetCommandInfo()); mode != "" {
		// The agent's own executors (the default executor of task
		// groups) run on the host; their binary is not in the image.
		return fmt.Errorf("the %s executor does not run in a Docker container", mode)
	}
	if c.opts.ExecutorBinary == "" {
		return errors.New("the docker containerizer has no executor binary to run the executor's container")
	}
	mounts, err := c.persistentMounts(cfg.GetDirectory(), cfg.GetResources())
	if err != nil {
		return err
	}
	spec := &engine.RunSpec{
		Name:             ct.name,
		Container:        cfg.GetContainerInfo(),
		Command:          cfg.GetCommandInfo(),
		Resources:        cfg.GetResources(),
		SandboxDirectory: cfg.GetDirectory(),
		MappedDirectory:  c.opts.MappedDirectory,
		Env:              env,
		Labels:           map[string]string{engine.LabelOwner: c.owner},
		Mounts:           mounts,
		DefaultDNS:       c.opts.DefaultDNS,
		EnableCFSQuota:   c.opts.EnableCFS,
	}
	create, err := spec.CreateConfig()
	if err != nil {
		return fmt.Errorf("Failed to create docker run options: %w", err)
	}
	path, err := c.writeSpec(ct.id, create)
	if err != nil {
		return err
	}
	cmd := execmode.CommandInfo(c.opts.ExecutorBinary, execmode.Docker)
	cmd.Uris = cfg.GetCommandInfo().GetUris()
	cmd.Arguments = append(cmd.Arguments, c.executorFlags(ct, cfg.GetDirectory())...)
	cmd.Arguments = append(cmd.Arguments, "--executor_container="+path)
	cfg.CommandInfo = cmd
	return nil
}

// writeSpec keeps a container's create request in a file readable by the
// owner only: it holds the executor's environment, which a command line
// would show to everyone.
func (c *Containerizer) writeSpec(id *mesospb.ContainerID, create *engine.CreateConfig) (string, error) {
	dir := filepath.Join(c.owner, specsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	b, err := json.Marshal(create)
	if err != nil {
		return "", fmt.Errorf("encode the executor's container config: %w", err)
	}
	path := filepath.Join(dir, id.GetValue()+".json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", fmt.Errorf("write the executor's container config: %w", err)
	}
	return path, nil
}

// removeSpec removes an ended container's create request, if it has one.
func (c *Containerizer) removeSpec(ct *container) {
	path := filepath.Join(c.owner, specsDir, ct.id.GetValue()+".json")
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		c.log.Warn("failed to remove the executor's container config", "path", path, "error", err)
	}
}

// removeStaleSpecs removes the create requests of containers not kept
// after a restart.
func (c *Containerizer) removeStaleSpecs(kept map[string]*mesospb.ContainerID) {
	entries, err := os.ReadDir(filepath.Join(c.owner, specsDir))
	if err != nil {
		return // none written yet
	}
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || kept[id] != nil {
			continue
		}
		if err := os.Remove(filepath.Join(c.owner, specsDir, e.Name())); err != nil {
			c.log.Warn("failed to remove a stale executor container config", "file", e.Name(), "error", err)
		}
	}
}
