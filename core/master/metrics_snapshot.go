package master

import (
	"bufio"
	"bytes"
	"context"
	"maps"
	"os"
	"runtime"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/decorate"
)

// /metrics/snapshot and GET_METRICS: one flat map of Mesos's metric names
// (docs/monitoring.md). Gauges are computed from the loop's state when
// asked; counters are kept as things happen (metrics.go). The registrar's
// come from its Stats, the system's from /proc.

// counterNames are Mesos's counters, reported as 0 until they count.
var counterNames = []string{
	"master/dropped_messages",
	"master/messages_register_framework", "master/messages_reregister_framework",
	"master/messages_unregister_framework", "master/messages_deactivate_framework",
	"master/messages_kill_task", "master/messages_status_update_acknowledgement",
	"master/messages_resource_request", "master/messages_launch_tasks",
	"master/messages_decline_offers", "master/messages_revive_offers",
	"master/messages_suppress_offers", "master/messages_reconcile_tasks",
	"master/messages_reconcile_operations",
	"master/messages_framework_to_executor", "master/messages_executor_to_framework",
	"master/messages_operation_status_update_acknowledgement",
	"master/messages_register_slave", "master/messages_reregister_slave",
	"master/messages_unregister_slave", "master/messages_status_update",
	"master/messages_operation_status_update",
	"master/messages_exited_executor", "master/messages_update_slave",
	"master/messages_authenticate",
	"master/valid_framework_to_executor_messages", "master/invalid_framework_to_executor_messages",
	"master/valid_executor_to_framework_messages", "master/invalid_executor_to_framework_messages",
	"master/valid_status_updates", "master/invalid_status_updates",
	"master/valid_status_update_acknowledgements", "master/invalid_status_update_acknowledgements",
	"master/valid_operation_status_updates", "master/invalid_operation_status_updates",
	"master/valid_operation_status_update_acknowledgements", "master/invalid_operation_status_update_acknowledgements",
	"master/recovery_slave_removals",
	"master/slave_registrations", "master/slave_reregistrations", "master/slave_removals",
	"master/slave_removals/reason_unhealthy", "master/slave_removals/reason_unregistered",
	"master/slave_removals/reason_registered",
	"master/slave_shutdowns_scheduled", "master/slave_shutdowns_completed", "master/slave_shutdowns_canceled",
	"master/slave_unreachable_scheduled", "master/slave_unreachable_completed", "master/slave_unreachable_canceled",
	"master/tasks_finished", "master/tasks_failed", "master/tasks_killed", "master/tasks_lost",
	"master/tasks_error", "master/tasks_dropped", "master/tasks_gone", "master/tasks_gone_by_operator",
}

// resourceMetricNames are the resources Mesos reports totals of.
var resourceMetricNames = []string{"cpus", "gpus", "mem", "disk"}

// snapshotMetrics is the whole snapshot.
func (m *Master) snapshotMetrics(ctx context.Context) (map[string]float64, error) {
	var out map[string]float64
	if err := m.call(ctx, func() { out = m.loopMetrics() }); err != nil {
		return nil, err
	}
	for k, v := range m.registrar.Stats().Metrics() {
		out[k] = v
	}
	if m.cfg.ModuleMetrics != nil {
		// The modules' metrics, under Mesos-style names (modules/<library>/...).
		flat, err := decorate.Flat(m.cfg.ModuleMetrics)
		if err != nil {
			m.log.Warn("failed to gather the modules' metrics", "error", err)
		}
		maps.Copy(out, flat)
	}
	addSystemMetrics(out)
	return out, nil
}

// loopMetrics are the master's and the allocator's, from the loop.
func (m *Master) loopMetrics() map[string]float64 {
	out := make(map[string]float64, 160)
	for _, name := range counterNames {
		out[name] = 0
	}
	for _, reason := range rejectionReasons() {
		out[rejectedAllocationMetric+reason] = 0
	}
	for name, v := range m.metrics.named {
		out[name] = float64(v)
	}
	if !m.cfg.HidePerFrameworkMetrics {
		for _, fw := range m.frameworks {
			writeFrameworkMetrics(out, fw)
		}
	}
	out["master/uptime_secs"] = m.cfg.Now().Sub(m.startTime).Seconds()
	out["master/elected"] = 0
	if m.elected() {
		out["master/elected"] = 1
	}

	var connected, active float64
	for _, a := range m.agents {
		if a.connected() {
			connected++
		}
		if a.active {
			active++
		}
	}
	n := float64(len(m.agents))
	out["master/slaves_connected"], out["master/slaves_disconnected"] = connected, n-connected
	out["master/slaves_active"], out["master/slaves_inactive"] = active, n-active
	out["master/slaves_unreachable"] = float64(len(m.unreachableAgents))

	connected, active = 0, 0
	for _, fw := range m.frameworks {
		if fw.connected() {
			connected++
		}
		if fw.active {
			active++
		}
	}
	n = float64(len(m.frameworks))
	out["master/frameworks_connected"], out["master/frameworks_disconnected"] = connected, n-connected
	out["master/frameworks_active"], out["master/frameworks_inactive"] = active, n-active
	out["master/outstanding_offers"] = float64(len(m.offers))

	states := map[mesospb.TaskState]float64{}
	for _, fw := range m.frameworks {
		for _, t := range fw.tasks {
			states[t.info.GetState()]++
		}
	}
	out["master/tasks_staging"] = states[mesospb.TaskState_TASK_STAGING]
	out["master/tasks_starting"] = states[mesospb.TaskState_TASK_STARTING]
	out["master/tasks_running"] = states[mesospb.TaskState_TASK_RUNNING]
	out["master/tasks_killing"] = states[mesospb.TaskState_TASK_KILLING]
	out["master/tasks_unreachable"] = states[mesospb.TaskState_TASK_UNREACHABLE]

	// Resources: totals of the registered agents, used by tasks and
	// executors (offers are not "used"), revocable ones apart.
	var total, used, offered resources.Resources
	for _, a := range m.agents {
		total = total.Add(a.total)
		offered = offered.Add(a.offered)
		for _, u := range a.used {
			used = used.Add(u.Unallocate())
		}
	}
	totalQ, usedQ := resources.ScalarQuantitiesOf(total.NonRevocable()), resources.ScalarQuantitiesOf(used.NonRevocable())
	totalR, usedR := resources.ScalarQuantitiesOf(total.Revocable()), resources.ScalarQuantitiesOf(used.Revocable())
	for _, name := range resourceMetricNames {
		setResourceMetrics(out, "master/"+name, totalQ.Get(name).Float(), usedQ.Get(name).Float())
		setResourceMetrics(out, "master/"+name+"_revocable", totalR.Get(name).Float(), usedR.Get(name).Float())
	}

	out["master/event_queue_messages"] = float64(len(m.work))
	out["master/event_queue_dispatches"] = 0
	out["master/event_queue_http_requests"] = 0
	out["master/operator_event_stream_subscribers"] = float64(len(m.operatorSubs))

	// The allocator runs inside the master's loop, so the master measures
	// it. Beyond Mesos: the allocator's failures and the allocations the
	// master refused.
	out["allocator/mesos/allocation_runs"] = float64(m.metrics.allocationRuns)
	out["allocator/mesos/allocation_run_ms"] = float64(m.metrics.lastAllocationDuration) / 1e6
	out["allocator/mesos/event_queue_dispatches"] = float64(len(m.allocatorEvents))
	out["master/allocator_errors"] = float64(m.metrics.allocatorErrors)
	out["master/allocations_rejected"] = float64(m.metrics.allocationsRejected)
	// Also beyond Mesos's top-level names (Mesos counts these per
	// framework): the offers made and what became of them.
	out["master/offers_sent"] = float64(m.metrics.offersSent)
	out["master/offers_accepted"] = float64(m.metrics.offersAccepted)
	out["master/offers_declined"] = float64(m.metrics.offersDeclined)
	out["master/offers_rescinded"] = float64(m.metrics.offersRescinded)
	allTotal := resources.ScalarQuantitiesOf(total)
	held := resources.ScalarQuantitiesOf(used.Add(offered))
	for _, name := range allTotal.Names() {
		out["allocator/mesos/resources/"+name+"/total"] = allTotal.Get(name).Float()
		out["allocator/mesos/resources/"+name+"/offered_or_allocated"] = held.Get(name).Float()
	}
	return out
}

func setResourceMetrics(out map[string]float64, prefix string, total, used float64) {
	out[prefix+"_total"] = total
	out[prefix+"_used"] = used
	percent := 0.0
	if total > 0 {
		percent = used / total
	}
	out[prefix+"_percent"] = percent
}

// addSystemMetrics adds Mesos's system/* gauges where the host has them
// (/proc on Linux).
func addSystemMetrics(out map[string]float64) {
	out["system/cpus_total"] = float64(runtime.NumCPU())
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		fields := strings.Fields(string(data))
		for i, name := range []string{"system/load_1min", "system/load_5min", "system/load_15min"} {
			if i < len(fields) {
				if v, err := strconv.ParseFloat(fields[i], 64); err == nil {
					out[name] = v
				}
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 2 {
				continue
			}
			kb, err := strconv.ParseFloat(fields[1], 64)
			if err != nil {
				continue
			}
			switch fields[0] {
			case "MemTotal:":
				out["system/mem_total_bytes"] = kb * 1024
			case "MemFree:":
				out["system/mem_free_bytes"] = kb * 1024
			}
		}
	}
}

// metricProtos is GET_METRICS's list, by name.
func metricProtos(metrics map[string]float64) []*mesospb.Metric {
	out := make([]*mesospb.Metric, 0, len(metrics))
	for _, name := range sortedKeys(metrics) {
		out = append(out, &mesospb.Metric{Name: proto.String(name), Value: proto.Float64(metrics[name])})
	}
	return out
}

// appendMetricsJSON writes the snapshot as one JSON object, keys in order.
func appendMetricsJSON(dst []byte, metrics map[string]float64) []byte {
	w := jsonWriter{buf: dst}
	w.beginObject()
	for _, name := range sortedKeys(metrics) {
		w.key(name)
		w.float(metrics[name])
	}
	w.endObject()
	return w.buf
}
