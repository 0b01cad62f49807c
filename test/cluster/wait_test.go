package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// stopError ends a wait at once: the condition can no longer come true (a
// daemon exited, say).
type stopError struct{ error }

func (e stopError) Unwrap() error { return e.error }

// stop makes err end a wait.
func stop(err error) error { return stopError{err} }

func isStop(err error) bool {
	var s stopError
	return errors.As(err, &s)
}

// waitFor polls check every interval until it reports done, returns an
// error made by stop, timeout passes or ctx ends. check's progress
// (what it saw last) goes into the timeout's error, so that a wait that
// fails says what it was waiting for and what it saw instead.
func waitFor(ctx context.Context, timeout, interval time.Duration, what string, check func(context.Context) (done bool, progress string, err error)) (time.Duration, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := "nothing yet"
	for {
		done, progress, err := check(ctx)
		if err != nil && isStop(err) {
			return time.Since(start), err
		}
		if done {
			return time.Since(start), nil
		}
		if progress != "" {
			last = progress
		}
		if err != nil {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return time.Since(start), fmt.Errorf("%s: not within %s; last seen: %s", what, timeout, last)
		case <-time.After(interval):
		}
	}
}
