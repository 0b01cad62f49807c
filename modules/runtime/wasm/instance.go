package wasm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unsafe"

	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"google.golang.org/protobuf/proto"
)

// keepBuffer is the largest request buffer an instance keeps between
// calls; larger ones are given back after the call.
const keepBuffer = 1 << 20

// instance is one instantiation of a module. It serves one call at a
// time (the pool hands it to one caller).
type instance struct {
	m      *module
	mod    api.Module
	mem    api.Memory
	stderr *guestLog

	abiVersion, info, alloc, free, init, call api.Function
	// wd ends calls at their deadline (only before they start when the
	// module is not instrumented: Config.Uninterruptible).
	wd *watchdog

	stack [3]uint64
	// The request buffer the host owns in guest memory (0: none).
	buf, bufCap uint32
}

// instantiate creates an instance: it runs the reactor's _initialize
// (the guest's package initialization), under the watchdog like any
// call, and looks up the ABI's exports.
func (m *module) instantiate(ctx context.Context) (*instance, error) {
	stderr := newGuestLog(m.log, "stderr", slog.LevelWarn)
	cfg := m.config.WithName("").
		WithStartFunctions(). // _initialize is called below, under the watchdog
		WithStdout(newGuestLog(m.log, "stdout", slog.LevelInfo)).
		WithStderr(stderr)
	if alloc := newMemoryAllocator(); alloc != nil {
		ctx = experimental.WithMemoryAllocator(ctx, alloc)
	}
	mod, err := m.rt.InstantiateModule(ctx, m.code, cfg)
	if err != nil {
		msg := "instantiating"
		if t := stderr.tail(); t != "" {
			msg += " (stderr: " + t + ")"
		}
		return nil, fmt.Errorf("%s: %w", msg, err)
	}
	in := &instance{
		m: m, mod: mod, stderr: stderr,
		mem:        mod.ExportedMemory(abi.ExportMemory),
		abiVersion: mod.ExportedFunction(abi.ExportABIVersion),
		info:       mod.ExportedFunction(abi.ExportInfo),
		alloc:      mod.ExportedFunction(abi.ExportAlloc),
		free:       mod.ExportedFunction(abi.ExportFree),
		init:       mod.ExportedFunction(abi.ExportInit),
	}
	if m.kind.export != "" { // known once the first instance has said
		in.call = mod.ExportedFunction(m.kind.export)
	}
	in.wd = newWatchdog()
	if initialize := mod.ExportedFunction(abi.ExportInitialize); initialize != nil {
		if _, err := in.invoke(ctx, startTimeout, initialize); err != nil {
			in.close()
			return nil, failure(in, abi.ExportInitialize, startTimeout.String(), err)
		}
	}
	return in, nil
}

// close ends the instance; safe on a closed one.
func (in *instance) close() {
	_ = in.mod.Close(context.Background())
}

// invoke calls fn with args, for at most limit (less if ctx ends first),
// and returns its result (0 if none).
func (in *instance) invoke(ctx context.Context, limit time.Duration, fn api.Function, args ...uint64) (uint64, error) {
	stack := in.stack[:max(len(args), 1)]
	copy(stack, args)
	if err := in.wd.call(ctx, limit, fn, stack); err != nil {
		return 0, err
	}
	return stack[0], nil
}

// exchange sends req to export fn (a call with method, or gomesos_init
// when method is initMethod) and returns the response bytes, status
// first. They are a view of guest memory: valid until the next call into
// the instance.
func (in *instance) exchange(ctx context.Context, limit time.Duration, fn api.Function, method uint32, req proto.Message) ([]byte, error) {
	size := proto.Size(req)
	ptr, err := in.buffer(ctx, limit, uint32(size))
	if err != nil {
		return nil, err
	}
	view, ok := in.mem.Read(ptr, uint32(size))
	if !ok {
		return nil, fmt.Errorf("%w: gomesos_alloc returned %d, outside memory", ErrProtocol, ptr)
	}
	out, err := marshalOpts.MarshalAppend(view[:0], req)
	switch {
	case err != nil:
		return nil, &encodeError{err}
	case len(out) != size:
		return nil, &encodeError{fmt.Errorf("size changed from %d to %d (request modified concurrently?)", size, len(out))}
	case size > 0 && unsafe.SliceData(out) != unsafe.SliceData(view):
		copy(view, out)
	}
	var res uint64
	if method == initMethod {
		res, err = in.invoke(ctx, limit, fn, uint64(ptr), uint64(size))
	} else {
		res, err = in.invoke(ctx, limit, fn, uint64(method), uint64(ptr), uint64(size))
	}
	if err != nil {
		return nil, err
	}
	if in.bufCap > keepBuffer {
		// Not released when the caller's context ended just now: the
		// buffer is kept, and released by the next call.
		var ns *notStartedError
		if err := in.release(ctx, limit); err != nil && !errors.As(err, &ns) {
			return nil, err
		}
	}
	return in.response(res)
}

// Requests and responses may lack proto2 required fields, as they may
// when the module is built in: the ABI must not refuse what the Go
// interface accepts.
var (
	marshalOpts   = proto.MarshalOptions{AllowPartial: true, UseCachedSize: true}
	unmarshalOpts = proto.UnmarshalOptions{AllowPartial: true}
)

// encodeError is a request that could not be encoded: the instance was
// not called and is fine.
type encodeError struct{ err error }

func (e *encodeError) Error() string { return "encoding request: " + e.err.Error() }
func (e *encodeError) Unwrap() error { return e.err }

// initMethod tells exchange to call gomesos_init, which takes no method.
const initMethod = 0

// response returns the guest memory a packed (ptr, len) result points to.
func (in *instance) response(res uint64) ([]byte, error) {
	ptr, n := abi.Unpack(res)
	if n == 0 {
		return nil, fmt.Errorf("%w: empty response", ErrProtocol)
	}
	b, ok := in.mem.Read(ptr, n)
	if !ok {
		return nil, fmt.Errorf("%w: response [%d, +%d) outside memory of %d bytes", ErrProtocol, ptr, n, in.mem.Size())
	}
	return b, nil
}

// buffer returns a host-owned guest buffer of at least size bytes,
// reusing the last one when it is large enough.
func (in *instance) buffer(ctx context.Context, limit time.Duration, size uint32) (uint32, error) {
	if in.buf != 0 && size <= in.bufCap {
		return in.buf, nil
	}
	if err := in.release(ctx, limit); err != nil {
		return 0, err
	}
	want := max(size, 4096)
	ptr, err := in.invoke(ctx, limit, in.alloc, uint64(want))
	if err != nil {
		return 0, err
	}
	if ptr == 0 {
		return 0, fmt.Errorf("%w: gomesos_alloc(%d) returned 0", ErrProtocol, want)
	}
	in.buf, in.bufCap = uint32(ptr), want
	return in.buf, nil
}

// release gives the request buffer back to the guest.
func (in *instance) release(ctx context.Context, limit time.Duration) error {
	if in.buf == 0 {
		return nil
	}
	ptr := in.buf
	in.buf, in.bufCap = 0, 0
	_, err := in.invoke(ctx, limit, in.free, uint64(ptr))
	return err
}

// atMemoryLimit reports whether the instance's memory has reached its
// limit (within a page), which explains most crashes of Go guests that
// allocate too much.
func (in *instance) atMemoryLimit() bool {
	return in.pages()+1 >= in.m.limitPages
}

// pages is the size of the instance's memory in 64 KiB pages.
func (in *instance) pages() uint32 {
	if in.mem == nil {
		return 0
	}
	return uint32(uint64(in.mem.Size()) / 65536)
}
