// Package loglevel is a daemon's runtime logging verbosity, what Mesos's
// GET_LOGGING_LEVEL and SET_LOGGING_LEVEL operator calls read and change
// (glog's FLAGS_v): 0 is the level the daemon was started with, and each
// step above it lets one more level of detail through, for a while.
package loglevel

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Verbosity is the current level. It is atomic because the handler reads
// it from every goroutine that logs.
type Verbosity struct {
	v atomic.Uint32

	mu     sync.Mutex
	revert *time.Timer // the pending return to 0 of the last SetFor
}

// Level is the current verbosity.
func (v *Verbosity) Level() uint32 { return v.v.Load() }

// Set changes it until further notice.
func (v *Verbosity) Set(n uint32) { v.v.Store(n) }

// SetFor is SET_LOGGING_LEVEL: level holds for d, then the verbosity goes
// back to 0, as Mesos's Logging::set_level does. A later call replaces an
// earlier one and its revert; level 0 needs none. reverted, if not nil,
// runs after a revert (to log it).
func (v *Verbosity) SetFor(level uint32, d time.Duration, reverted func()) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.revert != nil {
		v.revert.Stop()
		v.revert = nil
	}
	v.v.Store(level)
	if level == 0 {
		return
	}
	var t *time.Timer
	t = time.AfterFunc(d, func() {
		v.mu.Lock()
		current := v.revert == t
		if current {
			v.v.Store(0)
			v.revert = nil
		}
		v.mu.Unlock()
		if current && reverted != nil {
			reverted()
		}
	})
	v.revert = t
}

// handler lets records through the verbosity: at 0 the wrapped handler
// decides alone (the --logging_level it was built with); at v > 0,
// records down to INFO-4v pass too (v=1 is slog's DEBUG). Records passed
// on are handled by the wrapped handler without asking it again.
type handler struct {
	inner slog.Handler
	v     *Verbosity
}

// NewHandler wraps inner with the verbosity v.
func NewHandler(inner slog.Handler, v *Verbosity) slog.Handler {
	return &handler{inner: inner, v: v}
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool {
	if h.inner.Enabled(ctx, l) {
		return true
	}
	v := h.v.Level()
	return v > 0 && l >= slog.LevelInfo-slog.Level(4*min(v, 8))
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &handler{inner: h.inner.WithAttrs(attrs), v: h.v}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{inner: h.inner.WithGroup(name), v: h.v}
}
