package wasm

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
)

// Limits on what a guest may write to its stdout or stderr.
const (
	guestLineMax   = 1024     // longer lines are cut
	guestLogBudget = 64 << 10 // bytes logged per instance and stream
	guestTailMax   = 512      // end of stderr kept for errors
)

// crashPrefixes start the lines the Go runtime writes when a guest dies;
// the first such line is what errors quote.
var crashPrefixes = [][]byte{[]byte("panic: "), []byte("fatal error: "), []byte("runtime: out of memory")}

// guestLog turns what an instance writes to a stream into log lines
// tagged with the module, within a budget, and keeps the end of it for
// error messages.
type guestLog struct {
	log    *slog.Logger
	level  slog.Level
	stream string

	mu      sync.Mutex
	line    []byte
	logged  int
	dropped bool
	last    []byte // the end of the stream, at most guestTailMax bytes
	crash   string // the first line naming a crash
}

func newGuestLog(log *slog.Logger, stream string, level slog.Level) *guestLog {
	return &guestLog{log: log, stream: stream, level: level}
}

// Write implements io.Writer for WASI's fd_write.
func (g *guestLog) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last = append(g.last, p...)
	if over := len(g.last) - guestTailMax; over > 0 {
		g.last = append(g.last[:0], g.last[over:]...)
	}
	rest := p
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			g.line = appendCut(g.line, rest)
			break
		}
		g.line = appendCut(g.line, rest[:i])
		g.emit()
		rest = rest[i+1:]
	}
	return len(p), nil
}

func appendCut(line, p []byte) []byte {
	room := guestLineMax - len(line)
	if room <= 0 {
		return line
	}
	return append(line, p[:min(room, len(p))]...)
}

func (g *guestLog) emit() {
	defer func() { g.line = g.line[:0] }()
	if g.crash == "" {
		for _, p := range crashPrefixes {
			if bytes.HasPrefix(g.line, p) {
				g.crash = string(g.line)
			}
		}
	}
	if g.logged >= guestLogBudget {
		if !g.dropped {
			g.dropped = true
			g.log.Warn("wasm module output over budget: further lines dropped", "stream", g.stream)
		}
		return
	}
	g.logged += len(g.line)
	g.log.Log(context.Background(), g.level, string(g.line), "stream", g.stream)
}

// tail returns, for an error message, the line in which the guest's
// runtime reported a crash, or else the end of what was written.
func (g *guestLog) tail() string {
	if g == nil {
		return ""
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.crash != "" {
		return g.crash
	}
	return string(bytes.TrimSpace(g.last))
}
