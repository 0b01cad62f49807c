package containerizer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// requestDestroyLocked starts destroying a container unless that is under
// way. A launching container is left to its launch, which notices and
// destroys it. why, when not empty, goes into the termination message.
func (c *Containerizer) requestDestroyLocked(ct *container, why string) {
	if ct.state == StateDestroying || ct.destroyRequested {
		return
	}
	if why != "" {
		ct.failures = append(ct.failures, why)
	}
	if ct.launching {
		ct.destroyRequested = true
		ct.cancelLaunch()
		return
	}
	ct.state = StateDestroying
	go c.destroy(ct)
}

func (c *Containerizer) requestDestroy(ct *container, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.requestDestroyLocked(ct, why)
}

// destroy kills the container's processes, collects late limitations,
// cleans up the isolators in reverse order and records the termination.
// It runs once per container, in state DESTROYING.
func (c *Containerizer) destroy(ct *container) {
	log := c.log.With("container", ct.key)
	log.Info("destroying container")
	c.mu.Lock()
	proc, prepared, stop, in := ct.proc, ct.prepared, ct.stopWatch, ct.input
	c.mu.Unlock()
	if in != nil {
		in.close()
	}

	// Not bounded by a deadline: a container is not destroyed until all
	// its processes are gone.
	ctx := context.Background()
	var errs []error
	status := launcher.ExitStatus{}
	if proc != nil {
		if err := c.launcher.Destroy(ctx, proc); err != nil {
			errs = append(errs, fmt.Errorf("kill processes: %w", err))
			// The kill may not have reached the first process: give it a
			// while rather than hang the destroy forever.
			select {
			case <-proc.Done():
			case <-time.After(c.watchStop):
			}
		}
		select {
		case <-proc.Done():
			status = proc.ExitStatus()
		default:
		}
	}

	// Watchers see their context end; an isolator that meanwhile saw a
	// limit hit (an OOM kill racing the exit) reports it now.
	if stop != nil {
		stop()
		stopped := make(chan struct{})
		go func() {
			ct.watchers.Wait()
			close(stopped)
		}()
		select {
		case <-stopped:
		case <-time.After(c.watchStop):
			log.Warn("isolators' Watch calls did not return after cancellation", "waited", c.watchStop)
		}
	}

	for i := prepared - 1; i >= 0; i-- {
		iso := c.isolators[i]
		if _, err := iso.Isolator.Cleanup(ctx, &isolator.CleanupRequest{ContainerId: ct.id}); err != nil {
			log.Error("isolator cleanup failed", "isolator", iso.Name, "err", err)
			errs = append(errs, fmt.Errorf("clean up isolator %s: %w", iso.Name, err))
		}
	}

	c.mu.Lock()
	term := terminationOf(status, ct.limitations, ct.failures)
	c.mu.Unlock()
	err := errors.Join(errs...)
	if err == nil {
		// Like Mesos, forget a top-level container's checkpoints once it
		// is gone; keep them when cleanup failed, for the next recovery.
		// Under checkpointMu: no checkpoint of the config is being
		// written, and none will be (the state is DESTROYING).
		ct.checkpointMu.Lock()
		if rmErr := os.RemoveAll(ct.dir); rmErr != nil {
			log.Warn("remove runtime directory", "err", rmErr)
		}
		ct.checkpointMu.Unlock()
	} else {
		err = fmt.Errorf("destroy container %s: %w", ct.key, err)
	}

	c.mu.Lock()
	if err != nil {
		c.stats.DestroyErrors++
	}
	if term.Limited() {
		c.stats.Limitations++
	}
	ct.term, ct.err = term, err
	delete(c.containers, ct.key)
	c.rememberLocked(ct.key, term, err)
	close(ct.done)
	c.mu.Unlock()
	log.Info("container destroyed", "status", term.Status.String(), "message", term.Message)
}

// terminationOf says how a container ended.
func terminationOf(status launcher.ExitStatus, limitations []*isolator.ContainerLimitation, failures []string) *Termination {
	t := &Termination{Status: status}
	var messages []string
	if len(limitations) > 0 {
		failed := mesospb.TaskState_TASK_FAILED
		t.State = &failed
		for _, l := range limitations {
			messages = append(messages, l.GetMessage())
			if l.GetReason() != 0 {
				t.Reasons = append(t.Reasons, l.TaskReason())
			}
			t.LimitedResources = append(t.LimitedResources, l.GetResources()...)
		}
	}
	messages = append(messages, failures...)
	t.Message = strings.Join(messages, "; ")
	return t
}

// rememberLocked keeps the last terminations for late Wait and Destroy
// calls.
func (c *Containerizer) rememberLocked(k string, term *Termination, err error) {
	if _, ok := c.ended[k]; !ok {
		c.endedOrder = append(c.endedOrder, k)
	}
	c.ended[k] = &ended{term: term, err: err}
	for len(c.endedOrder) > c.keepEnded {
		delete(c.ended, c.endedOrder[0])
		c.endedOrder = c.endedOrder[1:]
	}
}
