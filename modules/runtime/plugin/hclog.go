package plugin

import (
	"context"
	"io"
	"log"
	"log/slog"

	"github.com/hashicorp/go-hclog"
)

// hclogAdapter hands go-plugin's own log to slog, one level lower than
// go-plugin gives it (what matters, crashes and restarts, the supervisor
// logs itself). The logger go-plugin names after the plugin's executable
// is switched off: go-plugin would parse the plugin's stderr with it,
// trusting the JSON it finds there; pluginOutput parses it instead.
type hclogAdapter struct {
	l       *slog.Logger
	name    string
	args    []any
	off     bool
	offName string
}

var _ hclog.Logger = (*hclogAdapter)(nil)

func newHCLogger(l *slog.Logger, stderrName string) *hclogAdapter {
	return &hclogAdapter{l: l, name: "go-plugin", offName: stderrName}
}

func (h *hclogAdapter) Log(level hclog.Level, msg string, args ...any) {
	if h.off {
		return
	}
	var sl slog.Level
	switch level {
	case hclog.Error:
		sl = slog.LevelWarn
	case hclog.Warn:
		sl = slog.LevelInfo
	default:
		sl = slog.LevelDebug
	}
	if !h.l.Enabled(context.Background(), sl) {
		return
	}
	attrs := append([]any{"logger", h.name}, h.args...)
	h.l.Log(context.Background(), sl, msg, append(attrs, args...)...)
}

func (h *hclogAdapter) Trace(msg string, args ...any) { h.Log(hclog.Trace, msg, args...) }
func (h *hclogAdapter) Debug(msg string, args ...any) { h.Log(hclog.Debug, msg, args...) }
func (h *hclogAdapter) Info(msg string, args ...any)  { h.Log(hclog.Info, msg, args...) }
func (h *hclogAdapter) Warn(msg string, args ...any)  { h.Log(hclog.Warn, msg, args...) }
func (h *hclogAdapter) Error(msg string, args ...any) { h.Log(hclog.Error, msg, args...) }

func (h *hclogAdapter) IsTrace() bool { return false }
func (h *hclogAdapter) IsDebug() bool {
	return !h.off && h.l.Enabled(context.Background(), slog.LevelDebug)
}
func (h *hclogAdapter) IsInfo() bool  { return !h.off }
func (h *hclogAdapter) IsWarn() bool  { return !h.off }
func (h *hclogAdapter) IsError() bool { return !h.off }

func (h *hclogAdapter) ImpliedArgs() []any { return h.args }

func (h *hclogAdapter) With(args ...any) hclog.Logger {
	c := *h
	c.args = append(append([]any{}, h.args...), args...)
	return &c
}

func (h *hclogAdapter) Name() string { return h.name }

func (h *hclogAdapter) Named(name string) hclog.Logger {
	c := *h
	c.name = h.name + "." + name
	c.off = h.off || name == h.offName
	return &c
}

func (h *hclogAdapter) ResetNamed(name string) hclog.Logger {
	c := *h
	c.name = name
	c.off = name == h.offName
	return &c
}

func (h *hclogAdapter) SetLevel(hclog.Level) {}

func (h *hclogAdapter) GetLevel() hclog.Level {
	if h.off {
		return hclog.Off
	}
	return hclog.Debug
}

func (h *hclogAdapter) StandardLogger(*hclog.StandardLoggerOptions) *log.Logger {
	return log.New(h.StandardWriter(nil), "", 0)
}

func (h *hclogAdapter) StandardWriter(*hclog.StandardLoggerOptions) io.Writer {
	return &lineWriter{emit: func(line string) { h.Info(line) }}
}
