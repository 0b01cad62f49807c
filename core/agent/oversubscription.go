package agent

import (
	"context"
	"time"

	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
)

// Oversubscription (Mesos's Slave::forwardOversubscribed, and
// docs/oversubscription.md): every --oversubscribed_resources_interval
// the agent asks its resource estimator what it may oversubscribe, given
// its executors' usage, and tells the master its total of revocable
// resources, the estimate plus the revocable resources its executors
// already use, whenever that total changed. The master offers what of it
// is not in use to frameworks that accept revocable resources.

// estimatorLoop asks the estimator for an estimate every interval until
// ctx ends. Without an estimator the estimate is empty: the agent still
// reports the revocable resources its executors use, as Mesos's noop
// estimator lets it.
func (a *Agent) estimatorLoop(ctx context.Context) {
	t := time.NewTimer(a.cfg.OversubscribedResourcesInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		estimate, ok := a.estimate(ctx)
		if ok {
			a.post(func() { a.forwardOversubscribed(estimate) })
		}
		t.Reset(a.cfg.OversubscribedResourcesInterval)
	}
}

// estimate asks the estimator; ok is false when it failed (the failure
// policy is skip: nothing is sent this time).
func (a *Agent) estimate(ctx context.Context) (resources.Resources, bool) {
	est := a.mods.estimator
	if est == nil {
		return resources.Resources{}, true
	}
	usage, err := a.resourceUsage(ctx)
	if err != nil {
		return resources.Resources{}, false
	}
	resp, err := est.Oversubscribable(ctx, &resourceestimator.OversubscribableRequest{Usage: usage})
	if err != nil {
		if ctx.Err() == nil {
			a.log.Warn("Failed to get oversubscribable resources from the resource estimator", "error", err)
		}
		return resources.Resources{}, false
	}
	// The decorator checked the estimate already; the contract's Check
	// also turns it into Resources.
	rs, err := resourceestimator.Check(resp)
	if err != nil {
		a.log.Warn("Ignoring an invalid estimate from the resource estimator", "error", err)
		return resources.Resources{}, false
	}
	return rs, true
}

// forwardOversubscribed takes a new estimate: the agent's revocable total
// is the estimate plus what its executors hold of revocable resources
// (unallocated); the master hears of it when it changed and the agent is
// registered (a (re-)registration sends the latest).
func (a *Agent) forwardOversubscribed(estimate resources.Resources) {
	a.log.Debug("Received oversubscribable resources from the resource estimator", "resources", estimate.String())
	total := a.usedRevocable().Add(estimate)
	changed := !total.Equal(a.oversubscribed)
	a.oversubscribed = total
	if changed && a.state == stateRunning {
		a.sendOversubscribed()
	}
}

// usedRevocable is what the live executors hold of revocable resources.
func (a *Agent) usedRevocable() resources.Resources {
	var used resources.Resources
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			if e.state == executorTerminated {
				continue
			}
			used = used.Add(e.allocated().Revocable().Unallocate())
		}
	}
	return used
}

// sendOversubscribed tells the master the agent's revocable total.
func (a *Agent) sendOversubscribed() {
	a.log.Info("Forwarding total oversubscribed resources", "resources", a.oversubscribed.String())
	if a.sendToMaster(&agentmasterpb.AgentCall{
		Type:            agentmasterpb.AgentCall_UPDATE_RESOURCES.Enum(),
		UpdateResources: &agentmasterpb.AgentCall_UpdateResources{OversubscribedResources: a.oversubscribed.Protos()},
	}) {
		a.oversubscribedSent = a.oversubscribed
	}
}
