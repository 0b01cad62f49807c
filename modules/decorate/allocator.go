package decorate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// AllocatorOptions configure the decorated allocator's fallback.
type AllocatorOptions struct {
	// Fallback is the built-in allocator that takes over when the module
	// fails (HierarchicalDRF). It is Initialized afresh every time it
	// takes over, so it must reset itself in Initialize (HierarchicalDRF
	// does). Nil: no fallback; failures reach the master.
	Fallback allocator.Allocator
	// FallbackName names it in logs and /modules ("HierarchicalDRF").
	FallbackName string
	// FallbackParameters are the built-in's own parameters.
	FallbackParameters map[string]string
	// Snapshot returns the master's current state as allocator events
	// (see docs/MODULES.md): AgentAdded for every agent, with what is
	// allocated on it (offered or used) in used; FrameworkAdded for every
	// framework with its suppressed roles; QuotaUpdated, WeightsUpdated,
	// WhitelistUpdated as currently set. The allocator taking over starts
	// from it, so nothing is offered twice. Called from within Allocate,
	// on the caller's goroutine. Required with Fallback.
	Snapshot func(ctx context.Context) ([]*allocator.Event, error)
	// RetryAfter, when positive, gives the module another chance after
	// that long on the fallback: it is Initialized and fed the snapshot,
	// and takes over again if that works. Zero: the fallback serves until
	// the master restarts.
	RetryAfter time.Duration
	// Now is the clock for RetryAfter (tests); nil is time.Now.
	Now func() time.Time
}

// Allocator is an allocator module under the decorators, with the
// allocator kind's failure policy: the first failed call (error, timeout,
// panic, crash) hands over to the built-in fallback, loudly, once.
type Allocator struct {
	d      *Decorator
	module allocator.Allocator
	opts   AllocatorOptions
	log    *slog.Logger

	mu sync.Mutex
	// init is the master's InitializeRequest, replayed to whoever takes
	// over.
	init *allocator.InitializeRequest
	// onFallback: the fallback serves; fallbackReady: it is in step
	// with the master (initialized and fed a snapshot).
	onFallback, fallbackReady bool
	since                     time.Time
	// fromModule: the module produced the last response (for Reject).
	fromModule bool
}

var _ allocator.Allocator = (*Allocator)(nil)

// NewAllocator decorates module, an allocator module whose decorator is d.
func NewAllocator(d *Decorator, module allocator.Allocator, opts AllocatorOptions) (*Allocator, error) {
	if opts.Fallback != nil && opts.Snapshot == nil {
		return nil, errors.New("decorate: an allocator fallback needs the master's Snapshot")
	}
	if opts.FallbackName == "" {
		opts.FallbackName = "built-in allocator"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Allocator{d: d, module: module, opts: opts, log: d.Logger()}, nil
}

// Initialize initializes the module (with its manifest parameters), or the
// fallback if the module fails.
func (a *Allocator) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.init = proto.CloneOf(req)
	resp, err := Call(ctx, a.d, "Initialize", func(ctx context.Context) (*allocator.InitializeResponse, error) {
		return a.module.Initialize(ctx, a.request(a.d.Spec().Parameters))
	})
	if err == nil || !a.canFallBack(err) {
		return resp, err
	}
	a.fallBack(err)
	// Nothing has happened yet: initializing is all it takes to be in step.
	resp, ferr := a.opts.Fallback.Initialize(ctx, a.request(a.opts.FallbackParameters))
	if ferr != nil {
		return nil, fmt.Errorf("%w; and the built-in %s failed to initialize: %v", err, a.opts.FallbackName, ferr)
	}
	a.fallbackReady = true
	return resp, nil
}

// Allocate runs a cycle on the module, or on the fallback once the module
// has failed.
func (a *Allocator) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.onFallback {
		if resp, ok := a.retryModule(ctx, req); ok {
			return resp, nil
		}
		return a.allocateFallback(ctx, req)
	}
	resp, err := Call(ctx, a.d, "Allocate", func(ctx context.Context) (*allocator.AllocateResponse, error) {
		return a.module.Allocate(ctx, req)
	})
	if err == nil || !a.canFallBack(err) {
		a.fromModule = err == nil
		return resp, err
	}
	a.fallBack(err)
	return a.allocateFallback(ctx, req)
}

// Reject counts an allocation of the last response that the master
// refused (reason: the guard's reason) against the module, if the module
// made it.
func (a *Allocator) Reject(reason string, err error) {
	a.mu.Lock()
	fromModule := a.fromModule
	a.mu.Unlock()
	if fromModule {
		a.d.Reject("Allocate", reason, err)
	}
}

// OnFallback reports whether the built-in is serving.
func (a *Allocator) OnFallback() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.onFallback
}

func (a *Allocator) canFallBack(err error) bool {
	return a.opts.Fallback != nil && ClassOf(err) != ClassCanceled
}

// fallBack switches to the fallback and says so, loudly, once.
func (a *Allocator) fallBack(err error) {
	a.log.Error(fmt.Sprintf("allocator module %s failed; falling back to built-in %s", a.d.Spec().Name, a.opts.FallbackName),
		"error", err, "retry_after", a.opts.RetryAfter)
	a.d.SetFallback(a.opts.FallbackName)
	a.onFallback, a.fallbackReady, a.fromModule = true, false, false
	a.since = a.opts.Now()
}

// allocateFallback runs the cycle on the fallback, first bringing it in
// step with the master if it is not.
func (a *Allocator) allocateFallback(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	a.fromModule = false
	if a.fallbackReady {
		return a.opts.Fallback.Allocate(ctx, req)
	}
	resp, err := a.resync(ctx, a.opts.Fallback, a.opts.FallbackParameters, req, func(ctx context.Context, fn func(context.Context) (*allocator.AllocateResponse, error)) (*allocator.AllocateResponse, error) {
		return fn(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("built-in %s taking over from allocator module %s: %w", a.opts.FallbackName, a.d.Spec().Name, err)
	}
	a.fallbackReady = true
	return resp, nil
}

// retryModule gives the module its chance back when RetryAfter has
// passed.
func (a *Allocator) retryModule(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, bool) {
	now := a.opts.Now()
	if a.opts.RetryAfter <= 0 || now.Sub(a.since) < a.opts.RetryAfter {
		return nil, false
	}
	a.since = now
	resp, err := a.resync(ctx, a.module, a.d.Spec().Parameters, req, func(ctx context.Context, fn func(context.Context) (*allocator.AllocateResponse, error)) (*allocator.AllocateResponse, error) {
		return Call(ctx, a.d, "Allocate", fn)
	})
	if err != nil {
		a.log.Warn(fmt.Sprintf("allocator module %s still failing; built-in %s keeps serving", a.d.Spec().Name, a.opts.FallbackName),
			"error", err, "retry_after", a.opts.RetryAfter)
		return nil, false
	}
	a.log.Warn(fmt.Sprintf("allocator module %s recovered; switching back from built-in %s", a.d.Spec().Name, a.opts.FallbackName))
	a.d.SetFallback("")
	a.onFallback, a.fallbackReady, a.fromModule = false, false, true
	return resp, true
}

// resync brings target in step with the master: Initialize with the
// master's request (and target's parameters), then one Allocate with the
// master's snapshot in place of req's events (the snapshot already holds
// their effect), through call.
func (a *Allocator) resync(ctx context.Context, target allocator.Allocator, params map[string]string, req *allocator.AllocateRequest,
	call func(context.Context, func(context.Context) (*allocator.AllocateResponse, error)) (*allocator.AllocateResponse, error),
) (*allocator.AllocateResponse, error) {
	if a.init == nil {
		return nil, errors.New("Allocate before Initialize")
	}
	init := a.request(params)
	// Not a master failover: every agent the master knows is in the
	// snapshot, so there is no one to wait for.
	init.ExpectedAgentCount = 0
	if target == a.module {
		if _, err := Call(ctx, a.d, "Initialize", func(ctx context.Context) (*allocator.InitializeResponse, error) {
			return target.Initialize(ctx, init)
		}); err != nil {
			return nil, err
		}
	} else if _, err := target.Initialize(ctx, init); err != nil {
		return nil, fmt.Errorf("initialize: %w", err)
	}
	events, err := a.opts.Snapshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("master snapshot: %w", err)
	}
	snap := &allocator.AllocateRequest{Events: events, Allocate: req.GetAllocate(), NowUnixNanos: req.GetNowUnixNanos()}
	return call(ctx, func(ctx context.Context) (*allocator.AllocateResponse, error) {
		return target.Allocate(ctx, snap)
	})
}

// request is the master's InitializeRequest with the given module
// parameters (unless the master set some itself).
func (a *Allocator) request(params map[string]string) *allocator.InitializeRequest {
	r := proto.CloneOf(a.init)
	if len(r.GetParameters()) == 0 && len(params) > 0 {
		r.Parameters = maps.Clone(params)
	}
	return r
}
