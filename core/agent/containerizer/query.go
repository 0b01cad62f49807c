package containerizer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Update gives the container new resources: every isolator's Update runs
// in parallel. A container being destroyed ignores updates, as in Mesos.
func (c *Containerizer) Update(ctx context.Context, id *mesospb.ContainerID, resources []*mesospb.Resource) error {
	ct, err := c.lookup(id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if ct.state == StateDestroying {
		c.mu.Unlock()
		c.log.Info("ignoring update of a container being destroyed", "container", ct.key)
		return nil
	}
	c.mu.Unlock()

	errs := make([]error, len(c.isolators))
	var wg sync.WaitGroup
	for i, iso := range c.isolators {
		wg.Go(func() {
			if _, err := iso.Isolator.Update(ctx, &isolator.UpdateRequest{ContainerId: ct.id, Resources: resources}); err != nil {
				errs[i] = fmt.Errorf("update isolator %s: %w", iso.Name, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("update container %s: %w", ct.key, err)
	}

	c.mu.Lock()
	ct.resources = resources
	// An update that changes nothing leaves the checkpoint alone; one
	// that only shrinks the container (a task ended) is checkpointed a
	// little later (see shrinkCheckpointDelay).
	dirty, lazy := false, false
	if ct.config != nil && !sameResources(ct.config.GetResources(), resources) {
		lazy = onlyShrinks(ct.config.GetResources(), resources)
		cfg := proto.Clone(ct.config).(*isolator.ContainerConfig)
		cfg.Resources = resources
		ct.config, ct.configDirty, dirty = cfg, true, true
	}
	c.mu.Unlock()
	switch {
	case dirty && lazy:
		c.checkpointConfigLater(ct)
	case dirty:
		c.checkpointConfig(ct)
	}
	return nil
}

// Usage merges what every isolator measures of the container, adds the
// limits its resources set (cpus_limit, mem_limit_bytes) and the time.
// Isolators that fail are left out (and logged), as in Mesos.
func (c *Containerizer) Usage(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ResourceStatistics, error) {
	ct, err := c.lookup(id)
	if err != nil {
		return nil, err
	}
	results := make([]*mesospb.ResourceStatistics, len(c.isolators))
	var wg sync.WaitGroup
	for i, iso := range c.isolators {
		wg.Go(func() {
			resp, err := iso.Isolator.Usage(ctx, &isolator.UsageRequest{ContainerId: ct.id})
			if err != nil {
				c.log.Warn("isolator usage failed", "container", ct.key, "isolator", iso.Name, "err", err)
				return
			}
			results[i] = resp.GetStatistics()
		})
	}
	wg.Wait()
	out := &mesospb.ResourceStatistics{}
	for _, r := range results {
		if r != nil {
			proto.Merge(out, r)
		}
	}
	c.mu.Lock()
	resources := ct.resources
	c.mu.Unlock()
	if cpus, ok := scalar(resources, "cpus"); ok {
		out.CpusLimit = proto.Float64(cpus)
	}
	if mem, ok := scalar(resources, "mem"); ok {
		out.MemLimitBytes = proto.Uint64(uint64(mem * 1024 * 1024))
	}
	out.Timestamp = proto.Float64(float64(time.Now().UnixNano()) / 1e9)
	return out, nil
}

// Status merges what every isolator says of the container and adds its
// id and executor pid.
func (c *Containerizer) Status(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ContainerStatus, error) {
	ct, err := c.lookup(id)
	if err != nil {
		return nil, err
	}
	results := make([]*mesospb.ContainerStatus, len(c.isolators))
	var wg sync.WaitGroup
	for i, iso := range c.isolators {
		wg.Go(func() {
			resp, err := iso.Isolator.Status(ctx, &isolator.StatusRequest{ContainerId: ct.id})
			if err != nil {
				c.log.Warn("isolator status failed", "container", ct.key, "isolator", iso.Name, "err", err)
				return
			}
			results[i] = resp.GetStatus()
		})
	}
	wg.Wait()
	out := &mesospb.ContainerStatus{}
	for _, r := range results {
		if r != nil {
			proto.Merge(out, r)
		}
	}
	out.ContainerId = proto.Clone(ct.id).(*mesospb.ContainerID)
	c.mu.Lock()
	if ct.proc != nil {
		out.ExecutorPid = proto.Uint32(uint32(ct.proc.Pid()))
	}
	c.mu.Unlock()
	return out, nil
}

// scalar sums the named scalar resources (all roles).
func scalar(resources []*mesospb.Resource, name string) (float64, bool) {
	sum, found := 0.0, false
	for _, r := range resources {
		if r.GetName() == name && r.GetScalar() != nil {
			sum += r.GetScalar().GetValue()
			found = true
		}
	}
	return sum, found
}

// sameResources reports whether two resource lists are equal, in order.
func sameResources(a, b []*mesospb.Resource) bool {
	return slices.EqualFunc(a, b, func(x, y *mesospb.Resource) bool { return proto.Equal(x, y) })
}
