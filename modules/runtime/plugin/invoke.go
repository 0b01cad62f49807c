package plugin

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/gomesos/mesos/modules"
)

// pingTimeout bounds the health check that tells a slow module from a
// dead or wedged process.
const pingTimeout = time.Second

// timeout is the deadline of a call to method (0: none): the manifest's
// call_timeout, else the kind's, none for calls that block by design.
func (s *supervisor) timeout(method string) time.Duration {
	switch k := s.ln.kind; {
	case k.unbounded(method):
		return 0
	case s.ln.spec.CallTimeout > 0:
		return s.ln.spec.CallTimeout
	default:
		return k.policy.Timeout
	}
}

// invoke makes one call to the module's process. While the process is
// being restarted it fails at once with modules.ErrCrashed, except for
// the kind's calls that wait through restarts.
func invoke[Resp any](ctx context.Context, s *supervisor, method string, f func(context.Context, *grpc.ClientConn) (Resp, error)) (Resp, error) {
	wait := s.ln.kind.waitsThrough(method)
	for {
		var p *proc
		var err error
		if wait {
			p, err = s.waitRunning(ctx)
		} else {
			p, err = s.acquire()
		}
		if err != nil {
			var zero Resp
			return zero, fmt.Errorf("module %s: %s: %w", s.id, method, err)
		}
		resp, err := invokeOn(ctx, s, p, method, s.timeout(method), f)
		if err != nil && wait && errors.Is(err, modules.ErrCrashed) && ctx.Err() == nil {
			continue
		}
		return resp, err
	}
}

// invokeOn makes one call to process p under timeout (0: none).
func invokeOn[Resp any](ctx context.Context, s *supervisor, p *proc, method string, timeout time.Duration,
	f func(context.Context, *grpc.ClientConn) (Resp, error)) (Resp, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	resp, err := f(ctx, p.cc)
	if err != nil {
		var zero Resp
		return zero, fmt.Errorf("module %s: %s: %w", s.id, method, s.callFailed(ctx, p, err))
	}
	return resp, nil
}

// callFailed sorts out a failed call. A process that is gone, a broken
// connection, a reply that does not decode (garbage) and a panic in the
// module (other internal errors than an invalid reply the plugin could
// not encode) mean the process is unusable: it is killed (the supervisor
// restarts it) and the error wraps modules.ErrCrashed. A call past its
// deadline is the module's fault if the process still answers a health
// check, else the process is wedged and killed. Other errors are the
// module's answer. For kinds whose state a failed call leaves unknown
// (the allocator), the process is restarted whatever the failure.
func (s *supervisor) callFailed(ctx context.Context, p *proc, err error) error {
	code := status.Code(err)
	dead := p.done.Err() != nil
	switch {
	case code == codes.Internal && strings.Contains(err.Error(), "error while marshaling") && !dead:
		// The module's reply is invalid (a required field unset): its
		// fault, the process is fine.
		if s.ln.kind.restartOnError {
			s.fail(p, err)
		}
		return &moduleError{st: status.New(codes.Internal, "invalid reply from the module: "+status.Convert(err).Message())}
	case dead || code == codes.Unavailable || code == codes.Internal || code == codes.DataLoss:
		s.fail(p, err)
		return fmt.Errorf("%w: %w", modules.ErrCrashed, err)
	case code == codes.DeadlineExceeded:
		if s.ln.kind.restartOnError || !ping(p) {
			s.fail(p, err)
			return fmt.Errorf("%w: %w: %w", modules.ErrCrashed, context.DeadlineExceeded, err)
		}
		return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	case code == codes.Canceled && ctx.Err() != nil:
		if s.ln.kind.restartOnError {
			s.fail(p, err)
		}
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	if s.ln.kind.restartOnError {
		s.fail(p, err)
	}
	return &moduleError{st: status.Convert(err)}
}

// ping reports whether the process answers go-plugin's health check.
func ping(p *proc) bool {
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	_, err := grpc_health_v1.NewHealthClient(p.cc).Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: goplugin.GRPCServiceName})
	return err == nil
}

// moduleError is an error the module returned: its message, with the
// gRPC status kept for status.Code.
type moduleError struct{ st *status.Status }

func (e *moduleError) Error() string              { return e.st.Message() }
func (e *moduleError) GRPCStatus() *status.Status { return e.st }

// Is lets errors.Is(err, context.Canceled) and DeadlineExceeded hold for
// a module that returned them.
func (e *moduleError) Is(target error) bool {
	switch e.st.Code() {
	case codes.Canceled:
		return target == context.Canceled
	case codes.DeadlineExceeded:
		return target == context.DeadlineExceeded
	}
	return false
}
