package docker

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Status is the executor's status (its pid) with the Docker container's
// addresses.
func (c *Containerizer) Status(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ContainerStatus, error) {
	ct, _ := c.lookup(id)
	if ct == nil {
		return nil, fmt.Errorf("status of container %s: unknown container", id.GetValue())
	}
	status, err := c.executors.Status(ctx, id)
	if err != nil {
		return nil, err
	}
	info, err := c.client.InspectContainer(ctx, ct.name)
	if err != nil {
		return status, nil // not created yet (the executor creates it)
	}
	if ni := engine.NetworkInfoOf(info); ni != nil {
		status.NetworkInfos = []*mesospb.NetworkInfo{ni}
	}
	return status, nil
}

// Usage is the container's resource usage from the daemon's stats, with
// the limits its resources set.
func (c *Containerizer) Usage(ctx context.Context, id *mesospb.ContainerID) (*mesospb.ResourceStatistics, error) {
	ct, _ := c.lookup(id)
	if ct == nil {
		return nil, fmt.Errorf("usage of container %s: unknown container", id.GetValue())
	}
	out, err := c.executors.Usage(ctx, id) // the limits and timestamp
	if err != nil {
		return nil, err
	}
	stats, err := c.client.ContainerStats(ctx, ct.name)
	if err != nil {
		if engine.IsNotFound(err) {
			return out, nil // not created yet
		}
		return nil, err
	}
	proto.Merge(out, engine.StatisticsFromStats(stats))
	return out, nil
}

// Update gives the container new resources: its cpu shares and memory
// limit follow (the memory limit without a swap limit, so that it can
// grow past the swap limit set at creation).
func (c *Containerizer) Update(ctx context.Context, id *mesospb.ContainerID, resources []*mesospb.Resource) error {
	ct, _ := c.lookup(id)
	if ct == nil {
		return fmt.Errorf("update container %s: unknown container", id.GetValue())
	}
	if err := c.executors.Update(ctx, id, resources); err != nil {
		return err
	}
	c.mu.Lock()
	had := ct.resources
	if had != nil {
		ct.resources = resources
	}
	c.mu.Unlock()
	if added := newPersistentVolumes(had, resources); had != nil && len(added) > 0 {
		// Docker cannot add a mount to a running container.
		c.log.Warn("persistent volumes added to a running docker container are not mounted in it",
			"container", id.GetValue(), "volumes", added)
	}
	u := &engine.UpdateConfig{}
	if cpus, ok := engine.ScalarSum(resources, "cpus"); ok {
		u.CPUShares = max(int64(engine.CPUSharesPerCPU*cpus), engine.MinCPUShares)
		if c.opts.EnableCFS {
			u.CPUPeriod, u.CPUQuota = engine.CFSQuota(cpus)
		}
	}
	if mem, ok := engine.ScalarSum(resources, "mem"); ok {
		u.Memory, u.MemorySwap = max(int64(mem*(1<<20)), engine.MinMemory), -1
	}
	if *u == (engine.UpdateConfig{}) {
		return nil
	}
	if err := c.client.UpdateContainer(ctx, ct.name, u); err != nil && !engine.IsNotFound(err) {
		return err
	}
	return nil
}
