package cmdutil

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/gomesos/mesos/core/flags"
)

func TestLoggerLevels(t *testing.T) {
	tests := []struct {
		logging Logging
		enabled []slog.Level
		off     []slog.Level
	}{
		{Logging{LoggingLevel: "INFO"}, []slog.Level{slog.LevelInfo, slog.LevelError}, []slog.Level{slog.LevelDebug}},
		{Logging{LoggingLevel: "WARNING"}, []slog.Level{slog.LevelWarn}, []slog.Level{slog.LevelInfo}},
		{Logging{LoggingLevel: "ERROR"}, []slog.Level{slog.LevelError}, []slog.Level{slog.LevelWarn}},
		{Logging{LoggingLevel: "INFO", Quiet: true}, nil, []slog.Level{slog.LevelError}},
	}
	for _, tc := range tests {
		l := tc.logging.Logger(&bytes.Buffer{})
		for _, lv := range tc.enabled {
			if !l.Enabled(context.Background(), lv) {
				t.Errorf("%+v: level %v disabled", tc.logging, lv)
			}
		}
		for _, lv := range tc.off {
			if l.Enabled(context.Background(), lv) {
				t.Errorf("%+v: level %v enabled", tc.logging, lv)
			}
		}
	}
}

func TestLoggingFlags(t *testing.T) {
	fs := flags.NewFlagSet("x")
	var l Logging
	AddLogging(fs, &l)
	var stdout, stderr bytes.Buffer
	code, done := Load(fs, flags.Sources{Args: []string{"--logging_level=DEBUG"}}, &stdout, &stderr)
	if !done || code != ExitFailure || !strings.Contains(stderr.String(), "'DEBUG' is not a valid logging level") {
		t.Errorf("code %d done %v stderr %q", code, done, stderr.String())
	}
}

func TestLoadPrintsWarningsWithError(t *testing.T) {
	fs := flags.NewFlagSet("x")
	fs.SetEnvPrefix(EnvPrefix)
	fs.Int(new(int), "port", "", 1)
	var stdout, stderr bytes.Buffer
	code, done := Load(fs, flags.Sources{Env: []string{"MESOS_PORT=x", "MESOS_APORT=1"}}, &stdout, &stderr)
	if !done || code != ExitFailure {
		t.Fatalf("code %d done %v", code, done)
	}
	if !strings.Contains(stderr.String(), "x: warning: Ignoring environment variable MESOS_APORT") {
		t.Errorf("stderr %q lacks the warning", stderr.String())
	}
}

func TestChecks(t *testing.T) {
	for port, ok := range map[int]bool{0: true, 5050: true, 65535: true, 65536: false, -1: false} {
		if err := CheckPort(port); (err == nil) != ok {
			t.Errorf("CheckPort(%d) = %v", port, err)
		}
	}
	v := "b"
	if err := OneOf(&v, "x", "a", "b")(); err != nil {
		t.Error(err)
	}
	v = "c"
	if err := OneOf(&v, "x", "a", "b")(); err == nil || !strings.Contains(err.Error(), "'c' is not a valid value for --x") {
		t.Errorf("OneOf: %v", err)
	}
}
