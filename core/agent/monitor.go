package agent

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// usageTarget is one running executor whose usage is asked for.
type usageTarget struct {
	frameworkID string
	executorID  string
	name        string
	source      string
	containerID *mesospb.ContainerID
	status      *mesospb.ContainerStatus
}

// usageTargets lists the executors with a running container. Called on
// the loop.
func (a *Agent) usageTargets() []usageTarget {
	var out []usageTarget
	for _, fw := range a.sortedFrameworks() {
		for _, e := range sortedExecutors(fw.executors) {
			if e.state == executorTerminated || !e.containerLaunched {
				continue
			}
			out = append(out, usageTarget{
				frameworkID: fw.id, executorID: e.id, name: e.info.GetName(), source: e.info.GetSource(),
				containerID: e.containerID, status: e.containerStatus,
			})
		}
	}
	return out
}

// usages asks the containerizer for each target's statistics, in
// parallel; a failed one is nil.
func (a *Agent) usages(ctx context.Context, targets []usageTarget) []*mesospb.ResourceStatistics {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out := make([]*mesospb.ResourceStatistics, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			stats, err := a.containerizer.Usage(ctx, t.containerID)
			if err != nil {
				a.log.Debug("failed to get usage", "container", t.containerID.GetValue(), "error", err)
				return
			}
			out[i] = stats
		})
	}
	wg.Wait()
	return out
}

// serveStatistics is /monitor/statistics: the ResourceStatistics of every
// running executor.
func (a *Agent) serveStatistics(w http.ResponseWriter, r *http.Request) {
	var targets []usageTarget
	if err := a.call(r.Context(), func() { targets = a.usageTargets() }); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	stats := a.usages(r.Context(), targets)
	out := []any{}
	for i, t := range targets {
		if stats[i] == nil {
			continue
		}
		out = append(out, map[string]any{
			"executor_id":   t.executorID,
			"executor_name": t.name,
			"framework_id":  t.frameworkID,
			"source":        t.source,
			"statistics":    json.RawMessage(protoJSON(stats[i])),
		})
	}
	writeJSON(w, r, out)
}

// serveContainers is /containers: every executor container that has not
// terminated, with its status and statistics when they could be had, as
// Mesos's Http::_containers (without nested or standalone containers;
// ?container_id= selects one). Filtered by VIEW_CONTAINER.
func (a *Agent) serveContainers(w http.ResponseWriter, r *http.Request) {
	var targets []usageTarget
	view, err := a.withView(r.Context(), func() { targets = a.usageTargets() })
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	selected, selecting := r.URL.Query()["container_id"]
	keep := targets[:0]
	for _, t := range targets {
		if view != nil && !view.containers[t.containerID.GetValue()] {
			continue
		}
		if selecting && !slices.Contains(selected, t.containerID.GetValue()) {
			continue
		}
		keep = append(keep, t)
	}
	stats := a.usages(r.Context(), keep)
	out := []any{}
	for i, t := range keep {
		entry := map[string]any{
			"framework_id":  t.frameworkID,
			"executor_id":   t.executorID,
			"executor_name": t.name,
			"source":        t.source,
			"container_id":  t.containerID.GetValue(),
		}
		if t.status != nil {
			entry["status"] = protoJSON(t.status)
		}
		if stats[i] != nil {
			entry["statistics"] = protoJSON(stats[i])
		}
		out = append(out, entry)
	}
	writeJSON(w, r, out)
}
