package zk

import "context"

// Call runs fn, a go-zookeeper call (which cannot be cancelled), and
// returns its result, or ctx's error as soon as ctx ends. A call abandoned
// that way still completes in the background and its result is dropped,
// so fn must not be a write whose outcome the caller needs to know.
func Call[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
