package master

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gomesos/mesos/core/proto/masterpb"
)

// verbosity is the master's logging verbosity, Mesos's glog FLAGS_v: 0 is
// the level the daemon was started with, and each step above it lets one
// more level of detail through. GET_LOGGING_LEVEL reads it and
// SET_LOGGING_LEVEL raises it for a while. It is atomic because the
// logger's handler reads it from every goroutine that logs.
type verbosity struct{ v atomic.Uint32 }

func (v *verbosity) get() uint32  { return v.v.Load() }
func (v *verbosity) set(n uint32) { v.v.Store(n) }

// levelHandler lets the master's records through its verbosity: at 0 the
// wrapped handler decides alone (the --logging_level it was built with); at
// v > 0, records down to INFO-4v pass too (v=1 is slog's DEBUG). Records
// passed on are handled by the wrapped handler without asking it again.
type levelHandler struct {
	inner slog.Handler
	v     *verbosity
}

func newLevelHandler(inner slog.Handler, v *verbosity) slog.Handler {
	return &levelHandler{inner: inner, v: v}
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if h.inner.Enabled(ctx, l) {
		return true
	}
	v := h.v.get()
	return v > 0 && l >= slog.LevelInfo-slog.Level(4*min(v, 8))
}

func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(ctx, r)
}

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelHandler{inner: h.inner.WithAttrs(attrs), v: h.v}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{inner: h.inner.WithGroup(name), v: h.v}
}

// setLoggingLevel is SET_LOGGING_LEVEL: the new verbosity holds for
// duration, then the master goes back to 0, as Mesos's Logging::set_level
// does. A later call replaces an earlier one and its revert timer.
func (m *Master) setLoggingLevel(s *masterpb.Call_SetLoggingLevel) {
	level := s.GetLevel()
	d := time.Duration(s.GetDuration().GetNanoseconds())
	m.verbosity.set(level)
	m.verbosityGen++
	gen := m.verbosityGen
	m.log.Info("logging verbosity changed", "level", level, "duration", d)
	if level == 0 {
		return
	}
	m.afterFunc(d, func() {
		if m.verbosityGen == gen {
			m.verbosity.set(0)
			m.log.Info("logging verbosity reverted", "level", 0)
		}
	})
}
