package master

import (
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// frameworkMetrics are Mesos's per-framework metrics (Mesos 1.7+), shown
// in /metrics/snapshot under master/frameworks/<name>/<id>/ while the
// framework is known and --publish_per_framework_metrics is on. Counters
// live here and are kept as things happen; the gauges (subscribed, tasks
// by active state, suppressed roles) are read from the framework when
// asked. Like all master state they belong to the loop.
type frameworkMetrics struct {
	calls           map[schedulerpb.Call_Type]int64
	events          map[schedulerpb.Event_Type]int64
	terminalTasks   map[mesospb.TaskState]int64
	operations      map[mesospb.Offer_Operation_Type]int64
	offersSent      int64
	offersAccepted  int64
	offersDeclined  int64
	offersRescinded int64
}

func (fm *frameworkMetrics) call(t schedulerpb.Call_Type) { countIn(&fm.calls, t) }

func (fm *frameworkMetrics) event(t schedulerpb.Event_Type) {
	// HEARTBEATs are the connection's, not the framework's, in Mesos too.
	if t != schedulerpb.Event_HEARTBEAT {
		countIn(&fm.events, t)
	}
}

func (fm *frameworkMetrics) taskTerminated(s mesospb.TaskState) { countIn(&fm.terminalTasks, s) }

func (fm *frameworkMetrics) operation(t mesospb.Offer_Operation_Type) { countIn(&fm.operations, t) }

// countIn adds one to a counter of a lazily made map.
func countIn[K comparable](m *map[K]int64, k K) {
	if *m == nil {
		*m = map[K]int64{}
	}
	(*m)[k]++
}

// frameworkMetricPrefix is Mesos's master/frameworks/<name>/<id>/, the
// name percent-encoded as libprocess's http::encode does (everything but
// letters, digits and -._~), so that a '/' or ' ' in it cannot split the
// metric's path.
func frameworkMetricPrefix(fw *framework) string {
	const unreserved = "-._~"
	var b strings.Builder
	b.WriteString("master/frameworks/")
	for _, c := range []byte(fw.info.GetName()) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte(unreserved, c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&0xf])
		}
	}
	b.WriteByte('/')
	b.WriteString(fw.id)
	b.WriteByte('/')
	return b.String()
}

// writeFrameworkMetrics adds one framework's metrics to a snapshot. Every
// call, event, task state and operation type is listed, 0 until it
// counts, as Mesos registers them all when the framework is added.
func writeFrameworkMetrics(out map[string]float64, fw *framework) {
	p := frameworkMetricPrefix(fw)
	fm := &fw.metrics
	out[p+"subscribed"] = boolMetric(fw.connected())
	out[p+"offers/sent"] = float64(fm.offersSent)
	out[p+"offers/accepted"] = float64(fm.offersAccepted)
	out[p+"offers/declined"] = float64(fm.offersDeclined)
	out[p+"offers/rescinded"] = float64(fm.offersRescinded)

	var calls, events, operations int64
	for n, name := range schedulerpb.Call_Type_name {
		if t := schedulerpb.Call_Type(n); t != schedulerpb.Call_UNKNOWN {
			out[p+"calls/"+strings.ToLower(name)] = float64(fm.calls[t])
			calls += fm.calls[t]
		}
	}
	for n, name := range schedulerpb.Event_Type_name {
		if t := schedulerpb.Event_Type(n); t != schedulerpb.Event_UNKNOWN {
			out[p+"events/"+strings.ToLower(name)] = float64(fm.events[t])
			events += fm.events[t]
		}
	}
	for n, name := range mesospb.Offer_Operation_Type_name {
		if t := mesospb.Offer_Operation_Type(n); t != mesospb.Offer_Operation_UNKNOWN {
			out[p+"operations/"+strings.ToLower(name)] = float64(fm.operations[t])
			operations += fm.operations[t]
		}
	}
	out[p+"calls"] = float64(calls)
	out[p+"events"] = float64(events)
	out[p+"operations"] = float64(operations)

	active := map[mesospb.TaskState]int64{}
	for _, t := range fw.tasks {
		active[t.info.GetState()]++
	}
	for n, name := range mesospb.TaskState_name {
		s := mesospb.TaskState(n)
		if isTerminal(s) {
			out[p+"tasks/terminal/"+strings.ToLower(name)] = float64(fm.terminalTasks[s])
		} else {
			out[p+"tasks/active/"+strings.ToLower(name)] = float64(active[s])
		}
	}
	for _, role := range fw.roles() {
		out[p+"roles/"+role+"/suppressed"] = boolMetric(fw.suppressedRoles[role])
	}
}

func boolMetric(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
