package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// serveCall serves one call: it gets the configured implementation and
// runs the call under call.
func serveCall[T, Req, Resp any](ctx context.Context, impl *slot[T], method string, req *Req,
	f func(T, context.Context, *Req) (*Resp, error)) (*Resp, error) {
	m, err := impl.get()
	if err != nil {
		return nil, err
	}
	return call(ctx, method, func() (*Resp, error) { return f(m, ctx, req) })
}

// call runs one call of a module: a panic becomes an Internal error (and
// is logged with its stack), an error becomes a gRPC status carrying its
// message, and a nil response an empty one.
func call[R any](ctx context.Context, method string, f func() (*R, error)) (resp *R, err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("module panicked", "method", method, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp, err = nil, status.Errorf(codes.Internal, "module panicked in %s: %v", method, p)
		}
	}()
	resp, err = f()
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	if resp == nil {
		resp = new(R)
	}
	return resp, nil
}

// toStatus turns a module's error into a gRPC status error.
func toStatus(ctx context.Context, err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil:
		return status.Error(codes.DeadlineExceeded, err.Error())
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return status.Error(codes.Canceled, err.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}
