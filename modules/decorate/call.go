package decorate

import (
	"context"
	"errors"
	"runtime/debug"
	"time"

	"github.com/gomesos/mesos/modules"
)

// Call calls fn, a call of method on d's module, under the decorators:
// the deadline, panic containment, metrics, state and classification. A
// failure comes back as a *CallError naming the module and method. fn
// gets the context with the deadline and must honour it: runtimes do
// (gRPC deadlines, wazero closing the module when the context ends), and
// built-ins must, since Call does not abandon a call that overruns.
func Call[T any](ctx context.Context, d *Decorator, method string, fn func(context.Context) (T, error)) (T, error) {
	ms := d.method(method)
	timeout := d.policy.timeout(method, d.spec.CallTimeout)
	cctx, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, timeout)
	}
	start := time.Now()
	res, err := protect(cctx, fn)
	elapsed := time.Since(start)
	deadlineHit := errors.Is(cctx.Err(), context.DeadlineExceeded)
	cancel()

	d.calls.Add(1)
	ms.n.Add(1)
	if ms.calls != nil {
		ms.calls.Inc()
		ms.latency.Observe(elapsed.Seconds())
	}
	if err == nil {
		d.succeeded()
		return res, nil
	}
	ce := &CallError{Module: d.spec.ID(), Kind: d.spec.Kind, Method: method, Err: err}
	var pe *PanicError
	switch {
	case errors.As(err, &pe):
		ce.Class = ClassPanic
		d.log.Error("module panicked", "method", method, "panic", pe.Value, "stack", string(pe.Stack))
	case ctx.Err() != nil:
		ce.Class = ClassCanceled
	case deadlineHit:
		// Runtimes kill what overran (and say modules.ErrCrashed too):
		// the cause is the deadline.
		ce.Class, ce.Timeout = ClassTimeout, timeout
	case errors.Is(err, modules.ErrCrashed):
		ce.Class = ClassCrash
	default:
		ce.Class = ClassError
	}
	if ce.Class != ClassCanceled {
		d.failed(ms, ce.Class, ce)
	}
	var zero T
	return zero, ce
}

// protect calls fn, turning a panic into a *PanicError.
func protect[T any](ctx context.Context, fn func(context.Context) (T, error)) (res T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			res, err = zero, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return fn(ctx)
}

// Reject records that the core refused what the module returned from
// method (reason: a short, fixed phrase for the metric label, such as
// "invalid resources"; err: the details). It counts as a failure of the
// module, and the returned *CallError is what the caller reports.
func (d *Decorator) Reject(method, reason string, err error) error {
	ms := d.method(method)
	d.rejected.Add(1)
	if d.m != nil {
		d.m.rejected.With(d.withLabels("method", method, "reason", reason)).Inc()
	}
	ce := &CallError{Module: d.spec.ID(), Kind: d.spec.Kind, Method: method, Class: ClassRejected, Err: err}
	d.failed(ms, ClassRejected, ce)
	return ce
}
