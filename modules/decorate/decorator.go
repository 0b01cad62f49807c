package decorate

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomesos/mesos/modules"
	"github.com/prometheus/client_golang/prometheus"
)

// State is a module's health, as /modules shows it.
type State string

const (
	// StateHealthy: the last call succeeded (or none was made yet).
	StateHealthy State = "healthy"
	// StateFailing: the last calls failed, fewer than the policy's
	// FailAfter in a row.
	StateFailing State = "failing"
	// StateFailed: FailAfter failures in a row, a panic or a crash, or a
	// built-in took over. A later successful call makes it healthy again.
	StateFailed State = "failed"
	// StateClosed: the module was unloaded.
	StateClosed State = "closed"
)

func states() [4]State { return [...]State{StateHealthy, StateFailing, StateFailed, StateClosed} }

// Options configure a Decorator.
type Options struct {
	// Metrics to count in; nil counts only for Status.
	Metrics *Metrics
	// Logger for state changes; nil is slog.Default().
	Logger *slog.Logger
	// Policy overrides PolicyFor(spec.Kind).
	Policy *Policy
	// Now is the clock of LastErrorTime (tests); nil is time.Now.
	Now func() time.Time
}

// Decorator holds what the decorators know of one module instance: its
// policy, metrics, state and last error. Its methods are safe for
// concurrent use.
type Decorator struct {
	spec   modules.Spec
	policy Policy
	m      *Metrics
	log    *slog.Logger
	now    func() time.Time
	labels prometheus.Labels

	methods sync.Map // method name -> *methodStats

	calls, errors, rejected atomic.Uint64

	mu          sync.Mutex
	state       State
	consecutive int
	lastErr     string
	lastErrAt   time.Time
	fallback    string
}

// methodStats are one method's metric handles and counts.
type methodStats struct {
	calls   prometheus.Counter
	latency prometheus.Observer
	errs    map[Class]prometheus.Counter
	n, nerr atomic.Uint64
}

// New returns the decorator of the module spec describes (its Kind set).
func New(spec modules.Spec, opts Options) *Decorator {
	d := &Decorator{spec: spec, m: opts.Metrics, log: opts.Logger, now: opts.Now, state: StateHealthy}
	if opts.Policy != nil {
		d.policy = *opts.Policy
	} else {
		d.policy = PolicyFor(spec.Kind)
	}
	if d.policy.FailAfter < 1 {
		d.policy.FailAfter = 1
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	d.log = d.log.With("module", spec.Name, "library", spec.Library, "kind", string(spec.Kind), "runtime", string(spec.Runtime))
	if d.now == nil {
		d.now = time.Now
	}
	d.labels = prometheus.Labels{
		"library": spec.Library, "module": spec.Name, "kind": string(spec.Kind), "runtime": string(spec.Runtime),
	}
	d.setStateGauge(StateHealthy)
	return d
}

// Spec is the module's spec.
func (d *Decorator) Spec() modules.Spec { return d.spec }

// Policy is the module's policy.
func (d *Decorator) Policy() Policy { return d.policy }

// Logger logs with the module's name, library, kind and runtime.
func (d *Decorator) Logger() *slog.Logger { return d.log }

// method returns the stats of a method, creating its metric series the
// first time (every failure class at 0, so rates work from the start).
func (d *Decorator) method(name string) *methodStats {
	if ms, ok := d.methods.Load(name); ok {
		return ms.(*methodStats)
	}
	ms := &methodStats{}
	if d.m != nil {
		l := d.withLabels("method", name)
		ms.calls = d.m.calls.With(l)
		ms.latency = d.m.latency.With(l)
		ms.errs = map[Class]prometheus.Counter{}
		for _, c := range failureClasses() {
			ms.errs[c] = d.m.errors.With(d.withLabels("method", name, "class", string(c)))
		}
	}
	actual, _ := d.methods.LoadOrStore(name, ms)
	return actual.(*methodStats)
}

func (d *Decorator) withLabels(kv ...string) prometheus.Labels {
	l := make(prometheus.Labels, len(d.labels)+len(kv)/2)
	for k, v := range d.labels {
		l[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return l
}

// succeeded records a successful call's effect on the state.
func (d *Decorator) succeeded() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.consecutive = 0
	if d.state == StateHealthy || d.state == StateClosed || d.fallback != "" {
		return
	}
	d.log.Info("module recovered", "was", string(d.state))
	d.setState(StateHealthy)
}

// failed records a failure: counts, last error and state.
func (d *Decorator) failed(ms *methodStats, class Class, err error) {
	d.errors.Add(1)
	ms.nerr.Add(1)
	if c := ms.errs[class]; c != nil {
		c.Inc()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lastErr, d.lastErrAt = err.Error(), d.now()
	d.consecutive++
	next := StateFailing
	if d.consecutive >= d.policy.FailAfter || class == ClassPanic || class == ClassCrash {
		next = StateFailed
	}
	if d.state == StateClosed || d.state == next || d.state == StateFailed {
		return
	}
	if next == StateFailed {
		d.log.Error("module failed", "error", err, "class", string(class), "failures_in_a_row", d.consecutive,
			"policy", string(d.policy.OnFailure))
	} else {
		d.log.Warn("module failing", "error", err, "class", string(class), "policy", string(d.policy.OnFailure))
	}
	d.setState(next)
}

// setState changes the state; d.mu is held.
func (d *Decorator) setState(s State) {
	d.state = s
	d.setStateGauge(s)
}

func (d *Decorator) setStateGauge(s State) {
	if d.m == nil {
		return
	}
	for _, st := range states() {
		v := 0.0
		if st == s {
			v = 1
		}
		d.m.state.With(d.withLabels("state", string(st))).Set(v)
	}
}

// SetFallback records that the built-in called name has taken over from
// the module (the module is failed until SetFallback("") hands back).
func (d *Decorator) SetFallback(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fallback == name {
		return
	}
	d.fallback = name
	if name != "" {
		if d.m != nil {
			d.m.fallbacks.With(d.labels).Inc()
		}
		d.setState(StateFailed)
		return
	}
	d.consecutive = 0
	d.setState(StateHealthy)
}

// Closed records that the module was unloaded.
func (d *Decorator) Closed() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.setState(StateClosed)
}
