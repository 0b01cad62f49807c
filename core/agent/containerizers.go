package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/docker"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// containerRuntime is what the agent asks of its containerizer: the Mesos
// containerizer's methods, which the Docker containerizer and the
// composing one (--containerizers) have too.
type containerRuntime interface {
	Launch(ctx context.Context, id *mesospb.ContainerID, req containerizer.LaunchRequest) error
	Wait(ctx context.Context, id *mesospb.ContainerID) (*containerizer.Termination, error)
	Destroy(ctx context.Context, id *mesospb.ContainerID) (*containerizer.Termination, error)
	Status(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ContainerStatus, error)
	Update(ctx context.Context, id *mesospb.ContainerID, resources []*mesospb.Resource) error
	Usage(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ResourceStatistics, error)
	Recover(ctx context.Context, known containerizer.KnownFunc) error
	Containers() []*mesospb.ContainerID
	State(id *mesospb.ContainerID) (containerizer.State, bool)
	Stats() containerizer.Stats
	Close()
}

// The containerizers --containerizers names.
const (
	containerizerMesos  = "mesos"
	containerizerDocker = "docker"
)

// parseContainerizers reads --containerizers (default mesos).
func parseContainerizers(list []string) (mesos, docker bool, err error) {
	for _, name := range list {
		switch strings.TrimSpace(name) {
		case containerizerMesos:
			mesos = true
		case containerizerDocker:
			docker = true
		case "":
		default:
			return false, false, fmt.Errorf("unknown or unsupported containerizer '%s' in --containerizers (expected mesos and/or docker)", name)
		}
	}
	if !mesos && !docker {
		mesos = true
	}
	return mesos, docker, nil
}

// composing is Mesos's composing containerizer over the Mesos and Docker
// containerizers: a container goes to the one that supports it (DOCKER
// ContainerInfos to Docker, the others to Mesos), and later calls go to
// the one that has it. Either may be absent (not in --containerizers).
type composing struct {
	mesos  *containerizer.Containerizer
	docker *docker.Containerizer
}

var errNoContainerizer = errors.New("no containerizer in --containerizers supports the container")

// of is the containerizer that has (or would run) a container.
func (c *composing) of(id *mesospb.ContainerID) containerRuntime {
	if c.docker != nil && (c.mesos == nil || c.docker.Knows(rootOf(id))) {
		return c.docker
	}
	return c.mesos
}

func (c *composing) Launch(ctx context.Context, id *mesospb.ContainerID, req containerizer.LaunchRequest) error {
	isDocker := id.GetParent() == nil && docker.Supports(req.Config.GetContainerInfo())
	switch {
	case id.GetParent() != nil:
		return c.of(id).Launch(ctx, id, req)
	case isDocker && c.docker != nil:
		return c.docker.Launch(ctx, id, req)
	case isDocker:
		return fmt.Errorf("%w: DOCKER containers need the docker containerizer (--containerizers=docker,mesos)", errNoContainerizer)
	case c.mesos != nil:
		return c.mesos.Launch(ctx, id, req)
	}
	return fmt.Errorf("%w: the docker containerizer runs DOCKER containers only (add mesos to --containerizers)", errNoContainerizer)
}

func (c *composing) Wait(ctx context.Context, id *mesospb.ContainerID) (*containerizer.Termination, error) {
	return c.of(id).Wait(ctx, id)
}

func (c *composing) Destroy(ctx context.Context, id *mesospb.ContainerID) (*containerizer.Termination, error) {
	return c.of(id).Destroy(ctx, id)
}

func (c *composing) Status(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ContainerStatus, error) {
	return c.of(id).Status(ctx, id)
}

func (c *composing) Update(ctx context.Context, id *mesospb.ContainerID, resources []*mesospb.Resource) error {
	return c.of(id).Update(ctx, id, resources)
}

func (c *composing) Usage(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ResourceStatistics, error) {
	return c.of(id).Usage(ctx, id)
}

func (c *composing) State(id *mesospb.ContainerID) (containerizer.State, bool) {
	return c.of(id).State(id)
}

func (c *composing) each(fn func(containerRuntime)) {
	if c.mesos != nil {
		fn(c.mesos)
	}
	if c.docker != nil {
		fn(c.docker)
	}
}

func (c *composing) Recover(ctx context.Context, known containerizer.KnownFunc) error {
	var errs []error
	c.each(func(r containerRuntime) { errs = append(errs, r.Recover(ctx, known)) })
	return errors.Join(errs...)
}

func (c *composing) Containers() []*mesospb.ContainerID {
	var out []*mesospb.ContainerID
	c.each(func(r containerRuntime) { out = append(out, r.Containers()...) })
	return out
}

func (c *composing) Stats() containerizer.Stats {
	var s containerizer.Stats
	c.each(func(r containerRuntime) {
		x := r.Stats()
		s.LaunchErrors += x.LaunchErrors
		s.DestroyErrors += x.DestroyErrors
		s.Limitations += x.Limitations
		s.RejectedLaunchInfos += x.RejectedLaunchInfos
	})
	return s
}

func (c *composing) Close() { c.each(func(r containerRuntime) { r.Close() }) }

// composeContainerizers is the agent's containerizer: the Mesos one
// alone (the default), or composed with the Docker one
// (--containerizers=docker,mesos).
func (a *Agent) composeContainerizers(m *containerizer.Containerizer, l containerizer.Launcher) (containerRuntime, error) {
	useMesos, useDocker, err := parseContainerizers(a.cfg.Containerizers)
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	if !useDocker {
		// Composed all the same: DOCKER containers fail with a clear
		// message instead of running on the host.
		return &composing{mesos: m}, nil
	}
	d := a.cfg.Docker
	client := engine.NewClient(d.Socket)
	// As Mesos, refuse to start without a daemon to talk to.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.APIVersion(ctx); err != nil {
		return nil, fmt.Errorf("agent: failed to create the docker containerizer: %w", err)
	}
	dc, err := docker.New(docker.Options{
		Client:          client,
		RuntimeDir:      a.cfg.RuntimeDir,
		Launcher:        l,
		Fetch:           a.fetch,
		ContainerLogger: a.mods.logger,
		StopTimeout:     d.StopTimeout,
		RemoveDelay:     d.RemoveDelay,
		KillOrphans:     d.KillOrphans,
		EnableCFS:       d.EnableCFS,
		MappedDirectory: d.MappedDirectory,
		ExecutorBinary:  a.cfg.ExecutorBinary,
		VolumePath:      a.volumePath,
		DefaultDNS:      d.DefaultContainerDNS,
		DockerConfig:    d.Config,
		PreLaunch:       a.preLaunchDockerHook(),
		Logger:          a.cfg.Logger.With("component", "docker-containerizer"),
	})
	if err != nil {
		return nil, fmt.Errorf("agent: %w", err)
	}
	c := &composing{docker: dc}
	if useMesos {
		c.mesos = m
	}
	return c, nil
}
