package wasm

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/gomesos/mesos/modules/runtime/wasm/interrupt"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// runtimes holds the wazero runtimes of a Loader, one per memory limit
// (the limit is a runtime setting), and in each the modules compiled so
// far by content: loading a .wasm file again (a second spec naming it, a
// module restarted after it failed) only instantiates it. Compiled
// modules are kept until the Loader closes.
type runtimes struct {
	mu  sync.Mutex
	rts map[uint32]*sharedRuntime
}

type sharedRuntime struct {
	rt    wazero.Runtime
	wasi  *once // WASI's host module, instantiated on first need
	yield *once // the host module of instrumented modules' yield, likewise
	code  map[[sha256.Size]byte]*once
}

// once is a result computed by the first caller, which later callers wait
// for.
type once struct {
	ready chan struct{}
	code  wazero.CompiledModule
	err   error
}

// get returns the runtime for modules limited to limitPages.
func (r *runtimes) get(newRuntime func() wazero.Runtime, limitPages uint32) *sharedRuntime {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rts == nil {
		r.rts = map[uint32]*sharedRuntime{}
	}
	sr := r.rts[limitPages]
	if sr == nil {
		sr = &sharedRuntime{rt: newRuntime(), code: map[[sha256.Size]byte]*once{}}
		r.rts[limitPages] = sr
	}
	return sr
}

// compile returns the module whose original SHA-256 is sum compiled in
// sr, compiling what prepare returns (the module, instrumented or not) if
// no load did before.
func (r *runtimes) compile(ctx context.Context, sr *sharedRuntime, sum [sha256.Size]byte, prepare func() ([]byte, error)) (wazero.CompiledModule, error) {
	r.mu.Lock()
	c, found := sr.code[sum]
	if !found {
		c = &once{ready: make(chan struct{})}
		sr.code[sum] = c
	}
	r.mu.Unlock()
	if !found {
		wasm, err := prepare()
		if err == nil {
			c.code, err = sr.rt.CompileModule(ctx, wasm)
		}
		if err != nil {
			c.err = fmt.Errorf("compiling: %w", err)
			r.mu.Lock()
			delete(sr.code, sum) // a later load may try again
			r.mu.Unlock()
		}
		close(c.ready)
	}
	return c.wait(ctx)
}

// instantiateWASI makes WASI available in sr, once.
func (r *runtimes) instantiateWASI(ctx context.Context, sr *sharedRuntime) error {
	return r.instantiateOnce(ctx, &sr.wasi, "WASI", func(ctx context.Context) error {
		_, err := wasi_snapshot_preview1.Instantiate(ctx, sr.rt)
		return err
	})
}

// instantiateYield makes the yield of instrumented modules (package
// interrupt) available in sr, once.
func (r *runtimes) instantiateYield(ctx context.Context, sr *sharedRuntime) error {
	return r.instantiateOnce(ctx, &sr.yield, "the host's "+interrupt.ImportModule+" module", func(ctx context.Context) error {
		_, err := sr.rt.NewHostModuleBuilder(interrupt.ImportModule).NewFunctionBuilder().
			WithGoFunction(api.GoFunc(yield), nil, []api.ValueType{api.ValueTypeI32}).
			Export(interrupt.ImportName).
			Instantiate(ctx)
		return err
	})
}

// instantiateOnce runs instantiate the first time it is called with slot
// (a field of a sharedRuntime), and waits for that first run otherwise.
func (r *runtimes) instantiateOnce(ctx context.Context, slot **once, what string, instantiate func(context.Context) error) error {
	r.mu.Lock()
	o, found := *slot, *slot != nil
	if !found {
		o = &once{ready: make(chan struct{})}
		*slot = o
	}
	r.mu.Unlock()
	if !found {
		if err := instantiate(context.WithoutCancel(ctx)); err != nil {
			o.err = fmt.Errorf("instantiating %s: %w", what, err)
		}
		close(o.ready)
	}
	_, err := o.wait(ctx)
	return err
}

func (o *once) wait(ctx context.Context) (wazero.CompiledModule, error) {
	select {
	case <-o.ready:
		return o.code, o.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// close closes every runtime and what was compiled in it.
func (r *runtimes) close(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, sr := range r.rts {
		errs = append(errs, sr.rt.Close(ctx))
	}
	r.rts = nil
	return errors.Join(errs...)
}
