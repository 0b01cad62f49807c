package wasm

import (
	"context"
	"errors"
	"time"

	"github.com/gomesos/mesos/modules/runtime/wasm/interrupt"
	"github.com/tetratelabs/wazero/api"
)

// watchdog bounds an instance's calls. An instrumented guest (package
// interrupt) calls the host's yield every interrupt.Fuel loop iterations
// and function entries; yield finds the running call's watchdog in the
// context wazero hands it and ends the call once the call's deadline has
// passed or its caller's context has ended. Nothing runs beside the call:
// no timer, no goroutine, no lock (yield runs on the calling goroutine,
// inside the call), so a call costs a clock read. An uninstrumented
// module (Config.Uninterruptible) never yields: its deadline is checked
// only before it starts.
type watchdog struct {
	epoch    time.Time // monotonic clock origin of deadline
	cc       callContext
	deadline int64 // ns since epoch
	cause    error // why the running call was ended; nil if it was not
}

func newWatchdog() *watchdog {
	w := &watchdog{epoch: time.Now()}
	w.cc.wd = w
	return w
}

func (w *watchdog) now() int64 { return int64(time.Since(w.epoch)) }

// call calls fn with stack under the watchdog: for at most limit, less
// if ctx's deadline comes first, and until ctx ends. If it ended the
// call, it returns an *interruptedError whatever the call returned.
func (w *watchdog) call(ctx context.Context, limit time.Duration, fn api.Function, stack []uint64) error {
	if err := ctx.Err(); err != nil {
		return &notStartedError{err} // the instance is fine
	}
	if d, ok := ctx.Deadline(); ok {
		if left := time.Until(d); left < limit {
			limit = max(left, 0)
		}
	}
	w.deadline, w.cause = w.now()+int64(limit), nil
	w.cc.Context = ctx
	err := fn.CallWithStack(&w.cc, stack)
	w.cc.Context = nil // keep nothing of the caller's
	if w.cause != nil {
		return &interruptedError{cause: w.cause, limit: limit, err: err}
	}
	return err
}

// yield is the host function instrumented guests import
// (interrupt.ImportModule, interrupt.ImportName): [] -> [i32 fuel].
func yield(ctx context.Context, stack []uint64) {
	if w, ok := ctx.Value(watchdogKey{}).(*watchdog); ok && w.cc.Context != nil {
		if w.now() >= w.deadline {
			w.cause = context.DeadlineExceeded
		} else if err := w.cc.Context.Err(); err != nil {
			w.cause = err
		}
		if w.cause != nil {
			// wazero turns a host function's panic into the call's error,
			// unwinding the guest; the instance is thrown away after.
			panic(errInterrupted)
		}
	}
	stack[0] = interrupt.Fuel
}

var errInterrupted = errors.New("interrupted by the host")

// watchdogKey finds the running call's watchdog in the context yield
// gets.
type watchdogKey struct{}

// callContext is the context of a call into the instance: the caller's,
// with the watchdog as a value. It lives in the watchdog, so that a call
// allocates no context.
type callContext struct {
	context.Context
	wd *watchdog
}

func (c *callContext) Value(key any) any {
	if key == (watchdogKey{}) {
		return c.wd
	}
	return c.Context.Value(key)
}

// notStartedError is a call not made because its caller's context had
// already ended (a deadline can pass between taking an instance from the
// pool and calling into it): the instance is untouched and may be used
// again.
type notStartedError struct{ err error }

func (e *notStartedError) Error() string { return e.err.Error() }
func (e *notStartedError) Unwrap() error { return e.err }

// interruptedError is a call the watchdog stopped.
type interruptedError struct {
	cause error // context.DeadlineExceeded or context.Canceled
	limit time.Duration
	err   error // what the call returned
}

func (e *interruptedError) Error() string {
	return "interrupted (" + e.cause.Error() + " after " + e.limit.String() + "): " + e.err.Error()
}

func (e *interruptedError) Unwrap() error { return e.cause }
