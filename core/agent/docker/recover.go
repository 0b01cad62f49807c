package docker

import (
	"context"
	"fmt"

	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Recover finds the docker executors of the containers the agent keeps
// (their processes, as the Mesos containerizer does) and follows them
// again; the agent's Docker containers without a recovered executor are
// orphans, removed with --docker_kill_orphans.
func (c *Containerizer) Recover(ctx context.Context, known containerizer.KnownFunc) error {
	if err := c.executors.Recover(ctx, known); err != nil {
		return fmt.Errorf("recover the docker executors: %w", err)
	}
	kept := map[string]*mesospb.ContainerID{}
	for _, id := range c.executors.Containers() {
		kept[id.GetValue()] = id
	}
	list, err := c.client.ListContainers(ctx, engine.LabelOwner+"="+c.owner)
	if err != nil {
		if len(kept) > 0 {
			return fmt.Errorf("recover docker containers: %w", err)
		}
		c.log.Warn("cannot list docker containers; none to recover", "error", err)
	}
	c.mu.Lock()
	for _, id := range kept {
		ct := &container{id: id, name: engine.ContainerName(id), done: make(chan struct{})}
		c.containers[id.GetValue()] = ct
		go c.watch(ct)
		c.log.Info("recovered docker container", "container", id.GetValue(), "docker", ct.name)
	}
	c.mu.Unlock()
	c.removeStaleSpecs(kept)
	for _, s := range list {
		var id *mesospb.ContainerID
		for _, n := range s.Names {
			if got, ok := engine.ContainerIDFromName(n); ok {
				id = got
			}
		}
		if id != nil && kept[id.GetValue()] != nil {
			continue
		}
		if !c.opts.KillOrphans {
			c.log.Info("leaving an orphan docker container (--no-docker_kill_orphans)", "docker", s.Names, "id", s.ID)
			continue
		}
		c.log.Info("removing an orphan docker container", "docker", s.Names, "id", s.ID)
		if err := c.client.RemoveContainer(ctx, s.ID, true); err != nil && !engine.IsNotFound(err) {
			c.log.Warn("failed to remove an orphan docker container", "id", s.ID, "error", err)
		}
	}
	return nil
}
