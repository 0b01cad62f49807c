package decorate

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// The metric names, for Flat and for dashboards.
const (
	MetricCalls     = "module_calls_total"
	MetricErrors    = "module_errors_total"
	MetricLatency   = "module_call_seconds"
	MetricRejected  = "module_rejected_total"
	MetricState     = "module_state"
	MetricFallbacks = "module_fallbacks_total"
)

// labels every module metric carries.
var moduleLabels = []string{"library", "module", "kind", "runtime"}

// latencyBuckets span a built-in's microseconds to a subprocess's seconds.
func latencyBuckets() []float64 {
	return []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
}

// Metrics are the module metrics of one daemon, registered on its
// registry. One Metrics serves every Decorator of the daemon.
type Metrics struct {
	calls     *prometheus.CounterVec
	errors    *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	rejected  *prometheus.CounterVec
	state     *prometheus.GaugeVec
	fallbacks *prometheus.CounterVec
}

// NewMetrics creates the module metrics and registers them on reg. When
// reg already holds them (a second host on one registry), those are used.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	with := func(extra ...string) []string { return append(append([]string(nil), moduleLabels...), extra...) }
	m := &Metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricCalls, Help: "Calls to a module, by method.",
		}, with("method")),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricErrors, Help: "Failed calls to a module, by method and class (error, timeout, panic, crash, rejected).",
		}, with("method", "class")),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: MetricLatency, Help: "Duration of calls to a module, by method.", Buckets: latencyBuckets(),
		}, with("method")),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricRejected, Help: "Module outputs the core rejected, by method and reason.",
		}, with("method", "reason")),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: MetricState, Help: "A module's state: 1 for the state it is in (healthy, failing, failed, closed), 0 for the others.",
		}, with("state")),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: MetricFallbacks, Help: "Times a built-in took over from a failed module.",
		}, moduleLabels),
	}
	if reg == nil {
		return m, nil
	}
	m.calls = register(reg, m.calls)
	m.errors = register(reg, m.errors)
	m.latency = register(reg, m.latency)
	m.rejected = register(reg, m.rejected)
	m.state = register(reg, m.state)
	m.fallbacks = register(reg, m.fallbacks)
	if err := m.err(); err != nil {
		return nil, err
	}
	return m, nil
}

// register registers c, or returns the collector already registered in
// its place; nil when registering failed otherwise (reported by err).
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	switch {
	case err == nil:
		return c
	case errors.As(err, &are):
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
	}
	var zero C
	return zero
}

func (m *Metrics) err() error {
	if m.calls == nil || m.errors == nil || m.latency == nil || m.rejected == nil || m.state == nil || m.fallbacks == nil {
		return fmt.Errorf("decorate: registering the module metrics: a metric of the same name is registered with other labels")
	}
	return nil
}
