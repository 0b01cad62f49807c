package decorate

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/containerlogger"
)

// NewContainerLogger decorates a container logger module whose decorator
// is d: every call runs under Call, and Prepare's answer is held to the
// contract's rules (containerlogger.Check: both streams set, each an
// absolute PATH or FORWARD); an answer that breaks them is rejected and
// the call fails with ClassRejected. The kind's failure policy,
// propagate, is the containerizer's: a failed Prepare fails the
// container's launch; a failed Write drops that chunk.
func NewContainerLogger(d *Decorator, l containerlogger.ContainerLogger) containerlogger.ContainerLogger {
	return &loggerModule{d: d, l: l}
}

type loggerModule struct {
	d *Decorator
	l containerlogger.ContainerLogger
}

func (w *loggerModule) Recover(ctx context.Context, req *containerlogger.RecoverRequest) (*containerlogger.RecoverResponse, error) {
	return Call(ctx, w.d, "Recover", func(ctx context.Context) (*containerlogger.RecoverResponse, error) {
		return w.l.Recover(ctx, req)
	})
}

func (w *loggerModule) Prepare(ctx context.Context, req *containerlogger.PrepareRequest) (*containerlogger.PrepareResponse, error) {
	resp, err := Call(ctx, w.d, "Prepare", func(ctx context.Context) (*containerlogger.PrepareResponse, error) {
		return w.l.Prepare(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	if err := containerlogger.Check(resp); err != nil {
		return nil, w.d.Reject("Prepare", "invalid IO", err)
	}
	return resp, nil
}

func (w *loggerModule) Write(ctx context.Context, req *containerlogger.WriteRequest) (*containerlogger.WriteResponse, error) {
	return Call(ctx, w.d, "Write", func(ctx context.Context) (*containerlogger.WriteResponse, error) {
		return w.l.Write(ctx, req)
	})
}

func (w *loggerModule) Close(ctx context.Context, req *containerlogger.CloseRequest) (*containerlogger.CloseResponse, error) {
	return Call(ctx, w.d, "Close", func(ctx context.Context) (*containerlogger.CloseResponse, error) {
		return w.l.Close(ctx, req)
	})
}
