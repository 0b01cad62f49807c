package loglevel

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestVerbosityLetsDetailThrough(t *testing.T) {
	var buf bytes.Buffer
	var v Verbosity
	log := slog.New(NewHandler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}), &v)).With("component", "x")
	log.Debug("hidden at 0")
	log.Info("shown at 0")
	v.Set(1)
	log.Debug("shown at 1")
	log.Log(context.Background(), slog.LevelDebug-4, "hidden at 1")
	v.Set(2)
	log.Log(context.Background(), slog.LevelDebug-4, "shown at 2")
	v.Set(0)
	log.Debug("hidden again")
	out := buf.String()
	for _, s := range []string{"shown at 0", "shown at 1", "shown at 2", "component=x"} {
		if !strings.Contains(out, s) {
			t.Errorf("missing %q in %q", s, out)
		}
	}
	for _, s := range []string{"hidden"} {
		if strings.Contains(out, s) {
			t.Errorf("unexpected %q in %q", s, out)
		}
	}
}
