package registry

import (
	"slices"
	"time"
)

// Stats is the registrar's side of the master's /metrics/snapshot.
type Stats struct {
	// Recovered: the registry has been read; RegistrySizeBytes is valid.
	Recovered bool
	// Failed: the registrar aborted (see Registrar.Err).
	Failed bool

	// QueuedOperations waiting for the next write (registrar/queued_operations).
	QueuedOperations int
	// RegistrySizeBytes of the last registry stored (registrar/registry_size_bytes).
	RegistrySizeBytes int
	// Version of the store after the last write.
	Version Version

	// StateFetch is how long recovery took to fetch the registry
	// (registrar/state_fetch_ms); zero before recovery.
	StateFetch time.Duration
	// StateStore summarises the store writes of the last day
	// (registrar/state_store_ms and its statistics).
	StateStore TimerStats

	// Operations applied (refused ones included) and Writes made, since start.
	Operations uint64
	Writes     uint64
}

// TimerStats summarises timed samples over a window, as a Mesos metrics
// Timer does: the last value, and once there are two samples or more, the
// count, extremes and percentiles.
type TimerStats struct {
	Last                            time.Duration
	Count                           int
	Min, Max                        time.Duration
	P50, P90, P95, P99, P999, P9999 time.Duration
}

// Metrics returns the stats under Mesos's metric names, values as Mesos
// reports them (milliseconds for timers). Values that do not exist yet (no
// recovery, no write) are left out, as Mesos leaves them out.
func (s Stats) Metrics() map[string]float64 {
	m := map[string]float64{
		"registrar/queued_operations": float64(s.QueuedOperations),
	}
	if s.Recovered {
		m["registrar/registry_size_bytes"] = float64(s.RegistrySizeBytes)
		m["registrar/state_fetch_ms"] = ms(s.StateFetch)
	}
	st := s.StateStore
	if st.Count > 0 {
		m["registrar/state_store_ms"] = ms(st.Last)
	}
	if st.Count >= 2 {
		const p = "registrar/state_store_ms/"
		m[p+"count"] = float64(st.Count)
		m[p+"min"] = ms(st.Min)
		m[p+"max"] = ms(st.Max)
		m[p+"p50"] = ms(st.P50)
		m[p+"p90"] = ms(st.P90)
		m[p+"p95"] = ms(st.P95)
		m[p+"p99"] = ms(st.P99)
		m[p+"p999"] = ms(st.P999)
		m[p+"p9999"] = ms(st.P9999)
	}
	return m
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// timeSeries keeps the samples of the last window, at most capacity of
// them (Mesos's TimeSeries: one day, 1000 samples, for state_store).
type timeSeries struct {
	window   time.Duration
	capacity int
	at       []time.Time
	values   []time.Duration
}

func newTimeSeries(window time.Duration, capacity int) *timeSeries {
	return &timeSeries{window: window, capacity: capacity}
}

func (t *timeSeries) add(now time.Time, d time.Duration) {
	t.at = append(t.at, now)
	t.values = append(t.values, d)
	t.expire(now)
}

func (t *timeSeries) expire(now time.Time) {
	drop := max(0, len(t.values)-t.capacity)
	for drop < len(t.at) && now.Sub(t.at[drop]) > t.window {
		drop++
	}
	if drop > 0 {
		t.at = slices.Delete(t.at, 0, drop)
		t.values = slices.Delete(t.values, 0, drop)
	}
}

func (t *timeSeries) stats(now time.Time) TimerStats {
	t.expire(now)
	var s TimerStats
	s.Count = len(t.values)
	if s.Count == 0 {
		return s
	}
	s.Last = t.values[len(t.values)-1]
	sorted := slices.Clone(t.values)
	slices.Sort(sorted)
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	s.P50 = percentile(sorted, 0.5)
	s.P90 = percentile(sorted, 0.9)
	s.P95 = percentile(sorted, 0.95)
	s.P99 = percentile(sorted, 0.99)
	s.P999 = percentile(sorted, 0.999)
	s.P9999 = percentile(sorted, 0.9999)
	return s
}

// percentile interpolates linearly between the closest ranks of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	pos := p * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + time.Duration(frac*float64(sorted[i+1]-sorted[i]))
}
