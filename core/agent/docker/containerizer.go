package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Options configure a Containerizer.
type Options struct {
	// Client talks to the daemon (--docker_socket). Required.
	Client *engine.Client
	// RuntimeDir is the agent's --runtime_dir; the Docker containerizer
	// keeps its executors' state in RuntimeDir/docker. Required.
	RuntimeDir string
	// Launcher runs the docker executors; required.
	Launcher containerizer.Launcher
	// Fetch fills the sandbox with the command's URIs (optional).
	Fetch containerizer.FetchFunc
	// ContainerLogger takes the executors' (and so the containers')
	// output; nil writes the sandbox's stdout and stderr files.
	ContainerLogger containerlogger.ContainerLogger
	// StopTimeout is --docker_stop_timeout: how long a destroyed
	// container has between SIGTERM and SIGKILL.
	StopTimeout time.Duration
	// RemoveDelay is --docker_remove_delay: how long a terminated
	// container is kept before docker rm.
	RemoveDelay time.Duration
	// KillOrphans is --docker_kill_orphans: remove this agent's containers
	// that it does not recover.
	KillOrphans bool
	// EnableCFS is --cgroups_enable_cfs: cap the containers' cpus with a
	// CFS quota (docker run, docker update and the docker executor's
	// containers), as Mesos's Docker containerizer does.
	EnableCFS bool
	// MappedDirectory is --sandbox_directory, the sandbox's path in the
	// container (default /mnt/mesos/sandbox).
	MappedDirectory string
	// ExecutorBinary is the program whose docker mode runs a custom
	// executor's container (the agent's --executor binary); custom
	// executors in Docker containers fail without it.
	ExecutorBinary string
	// VolumePath is where a persistent volume is on the host (under the
	// agent's work directory), "" for an invalid one; containers with
	// persistent volumes fail to launch without it.
	VolumePath func(*mesospb.Resource) string
	// DefaultDNS is --default_container_dns: the DNS of containers whose
	// task sets none, given to the docker executor and to executor
	// containers (nil: Docker's default).
	DefaultDNS *engine.ContainerDNS
	// DockerConfig is --docker_config: the registry credentials image
	// pulls use (nil: pulls are anonymous).
	DockerConfig *engine.DockerConfig
	// PreLaunch asks the agent's hooks what to add to a container's
	// executor before it is launched (Mesos's
	// slavePreLaunchDockerTaskExecutorDecorator); nil without hooks.
	PreLaunch PreLaunchFunc
	Logger    *slog.Logger
}

// keepEnded is how many ended containers' terminations Wait still returns.
const keepEnded = 1024

// Containerizer is Mesos's Docker containerizer. Its methods are safe for
// concurrent use.
type Containerizer struct {
	opts   Options
	client *engine.Client
	// executors runs the docker executors as host processes (a Mesos
	// containerizer without isolators: Docker applies the limits).
	executors *containerizer.Containerizer
	owner     string
	log       *slog.Logger

	closeCtx    context.Context
	closeCancel context.CancelFunc

	mu         sync.Mutex
	containers map[string]*container
	ended      map[string]*ended
	endedOrder []string
	removals   map[string]*time.Timer
	pullErrors uint64
}

type ended struct {
	term *containerizer.Termination
	err  error
}

// container is one Docker task's container (its executor's, really).
type container struct {
	id   *mesospb.ContainerID
	name string
	// pulling is set while the image is checked or pulled, before the
	// executor exists; cancelPull stops that.
	pulling          bool
	cancelPull       context.CancelFunc
	destroyRequested bool
	// resources are the ones the container was created with (nil when
	// recovered): a persistent volume added later cannot be mounted.
	resources []*mesospb.Resource

	done chan struct{}
	term *containerizer.Termination
	err  error
}

// New returns a Docker containerizer. Call Recover before launching.
func New(opts Options) (*Containerizer, error) {
	if opts.Client == nil {
		return nil, errors.New("docker containerizer needs a docker client")
	}
	if opts.RuntimeDir == "" {
		return nil, errors.New("docker containerizer needs a runtime directory")
	}
	if opts.MappedDirectory == "" {
		opts.MappedDirectory = engine.DefaultMappedDirectory
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	for _, u := range opts.DockerConfig.Unsupported() {
		opts.Logger.Warn("--docker_config: ignoring credential helpers, which are not supported", "helpers", u)
	}
	dir, err := filepath.Abs(filepath.Join(opts.RuntimeDir, "docker"))
	if err != nil {
		return nil, fmt.Errorf("docker containerizer: %w", err)
	}
	inner, err := containerizer.New(containerizer.Options{
		RuntimeDir:      dir,
		Launcher:        opts.Launcher,
		Fetch:           opts.Fetch,
		ContainerLogger: opts.ContainerLogger,
		Logger:          opts.Logger.With("containerizer", "docker-executors"),
	})
	if err != nil {
		return nil, fmt.Errorf("docker containerizer: %w", err)
	}
	c := &Containerizer{
		opts: opts, client: opts.Client, executors: inner, owner: dir, log: opts.Logger,
		containers: map[string]*container{}, ended: map[string]*ended{}, removals: map[string]*time.Timer{},
	}
	c.closeCtx, c.closeCancel = context.WithCancel(context.Background())
	return c, nil
}

// Supports reports whether a container config is the Docker
// containerizer's: a ContainerInfo of type DOCKER. (Type is required and
// DOCKER its first value: an absent ContainerInfo or type reads as
// DOCKER through GetType, so presence is checked.)
func Supports(info *mesospb.ContainerInfo) bool {
	return info != nil && info.Type != nil && info.GetType() == mesospb.ContainerInfo_DOCKER
}

// Launch checks (or pulls) the image and starts the docker executor. For
// a command task (the config has a TaskInfo) that is Mesos's docker
// executor, which runs the task's container; for an ExecutorInfo of its
// own the executor itself is the container (prepareExecutorContainer). It
// returns once the executor runs or the launch failed (Wait then says
// why).
func (c *Containerizer) Launch(ctx context.Context, id *mesospb.ContainerID, req containerizer.LaunchRequest) error {
	cfg := req.Config
	switch {
	case cfg == nil:
		return errors.New("launch without a container config")
	case id.GetParent() != nil:
		return fmt.Errorf("launch container %s: the docker containerizer does not run nested containers", id.GetValue())
	case !Supports(cfg.GetContainerInfo()):
		return fmt.Errorf("launch container %s: the docker containerizer runs DOCKER containers, not %s", id.GetValue(), cfg.GetContainerInfo().GetType())
	case cfg.GetContainerInfo().GetDocker().GetImage() == "":
		return fmt.Errorf("launch container %s: no docker image found in the container info", id.GetValue())
	case cfg.GetCommandInfo() == nil:
		return fmt.Errorf("launch container %s: no command for the executor", id.GetValue())
	}
	k := id.GetValue()
	ct := &container{
		id: proto.CloneOf(id), name: engine.ContainerName(id), pulling: true, done: make(chan struct{}),
		resources: cfg.GetResources(),
	}
	pullCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	ct.cancelPull = cancel
	c.mu.Lock()
	if c.containers[k] != nil {
		c.mu.Unlock()
		return fmt.Errorf("launch container %s: %w", k, containerizer.ErrAlreadyLaunched)
	}
	c.containers[k] = ct
	c.mu.Unlock()

	var taskEnv map[string]string
	req.Environment, taskEnv = c.preLaunch(pullCtx, ct, cfg, req.Environment)
	image := cfg.GetContainerInfo().GetDocker().GetImage()
	err := c.ensureImage(pullCtx, image, cfg.GetContainerInfo().GetDocker().GetForcePullImage())
	c.mu.Lock()
	ct.pulling, ct.cancelPull = false, nil
	if err == nil && ct.destroyRequested {
		err = errors.New("container destroyed while its image was pulled")
	}
	c.mu.Unlock()
	if err != nil {
		c.mu.Lock()
		c.pullErrors++
		c.mu.Unlock()
		c.finish(ct, &containerizer.Termination{Message: "Failed to launch container: " + err.Error()}, nil)
		return fmt.Errorf("launch container %s: %w", k, err)
	}

	req.Config = proto.CloneOf(cfg)
	if cfg.GetTaskInfo() != nil {
		err = c.prepareDockerExecutor(ct, req.Config, taskEnv)
	} else {
		err = c.prepareExecutorContainer(ct, req.Config, withTaskEnvironment(req.Environment, taskEnv))
	}
	if err != nil {
		c.mu.Lock()
		c.pullErrors++ // a launch error all the same
		c.mu.Unlock()
		c.finish(ct, &containerizer.Termination{Message: "Failed to launch container: " + err.Error()}, nil)
		return fmt.Errorf("launch container %s: %w", k, err)
	}
	err = c.executors.Launch(ctx, id, req)
	go c.watch(ct)
	if err != nil {
		return err
	}
	c.log.Info("launched the docker executor", "container", k, "docker", ct.name, "image", image, "custom", cfg.GetTaskInfo() == nil)
	return nil
}

// prepareDockerExecutor gives the docker executor of a command task its
// flags, with the task's persistent volumes and the hooks' task
// environment (--task_environment, as Mesos passes it).
func (c *Containerizer) prepareDockerExecutor(ct *container, cfg *isolator.ContainerConfig, taskEnv map[string]string) error {
	flags := c.executorFlags(ct, cfg.GetDirectory())
	if len(taskEnv) > 0 {
		b, err := json.Marshal(taskEnv)
		if err != nil {
			return fmt.Errorf("encode the task environment: %w", err)
		}
		flags = append(flags, "--task_environment="+string(b))
	}
	mounts, err := c.persistentMounts(cfg.GetDirectory(), cfg.GetResources())
	if err != nil {
		return err
	}
	if len(mounts) > 0 {
		b, err := json.Marshal(mounts)
		if err != nil {
			return fmt.Errorf("encode the persistent volumes: %w", err)
		}
		flags = append(flags, "--persistent_volumes="+string(b))
	}
	cfg.CommandInfo.Arguments = append(cfg.CommandInfo.Arguments, flags...)
	return nil
}

// ensureImage makes sure the daemon has the image: pulled when missing,
// or always with force_pull_image.
func (c *Containerizer) ensureImage(ctx context.Context, image string, force bool) error {
	if !force {
		ok, err := c.client.ImageExists(ctx, image)
		if err != nil {
			return fmt.Errorf("Failed to inspect image '%s': %w", image, err)
		}
		if ok {
			return nil
		}
	}
	// As Mesos gives docker pull the --docker_config file, the pull
	// carries the credential the file holds for the image's registry.
	auth, withAuth := c.opts.DockerConfig.AuthFor(image)
	c.log.Info("pulling docker image", "image", image, "force", force, "registry", engine.ImageRegistry(image), "credential", withAuth)
	if err := c.client.PullImage(ctx, image, auth); err != nil {
		why := "it is not present locally"
		if force {
			why = "force_pull_image"
		}
		return fmt.Errorf("Failed to pull image '%s' (%s): %w", image, why, err)
	}
	return nil
}

// executorFlags are the docker executor's command-line flags (Mesos's,
// plus --runtime_directory, the label that marks the agent's
// containers).
func (c *Containerizer) executorFlags(ct *container, sandbox string) []string {
	flags := []string{
		"--container=" + ct.name,
		"--docker_socket=" + c.client.Socket(),
		"--sandbox_directory=" + sandbox,
		"--mapped_directory=" + c.opts.MappedDirectory,
		"--stop_timeout=" + units.Duration(c.opts.StopTimeout).String(),
		"--runtime_directory=" + c.owner,
	}
	if c.opts.DefaultDNS != nil {
		flags = append(flags, "--default_container_dns="+c.opts.DefaultDNS.String())
	}
	if c.opts.EnableCFS {
		flags = append(flags, "--cgroups_enable_cfs=true")
	}
	return flags
}

// watch waits for the executor's end, then stops the Docker container (if
// the executor did not), schedules its removal and reports the end.
func (c *Containerizer) watch(ct *container) {
	term, err := c.executors.Wait(c.closeCtx, ct.id)
	if c.closeCtx.Err() != nil {
		return // the agent stops; the next one recovers the container
	}
	ctx, cancel := context.WithTimeout(c.closeCtx, c.opts.StopTimeout+30*time.Second)
	defer cancel()
	if stopErr := c.client.StopContainer(ctx, ct.name, c.opts.StopTimeout); stopErr != nil && !engine.IsNotFound(stopErr) {
		c.log.Warn("failed to stop the docker container", "container", ct.id.GetValue(), "docker", ct.name, "error", stopErr)
	}
	c.scheduleRemoval(ct.name)
	c.removeSpec(ct)
	c.finish(ct, term, err)
}

// finish records a container's end.
func (c *Containerizer) finish(ct *container, term *containerizer.Termination, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := ct.id.GetValue()
	if c.containers[k] != ct {
		return
	}
	ct.term, ct.err = term, err
	delete(c.containers, k)
	c.ended[k] = &ended{term: term, err: err}
	c.endedOrder = append(c.endedOrder, k)
	if len(c.endedOrder) > keepEnded {
		delete(c.ended, c.endedOrder[0])
		c.endedOrder = c.endedOrder[1:]
	}
	close(ct.done)
}

// scheduleRemoval removes a container after --docker_remove_delay.
func (c *Containerizer) scheduleRemoval(name string) {
	remove := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.client.RemoveContainer(ctx, name, true); err != nil && !engine.IsNotFound(err) {
			c.log.Warn("failed to remove the docker container", "docker", name, "error", err)
		}
		c.mu.Lock()
		delete(c.removals, name)
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeCtx.Err() != nil {
		return
	}
	if t := c.removals[name]; t != nil {
		t.Stop()
	}
	c.removals[name] = time.AfterFunc(max(c.opts.RemoveDelay, 0), remove)
}

// Wait blocks until the container has ended and returns how.
func (c *Containerizer) Wait(ctx context.Context, id *mesospb.ContainerID) (*containerizer.Termination, error) {
	ct, e := c.lookup(id)
	if e != nil {
		return e.term, e.err
	}
	if ct == nil {
		return nil, fmt.Errorf("wait for container %s: %w", id.GetValue(), containerizer.ErrUnknownContainer)
	}
	select {
	case <-ct.done:
		return ct.term, ct.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Destroy kills the executor (a pull in progress is cancelled); the
// Docker container is then stopped with --docker_stop_timeout.
func (c *Containerizer) Destroy(ctx context.Context, id *mesospb.ContainerID) (*containerizer.Termination, error) {
	ct, e := c.lookup(id)
	if e != nil {
		return e.term, e.err
	}
	if ct == nil {
		return nil, fmt.Errorf("destroy container %s: %w", id.GetValue(), containerizer.ErrUnknownContainer)
	}
	c.mu.Lock()
	ct.destroyRequested = true
	pulling, cancel := ct.pulling, ct.cancelPull
	c.mu.Unlock()
	if pulling {
		cancel()
	} else if _, err := c.executors.Destroy(ctx, id); err != nil && !errors.Is(err, containerizer.ErrUnknownContainer) {
		return nil, err
	}
	select {
	case <-ct.done:
		return ct.term, ct.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// lookup finds a live container, or how an ended one ended.
func (c *Containerizer) lookup(id *mesospb.ContainerID) (*container, *ended) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id.GetParent() != nil {
		return nil, nil
	}
	if ct := c.containers[id.GetValue()]; ct != nil {
		return ct, nil
	}
	return nil, c.ended[id.GetValue()]
}

// Containers lists the containers not yet ended.
func (c *Containerizer) Containers() []*mesospb.ContainerID {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*mesospb.ContainerID, 0, len(c.containers))
	for _, k := range slices.Sorted(maps.Keys(c.containers)) {
		out = append(out, c.containers[k].id)
	}
	return out
}

// State is the container's state (PREPARING while its image is pulled).
func (c *Containerizer) State(id *mesospb.ContainerID) (containerizer.State, bool) {
	ct, _ := c.lookup(id)
	if ct == nil {
		return 0, false
	}
	if s, ok := c.executors.State(id); ok {
		return s, true
	}
	return containerizer.StatePreparing, true
}

// Stats counts launch and destroy errors (failed pulls count as launch
// errors).
func (c *Containerizer) Stats() containerizer.Stats {
	s := c.executors.Stats()
	c.mu.Lock()
	s.LaunchErrors += c.pullErrors
	c.mu.Unlock()
	return s
}

// Close stops following the containers without stopping them: a new
// agent recovers them.
func (c *Containerizer) Close() {
	c.closeCancel()
	c.mu.Lock()
	for name, t := range c.removals {
		t.Stop()
		delete(c.removals, name)
	}
	for _, ct := range c.containers {
		if ct.cancelPull != nil {
			ct.cancelPull()
		}
	}
	c.mu.Unlock()
	c.executors.Close()
}

// Knows reports whether the container is (or was recently) this
// containerizer's.
func (c *Containerizer) Knows(id *mesospb.ContainerID) bool {
	ct, e := c.lookup(id)
	return ct != nil || e != nil
}
