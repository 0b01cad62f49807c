package wasm

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestGuestLog(t *testing.T) {
	var buf bytes.Buffer
	g := newGuestLog(slog.New(slog.NewTextHandler(&buf, nil)), "stderr", slog.LevelWarn)
	g.Write([]byte("first line\npanic: bo"))
	g.Write([]byte("om\n\ngoroutine 1 [running]:\n"))
	g.Write([]byte(strings.Repeat("x", 3*guestLineMax) + "\n"))
	if got := g.tail(); got != "panic: boom" {
		t.Errorf("tail %q, want the crash line", got)
	}
	out := buf.String()
	for _, want := range []string{`msg="first line"`, `msg="panic: boom"`, "stream=stderr", "level=WARN"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, strings.Repeat("x", guestLineMax+1)) {
		t.Error("a long line was not cut")
	}

	buf.Reset()
	g = newGuestLog(slog.New(slog.NewTextHandler(&buf, nil)), "stdout", slog.LevelInfo)
	for range guestLogBudget / 10 {
		g.Write([]byte("0123456789abcdef\n"))
	}
	if n := strings.Count(buf.String(), "0123456789"); n > guestLogBudget/16+1 {
		t.Errorf("%d lines logged, over the budget", n)
	}
	if !strings.Contains(buf.String(), "over budget") {
		t.Error("dropping lines was not logged")
	}
	if got := g.tail(); !strings.HasSuffix(got, "0123456789abcdef") || len(got) > guestTailMax {
		t.Errorf("tail %q: want the end of the stream, at most %d bytes", got, guestTailMax)
	}
}
