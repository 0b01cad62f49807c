package wasm

import (
	"context"
	"sync"
	"time"

	"github.com/tetratelabs/wazero/api"
)

// cancelPoll is how often the watchdog checks the caller's context while
// a call runs: a call the caller cancels stops within about this long.
// (Its deadline is watched exactly.)
const cancelPoll = 10 * time.Millisecond

// watchdog bounds an instance's running call. By default (byContext) it
// only gives the call's context the call's limit, and wazero's
// WithCloseOnContextDone stops the guest when that context ends. For an
// instrumented module (experimental: Config.instrumentDeadlines) it sets
// the interrupt flag that the module checks at every loop iteration and
// function entry (package interrupt); the guest then traps and the
// instance is discarded.
//
// A call costs a clock read and two uncontended locks: the instance's
// one timer is set only when it is not already set to fire early enough,
// so a module called often resets it about once per cancelPoll or per
// timeout, not per call. When it fires it checks the call running then
// (the call number, deadline and context are under mu): a timer set for
// an earlier call does nothing to a later one that is still within its
// deadline, and a timer that finds the instance idle stops.
type watchdog struct {
	flag api.MutableGlobal // nil: the module is not instrumented
	// byContext: with no flag, bound each call's context by its limit,
	// for wazero's WithCloseOnContextDone to enforce.
	byContext bool
	epoch     time.Time // monotonic clock origin of the nanosecond times below
	timer     *time.Timer

	mu       sync.Mutex
	running  bool
	ctx      context.Context // the running call's caller
	deadline int64           // ns since epoch
	limit    time.Duration
	cause    error // why the running call was interrupted; nil if it was not
	timerAt  int64 // when the timer fires, ns since epoch; 0: not set
}

func newWatchdog(flag api.MutableGlobal, byContext bool) *watchdog {
	w := &watchdog{flag: flag, byContext: byContext, epoch: time.Now()}
	if flag != nil {
		w.timer = time.AfterFunc(time.Hour, w.fire)
		w.timer.Stop()
	}
	return w
}

// stop stops the timer of an instance that is closed.
func (w *watchdog) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

func (w *watchdog) now() int64 { return int64(time.Since(w.epoch)) }

// call calls fn with stack under the watchdog: for at most limit, less
// if ctx's deadline comes first, and until ctx ends. If it interrupted
// the call, it returns an *interruptedError whatever the call returned
// (a trap, for an instrumented module).
func (w *watchdog) call(ctx context.Context, limit time.Duration, fn api.Function, stack []uint64) error {
	if err := ctx.Err(); err != nil {
		return err // not started: the instance is fine
	}
	if w.flag == nil {
		if w.byContext {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, limit)
			defer cancel()
		}
		return fn.CallWithStack(ctx, stack)
	}
	now := w.now()
	if d, ok := ctx.Deadline(); ok {
		if left := time.Until(d); left < limit {
			limit = max(left, 0)
		}
	}
	w.mu.Lock()
	w.running, w.ctx, w.cause = true, ctx, nil
	w.deadline, w.limit = now+int64(limit), limit
	w.scheduleLocked(now)
	w.mu.Unlock()

	err := fn.CallWithStack(ctx, stack)

	w.mu.Lock()
	cause, limit := w.cause, w.limit
	w.running, w.ctx, w.cause = false, nil, nil
	if cause != nil {
		// Set, whether or not the guest saw it: clear it for the next
		// call (nothing runs in the instance now).
		w.flag.Set(0)
	}
	w.mu.Unlock()
	if cause != nil && err != nil {
		return &interruptedError{cause: cause, limit: limit, err: err}
	}
	return err
}

// scheduleLocked makes sure the timer fires by the running call's
// deadline, and within cancelPoll if its context can be canceled.
func (w *watchdog) scheduleLocked(now int64) {
	at := w.deadline
	if w.ctx.Done() != nil {
		at = min(at, now+int64(cancelPoll))
	}
	if w.timerAt != 0 && w.timerAt <= at {
		return // it fires early enough
	}
	w.timerAt = at
	w.timer.Reset(time.Duration(at - now))
}

// fire is the timer's function.
func (w *watchdog) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.timerAt = 0
	if !w.running || w.cause != nil {
		return // idle, or already interrupted: the next call sets the timer
	}
	now := w.now()
	switch {
	case now >= w.deadline:
		w.interruptLocked(context.DeadlineExceeded)
	case w.ctx.Err() != nil:
		w.interruptLocked(w.ctx.Err())
	default:
		w.scheduleLocked(now)
	}
}

func (w *watchdog) interruptLocked(cause error) {
	w.cause = cause
	w.flag.Set(1)
}

// interruptedError is a call the watchdog stopped.
type interruptedError struct {
	cause error // context.DeadlineExceeded or context.Canceled
	limit time.Duration
	err   error // what the call returned (the trap)
}

func (e *interruptedError) Error() string {
	return "interrupted (" + e.cause.Error() + " after " + e.limit.String() + "): " + e.err.Error()
}

func (e *interruptedError) Unwrap() error { return e.cause }
