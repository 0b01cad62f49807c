package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"sync"
)

// maxLine bounds a logged line of plugin output; longer lines are cut.
const maxLine = 64 << 10

// lineWriter cuts a byte stream into lines.
type lineWriter struct {
	mu   sync.Mutex
	buf  []byte
	emit func(line string)
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			if len(w.buf) >= maxLine {
				w.emit(string(w.buf[:maxLine]))
				w.buf = w.buf[:0]
			}
			break
		}
		w.buf = append(w.buf, p[:i]...)
		p = p[i+1:]
		line := w.buf
		if len(line) > maxLine {
			line = line[:maxLine]
		}
		w.emit(string(bytes.TrimRight(line, "\r")))
		w.buf = w.buf[:0]
	}
	return n, nil
}

// pluginOutput logs what a plugin process writes to its stderr (and,
// through go-plugin's stdio stream, to its stdout and stderr once it is
// serving): JSON lines in hclog's format (what the SDK writes) at their
// level with their attributes, anything else as text, a panic's stack at
// error level. It keeps the last lines for error messages.
type pluginOutput struct {
	log *slog.Logger

	mu      sync.Mutex
	tail    []string
	inPanic bool
}

const tailLines = 8

func newPluginOutput(log *slog.Logger) *pluginOutput { return &pluginOutput{log: log} }

// stderr is the writer of the process's own stderr.
func (o *pluginOutput) stderr() *lineWriter {
	return &lineWriter{emit: func(line string) { o.line("stderr", line) }}
}

// stream is the writer of go-plugin's stdio stream (os.Stdout and
// os.Stderr of the plugin once it is serving).
func (o *pluginOutput) stream(name string) *lineWriter {
	return &lineWriter{emit: func(line string) { o.line(name, line) }}
}

func (o *pluginOutput) line(stream, line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	level, msg, attrs, isLog := parseLogLine(line)
	o.mu.Lock()
	if isLog {
		o.remember(msg)
	} else {
		o.remember(line)
	}
	if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
		o.inPanic = true
	}
	inPanic := o.inPanic
	o.mu.Unlock()

	if isLog {
		o.log.Log(context.Background(), level, msg, attrs...)
		return
	}
	level = slog.LevelInfo
	if inPanic {
		level = slog.LevelError
	}
	o.log.Log(context.Background(), level, line, "stream", stream)
}

// remember keeps line among the last ones; o.mu is held.
func (o *pluginOutput) remember(line string) {
	o.tail = append(o.tail, line)
	if len(o.tail) > tailLines {
		o.tail = o.tail[len(o.tail)-tailLines:]
	}
}

// lastLines are the last lines the plugin wrote, for error messages.
func (o *pluginOutput) lastLines() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return strings.Join(o.tail, " | ")
}

// parseLogLine reads one JSON log line in hclog's format. Anything that
// is not exactly that (a JSON value of another shape included) is not a
// log line.
func parseLogLine(line string) (slog.Level, string, []any, bool) {
	if !strings.HasPrefix(line, "{") {
		return 0, "", nil, false
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		return 0, "", nil, false
	}
	msg, ok1 := m["@message"].(string)
	lvl, ok2 := m["@level"].(string)
	if !ok1 || !ok2 {
		return 0, "", nil, false
	}
	var level slog.Level
	switch strings.ToLower(lvl) {
	case "trace", "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return 0, "", nil, false
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		switch k {
		case "@message", "@level", "@timestamp", "@caller":
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	attrs := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		name := strings.TrimPrefix(k, "@")
		if name == "module" {
			// hclog's logger name; "module" is the host's (library/name).
			name = "logger"
		}
		attrs = append(attrs, name, m[k])
	}
	return level, msg, attrs, true
}
