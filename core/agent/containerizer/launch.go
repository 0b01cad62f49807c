package containerizer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// LaunchRequest is what the agent launches a container with.
type LaunchRequest struct {
	// Config: the command (or executor), resources, sandbox directory and
	// user. Its directory must exist.
	Config *isolator.ContainerConfig
	// Environment is the agent's part of the command's environment
	// (MESOS_FRAMEWORK_ID, MESOS_SANDBOX, ...): isolators and the
	// command's own environment override it.
	Environment map[string]string
	// Input gives the command a stdin that clients write with AttachInput
	// (Mesos's I/O switchboard, for LAUNCH_NESTED_CONTAINER_SESSION);
	// otherwise its stdin is /dev/null. A container whose ContainerInfo
	// has a TTYInfo always has one, as in Mesos: its command runs on a
	// pseudo-terminal whose input it is.
	Input bool
	// SelfSupervised: the command is the agent's own command executor,
	// which plays its supervisor's part itself (launcher.Spec's
	// SelfSupervised), saving a process per container. It applies when no
	// isolator replaces the command or needs the supervisor (namespaces,
	// mounts, pre-exec commands, rlimits).
	SelfSupervised bool
}

// errDestroyed stops a launch when the container is destroyed meanwhile.
var errDestroyed = errors.New("container destroyed while launching")

// Launch runs the container's launch pipeline: Prepare in order, fork,
// Isolate in parallel, fetch, then start the command. It returns once the
// command runs (state RUNNING) or the launch failed, in which case what
// was made is destroyed (Wait returns the termination). ctx bounds the
// launch, not the container.
func (c *Containerizer) Launch(ctx context.Context, id *mesospb.ContainerID, req LaunchRequest) error {
	if err := validateID(id); err != nil {
		return err
	}
	cfg := req.Config
	if cfg == nil {
		return errors.New("launch without a container config")
	}
	if !filepath.IsAbs(cfg.GetDirectory()) {
		return fmt.Errorf("sandbox directory %q is not absolute", cfg.GetDirectory())
	}
	if cfg.GetCommandInfo().GetValue() == "" {
		return errors.New("launch without a command")
	}
	cfg = proto.Clone(cfg).(*isolator.ContainerConfig)
	k := key(id)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(c.closeCtx, cancel)
	defer stop()

	ct := &container{
		id:           proto.Clone(id).(*mesospb.ContainerID),
		key:          k,
		dir:          containerDir(c.runtimeDir, id),
		config:       cfg,
		resources:    cfg.GetResources(),
		state:        StatePreparing,
		launching:    true,
		cancelLaunch: cancel,
		done:         make(chan struct{}),
	}
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		return ErrClosed
	case c.containers[k] != nil:
		c.mu.Unlock()
		return fmt.Errorf("launch container %s: %w", k, ErrAlreadyLaunched)
	}
	if id.GetParent() != nil && c.containers[key(id.GetParent())] == nil {
		c.mu.Unlock()
		return fmt.Errorf("launch container %s: parent: %w", k, ErrUnknownContainer)
	}
	c.containers[k] = ct
	c.mu.Unlock()

	log := c.log.With("container", k)
	log.Info("launching container")
	err := c.launch(lctx, ct, req)
	if err == nil {
		log.Info("container is running", "pid", ct.proc.Pid())
		return nil
	}
	c.mu.Lock()
	if ct.destroyRequested {
		err = fmt.Errorf("%w: %w", errDestroyed, err)
	}
	ct.launching = false
	ct.state = StateDestroying
	c.stats.LaunchErrors++
	ct.failures = append(ct.failures, "Failed to launch container: "+err.Error())
	c.mu.Unlock()
	log.Warn("container launch failed", "err", err)
	c.destroy(ct)
	return fmt.Errorf("launch container %s: %w", k, err)
}

func (c *Containerizer) launch(ctx context.Context, ct *container, req LaunchRequest) error {
	agentEnv := req.Environment
	if err := os.MkdirAll(ct.dir, 0o700); err != nil {
		return fmt.Errorf("create runtime directory: %w", err)
	}
	// Under checkpointMu: an update may already be checkpointing it.
	ct.checkpointMu.Lock()
	err := writeConfig(ct.dir, ct.config)
	ct.checkpointMu.Unlock()
	if err != nil {
		return err
	}

	var infos []namedLaunchInfo
	for i, iso := range c.isolators {
		c.mu.Lock()
		ct.prepared = i + 1 // a failed Prepare is cleaned up too
		c.mu.Unlock()
		resp, err := iso.Isolator.Prepare(ctx, &isolator.PrepareRequest{ContainerId: ct.id, Config: ct.config})
		if err != nil {
			return fmt.Errorf("prepare isolator %s: %w", iso.Name, err)
		}
		if err := c.checkLaunch(ct); err != nil {
			return err
		}
		infos = append(infos, namedLaunchInfo{isolator: iso.Name, info: resp.GetLaunchInfo()})
	}
	spec, err := buildSpec(ct.config, agentEnv, infos)
	if err != nil {
		c.mu.Lock()
		c.stats.RejectedLaunchInfos++
		c.mu.Unlock()
		c.log.Error("launch info rejected", "container", ct.key, "err", err)
		return err
	}
	out, err := c.prepareOutput(ctx, ct)
	if err != nil {
		return err
	}
	out.apply(spec)
	tty := ct.config.GetContainerInfo().GetTtyInfo()
	if tty != nil {
		if spec.TTY, err = ttySpec(tty); err != nil {
			return err
		}
	}
	// Not with an input: only a supervisor relays it so that it outlives
	// the agent (a self-supervised command would read the FIFO itself).
	spec.SelfSupervised = req.SelfSupervised && !req.Input && spec.SelfSupervisable() && !replacesCommand(infos)
	if req.Input || tty != nil {
		in, path, err := openInput(ct.dir)
		if err != nil {
			return err
		}
		in.tty = tty != nil
		in.dir = ct.dir
		c.mu.Lock()
		ct.input = in
		c.mu.Unlock()
		spec.Stdin = path
	}
	// Until the process runs, the read ends are ours to close.
	defer func() {
		if out != nil {
			out.close()
		}
	}()

	if err := c.move(ct, StateIsolating); err != nil {
		return err
	}
	proc, err := c.launcher.Fork(ctx, ct.dir, spec)
	if err != nil {
		return fmt.Errorf("fork: %w", err)
	}
	c.mu.Lock()
	ct.proc = proc
	c.mu.Unlock()
	// The process holds the streams' write ends: forward what it writes,
	// also when the launch fails from here (until it is killed).
	c.startForwarding(ct.id, out)
	if err := c.isolate(ctx, ct, proc.Pid()); err != nil {
		return err
	}

	if err := c.move(ct, StateFetching); err != nil {
		return err
	}
	if c.fetch != nil {
		if err := c.fetch(ctx, ct.id, ct.config); err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
	}
	if err := c.checkLaunch(ct); err != nil {
		return err
	}
	if err := proc.Continue(); err != nil {
		return err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if ct.destroyRequested || c.closed {
		return errDestroyed
	}
	ct.state = StateRunning
	ct.launching = false
	c.watchLocked(ct)
	return nil
}

// isolate runs every isolator's Isolate in parallel.
func (c *Containerizer) isolate(ctx context.Context, ct *container, pid int) error {
	errs := make([]error, len(c.isolators))
	var wg sync.WaitGroup
	for i, iso := range c.isolators {
		wg.Go(func() {
			_, err := iso.Isolator.Isolate(ctx, &isolator.IsolateRequest{ContainerId: ct.id, Pid: uint64(pid)})
			if err != nil {
				errs[i] = fmt.Errorf("isolate isolator %s: %w", iso.Name, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return c.checkLaunch(ct)
}

// checkLaunch fails a launch whose container is being destroyed.
func (c *Containerizer) checkLaunch(ct *container) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ct.destroyRequested || c.closed {
		return errDestroyed
	}
	return nil
}

// move advances a launching container to its next state.
func (c *Containerizer) move(ct *container, to State) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ct.destroyRequested || c.closed {
		return errDestroyed
	}
	if !ct.state.canMove(to) {
		return fmt.Errorf("container cannot go from %v to %v", ct.state, to)
	}
	ct.state = to
	return nil
}

// replacesCommand reports whether an isolator replaced the container's
// command.
func replacesCommand(infos []namedLaunchInfo) bool {
	for _, n := range infos {
		if n.info.GetCommand() != nil {
			return true
		}
	}
	return false
}
