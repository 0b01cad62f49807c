package agent

import (
	"maps"
	"net/http"
	"runtime"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/decorate"
)

// counters are the agent's own counts behind /metrics/snapshot.
type counters struct {
	recoveryErrors           int64
	validStatusUpdates       int64
	invalidStatusUpdates     int64
	validFrameworkMessages   int64
	invalidFrameworkMessages int64
	containerLaunchErrors    int64
	executorsTerminated      int64
	executorsPreempted       int64
	tasksFinished            int64
	tasksFailed              int64
	tasksKilled              int64
	tasksLost                int64
	tasksGone                int64
	tasksGoneByOperator      int64
	tasksDropped             int64
	tasksError               int64
}

// countTerminal counts a task's terminal state.
func (c *counters) countTerminal(s mesospb.TaskState) {
	switch s {
	case mesospb.TaskState_TASK_FINISHED:
		c.tasksFinished++
	case mesospb.TaskState_TASK_FAILED:
		c.tasksFailed++
	case mesospb.TaskState_TASK_KILLED:
		c.tasksKilled++
	case mesospb.TaskState_TASK_LOST:
		c.tasksLost++
	case mesospb.TaskState_TASK_GONE:
		c.tasksGone++
	case mesospb.TaskState_TASK_GONE_BY_OPERATOR:
		c.tasksGoneByOperator++
	case mesospb.TaskState_TASK_DROPPED:
		c.tasksDropped++
	case mesospb.TaskState_TASK_ERROR:
		c.tasksError++
	}
}

// metricsSnapshot is the agent's metrics by Mesos's names (slave/...,
// system/..., containerizer/fetcher/...). Called on the loop.
func (a *Agent) metricsSnapshot() map[string]float64 {
	m := map[string]float64{}
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	m["slave/uptime_secs"] = time.Since(a.startTime).Seconds()
	m["slave/registered"] = b(a.state == stateRunning)
	m["slave/recovery_errors"] = float64(a.metrics.recoveryErrors)
	m["slave/frameworks_active"] = float64(len(a.frameworks))

	var staging, starting, running, killing float64
	var registering, execRunning, terminating float64
	used := resources.Resources{}
	for _, fw := range a.frameworks {
		for _, e := range fw.executors {
			switch e.state {
			case executorRegistering:
				registering++
			case executorRunning:
				execRunning++
			case executorTerminating:
				terminating++
			}
			for _, q := range e.queued {
				staging += float64(len(q.list))
			}
			for _, t := range e.launched {
				switch t.proto.GetState() {
				case mesospb.TaskState_TASK_STAGING:
					staging++
				case mesospb.TaskState_TASK_STARTING:
					starting++
				case mesospb.TaskState_TASK_RUNNING:
					running++
				case mesospb.TaskState_TASK_KILLING:
					killing++
				}
			}
			if e.state != executorTerminated {
				used = used.Add(e.allocated())
			}
		}
	}
	m["slave/tasks_staging"] = staging
	m["slave/tasks_starting"] = starting
	m["slave/tasks_running"] = running
	m["slave/tasks_killing"] = killing
	m["slave/tasks_finished"] = float64(a.metrics.tasksFinished)
	m["slave/tasks_failed"] = float64(a.metrics.tasksFailed)
	m["slave/tasks_killed"] = float64(a.metrics.tasksKilled)
	m["slave/tasks_lost"] = float64(a.metrics.tasksLost)
	m["slave/tasks_gone"] = float64(a.metrics.tasksGone)
	m["slave/tasks_gone_by_operator"] = float64(a.metrics.tasksGoneByOperator)
	m["slave/tasks_dropped"] = float64(a.metrics.tasksDropped)
	m["slave/tasks_error"] = float64(a.metrics.tasksError)
	m["slave/executors_registering"] = registering
	m["slave/executors_running"] = execRunning
	m["slave/executors_terminating"] = terminating
	m["slave/executors_terminated"] = float64(a.metrics.executorsTerminated)
	m["slave/executors_preempted"] = float64(a.metrics.executorsPreempted)
	m["slave/valid_status_updates"] = float64(a.metrics.validStatusUpdates)
	m["slave/invalid_status_updates"] = float64(a.metrics.invalidStatusUpdates)
	m["slave/valid_framework_messages"] = float64(a.metrics.validFrameworkMessages)
	m["slave/invalid_framework_messages"] = float64(a.metrics.invalidFrameworkMessages)
	m["slave/container_launch_errors"] = float64(a.metrics.containerLaunchErrors)
	m["slave/executor_directory_max_allowed_age_secs"] = a.cfg.GCDelay.Seconds()

	total := a.totalResources()
	nonRevocableTotal, nonRevocableUsed := total.NonRevocable(), used.NonRevocable()
	// The revocable total is the latest oversubscribed total (Mesos's
	// oversubscribedResources).
	revocableTotal, revocableUsed := a.oversubscribed, used.Revocable()
	for _, name := range []string{"cpus", "gpus", "mem", "disk"} {
		t, u := scalarSum(nonRevocableTotal, name), scalarSum(nonRevocableUsed, name)
		m["slave/"+name+"_total"] = t
		m["slave/"+name+"_used"] = u
		m["slave/"+name+"_percent"] = percent(u, t)
		rt, ru := scalarSum(revocableTotal, name), scalarSum(revocableUsed, name)
		m["slave/"+name+"_revocable_total"] = rt
		m["slave/"+name+"_revocable_used"] = ru
		m["slave/"+name+"_revocable_percent"] = percent(ru, rt)
	}

	m["system/cpus_total"] = float64(runtime.NumCPU())
	if one, five, fifteen, err := loadAverages(); err == nil {
		m["system/load_1min"], m["system/load_5min"], m["system/load_15min"] = one, five, fifteen
	}
	if total, err := memTotal(); err == nil {
		m["system/mem_total_bytes"] = float64(total)
	}
	if free, err := memFree(); err == nil {
		m["system/mem_free_bytes"] = float64(free)
	}
	cs := a.containerizer.Stats()
	m["containerizer/mesos/container_destroy_errors"] = float64(cs.DestroyErrors)
	m["containerizer/mesos/container_launch_errors"] = float64(cs.LaunchErrors)
	fs := a.fetcher.Stats()
	m["containerizer/fetcher/task_fetches_succeeded"] = float64(fs.TaskFetchesSucceeded)
	m["containerizer/fetcher/task_fetches_failed"] = float64(fs.TaskFetchesFailed)
	m["containerizer/fetcher/cache_size_total_bytes"] = float64(fs.CacheSizeTotalBytes)
	m["containerizer/fetcher/cache_size_used_bytes"] = float64(fs.CacheSizeUsedBytes)
	return m
}

func scalarSum(r resources.Resources, name string) float64 {
	s, ok := r.SumScalar(name)
	if !ok {
		return 0
	}
	return s.Float()
}

func percent(used, total float64) float64 {
	if total == 0 {
		return 0
	}
	return used / total
}

// serveMetrics is /metrics/snapshot: one flat JSON object.
func (a *Agent) serveMetrics(w http.ResponseWriter, r *http.Request) {
	// ?timeout= bounds how long libprocess waits for the gauges; ours are
	// read at once, but a bad value is refused as Mesos's MetricsProcess
	// does (Prometheus exporters pass it).
	if t, ok := r.URL.Query()["timeout"]; ok && len(t) > 0 {
		if _, err := parseMesosDuration(t[0]); err != nil {
			http.Error(w, "Invalid timeout '"+t[0]+"': "+err.Error()+".", http.StatusBadRequest)
			return
		}
	}
	var m map[string]float64
	if err := a.call(r.Context(), func() { m = a.metricsSnapshot() }); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	// The modules' metrics, under Mesos-style names (modules/<library>/...).
	flat, err := decorate.Flat(a.cfg.Registry)
	if err != nil {
		a.log.Warn("failed to gather the modules' metrics", "error", err)
	}
	maps.Copy(m, flat)
	writeJSON(w, r, m)
}
