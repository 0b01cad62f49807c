package containerizer

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// watchLocked starts following a running container: its command's exit
// and every isolator's Watch. Each ends in a destroy.
func (c *Containerizer) watchLocked(ct *container) {
	ctx, stop := context.WithCancel(context.Background())
	ct.stopWatch = stop
	log := c.log.With("container", ct.key)
	proc := ct.proc

	ct.watchers.Go(func() {
		select {
		case <-proc.Done():
			log.Info("container's command exited", "status", proc.ExitStatus().String())
			c.requestDestroy(ct, "")
		case <-ctx.Done():
		}
	})
	for _, iso := range c.isolators {
		ct.watchers.Go(func() {
			resp, err := iso.Isolator.Watch(ctx, &isolator.WatchRequest{ContainerId: ct.id})
			switch {
			case err == nil && resp.GetLimitation() != nil:
				l := resp.GetLimitation()
				log.Info("container reached a limit and will be destroyed",
					"isolator", iso.Name, "reason", l.TaskReason().String(), "message", l.GetMessage())
				c.mu.Lock()
				ct.limitations = append(ct.limitations, l)
				c.mu.Unlock()
				c.requestDestroy(ct, "")
			case err == nil:
				// Nothing to watch for this container.
			case ctx.Err() != nil && errors.Is(err, ctx.Err()):
				// Stopped: the container is being destroyed.
			case ctx.Err() != nil:
				log.Debug("isolator watch ended with the container", "isolator", iso.Name, "err", err)
			default:
				// As Mesos: a failed watch destroys the container.
				log.Error("isolator watch failed", "isolator", iso.Name, "err", err)
				c.requestDestroy(ct, fmt.Sprintf("Failed to watch isolator %s: %v", iso.Name, err))
			}
		})
	}
}
