package plugin

import (
	"io"
	"log/slog"
	"os"
	"strings"
)

// hclogTime is the timestamp format go-plugin hosts parse.
const hclogTime = "2006-01-02T15:04:05.000000Z07:00"

// newLogger writes JSON lines with hclog's keys (@timestamp, @level,
// @message), which the host parses into its own log at the same level.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: hclogKeys}))
}

func hclogKeys(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.TimeKey:
		return slog.String("@timestamp", a.Value.Time().Format(hclogTime))
	case slog.LevelKey:
		l, _ := a.Value.Any().(slog.Level)
		return slog.String("@level", levelName(l))
	case slog.MessageKey:
		return slog.String("@message", a.Value.String())
	}
	return a
}

func levelName(l slog.Level) string {
	switch {
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warn"
	}
	return "error"
}

func parseLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug", "trace":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// logOutput is where the plugin logs: stderr, which the host reads; for a
// detached plugin also the log file, since its stderr dies with the host
// that started it.
func logOutput(detached bool, file string, stderr io.Writer) (io.Writer, error) {
	if !detached || file == "" {
		return stderr, nil
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	return teeWriter{f, stderr}, nil
}

// teeWriter writes to the log file and, as long as it works, to stderr.
type teeWriter struct {
	file   io.Writer
	stderr io.Writer
}

func (t teeWriter) Write(p []byte) (int, error) {
	_, _ = t.stderr.Write(p)
	return t.file.Write(p)
}
