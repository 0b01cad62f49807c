package containerizer

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// KnownFunc tells the containers the agent recovered from its own
// checkpoints (the ones it keeps) from orphans (the ones it destroys).
type KnownFunc func(id *mesospb.ContainerID) bool

// AllKnown keeps every container found in the runtime directory.
func AllKnown(*mesospb.ContainerID) bool { return true }

// Recover rebuilds the containers checkpointed in the runtime directory
// after an agent restart: it finds their processes again, hands them to
// the isolators' Recover, follows the known ones (a container whose
// command exited while the agent was away is destroyed at once, and Wait
// reports its exit status) and destroys the orphans: containers the agent
// does not know, and launches cut short by the restart. It returns once
// the orphans are gone.
func (c *Containerizer) Recover(ctx context.Context, known KnownFunc) error {
	if known == nil {
		known = AllKnown
	}
	ids, err := listContainers(c.runtimeDir)
	if err != nil {
		return err
	}
	var (
		kept, orphans []*container
		states        []*isolator.ContainerState
		orphanIDs     []*mesospb.ContainerID
	)
	for _, id := range ids {
		ct := &container{id: id, key: key(id), dir: containerDir(c.runtimeDir, id), prepared: len(c.isolators), done: make(chan struct{})}
		log := c.log.With("container", ct.key)
		cfg, err := readConfig(ct.dir)
		if err != nil {
			log.Warn("cannot read the container's config; destroying it", "err", err)
		}
		ct.config, ct.resources = cfg, cfg.GetResources()
		proc, err := c.launcher.Recover(ctx, ct.dir)
		switch {
		case errors.Is(err, launcher.ErrNotLaunched):
			log.Info("container was never started; cleaning it up")
		case err != nil:
			log.Warn("cannot recover the container's process; destroying it", "err", err)
		default:
			ct.proc = proc
		}
		if cfg == nil || ct.proc == nil || !known(id) {
			orphans = append(orphans, ct)
			orphanIDs = append(orphanIDs, id)
			continue
		}
		kept = append(kept, ct)
		states = append(states, &isolator.ContainerState{
			ExecutorInfo: cfg.GetExecutorInfo(),
			ContainerId:  id,
			Pid:          uint64(ct.proc.Pid()),
			Directory:    cfg.GetDirectory(),
			Config:       cfg,
		})
	}

	req := &isolator.RecoverRequest{States: states, Orphans: orphanIDs}
	for _, iso := range c.isolators {
		if _, err := iso.Isolator.Recover(ctx, req); err != nil {
			return fmt.Errorf("recover isolator %s: %w", iso.Name, err)
		}
	}
	c.recoverOutput(ctx, kept)
	c.recoverInput(kept)

	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	for _, ct := range kept {
		ct.state = StateRunning
		c.containers[ct.key] = ct
		c.watchLocked(ct)
		c.log.Info("recovered container", "container", ct.key, "pid", ct.proc.Pid())
	}
	for _, ct := range orphans {
		ct.state = StateDestroying
		c.containers[ct.key] = ct
		go c.destroy(ct)
	}
	c.mu.Unlock()

	var errs []error
	for _, ct := range orphans {
		select {
		case <-ct.done:
			if ct.err != nil {
				errs = append(errs, ct.err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return errors.Join(errs...)
}
