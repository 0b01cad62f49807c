package decorate

import (
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Flat renders the module metrics gathered from g as Mesos-style flat
// names for /metrics/snapshot, merged into one map with the daemon's own:
//
//	modules/<library>/<module>/calls                 every call
//	modules/<library>/<module>/errors                every failure
//	modules/<library>/<module>/errors/<class>        by class (timeout, ...)
//	modules/<library>/<module>/rejected              outputs the core refused
//	modules/<library>/<module>/fallbacks             times a built-in took over
//	modules/<library>/<module>/healthy               1 when healthy, else 0
//	modules/<library>/<module>/failed                1 when failed, else 0
//	modules/<library>/<module>/<method>/calls
//	modules/<library>/<module>/<method>/errors
//	modules/<library>/<module>/<method>/latency_ms/count
//	modules/<library>/<module>/<method>/latency_ms/mean
//	modules/<library>/<module>/<method>/latency_ms/p50, p90, p99
//
// <library> is the library's name, or its file's base name. Percentiles
// are estimated from the histogram's buckets, as Prometheus's
// histogram_quantile does, so they are approximate (Mesos's timers keep a
// window of exact values instead).
func Flat(g prometheus.Gatherer) (map[string]float64, error) {
	families, err := g.Gather()
	if err != nil {
		return nil, fmt.Errorf("decorate: gathering module metrics: %w", err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "module_") {
			continue
		}
		for _, m := range f.GetMetric() {
			l := labelMap(m)
			base := "modules/" + flatLibrary(l["library"]) + "/" + l["module"]
			method := base + "/" + l["method"]
			switch f.GetName() {
			case MetricCalls:
				v := m.GetCounter().GetValue()
				out[base+"/calls"] += v
				out[method+"/calls"] += v
			case MetricErrors:
				v := m.GetCounter().GetValue()
				out[base+"/errors"] += v
				out[base+"/errors/"+l["class"]] += v
				out[method+"/errors"] += v
			case MetricRejected:
				out[base+"/rejected"] += m.GetCounter().GetValue()
			case MetricFallbacks:
				out[base+"/fallbacks"] += m.GetCounter().GetValue()
			case MetricState:
				if s := l["state"]; s == string(StateHealthy) || s == string(StateFailed) {
					out[base+"/"+s] = m.GetGauge().GetValue()
				}
			case MetricLatency:
				flatHistogram(out, method+"/latency_ms", m.GetHistogram())
			}
		}
	}
	return out, nil
}

func labelMap(m *dto.Metric) map[string]string {
	l := make(map[string]string, len(m.GetLabel()))
	for _, p := range m.GetLabel() {
		l[p.GetName()] = p.GetValue()
	}
	return l
}

// flatLibrary keeps a library's flat name one path segment: a file's base
// name, without slashes.
func flatLibrary(lib string) string {
	if strings.Contains(lib, "/") {
		lib = path.Base(lib)
	}
	return strings.ReplaceAll(lib, "/", "_")
}

func flatHistogram(out map[string]float64, name string, h *dto.Histogram) {
	n := h.GetSampleCount()
	out[name+"/count"] = float64(n)
	if n == 0 {
		return
	}
	out[name+"/mean"] = h.GetSampleSum() / float64(n) * 1000
	for _, q := range []struct {
		suffix string
		q      float64
	}{{"p50", .5}, {"p90", .9}, {"p99", .99}} {
		out[name+"/"+q.suffix] = quantile(q.q, h) * 1000
	}
}

// quantile estimates the q-quantile (in seconds) from cumulative buckets
// by linear interpolation within the bucket it falls in.
func quantile(q float64, h *dto.Histogram) float64 {
	total := float64(h.GetSampleCount())
	rank := q * total
	lower, below := 0.0, 0.0
	for _, b := range h.GetBucket() {
		upper, count := b.GetUpperBound(), float64(b.GetCumulativeCount())
		if count >= rank {
			if math.IsInf(upper, 1) || count == below {
				return lower
			}
			return lower + (upper-lower)*(rank-below)/(count-below)
		}
		lower, below = upper, count
	}
	// Beyond the last finite bucket: the best we know is its bound.
	return lower
}
