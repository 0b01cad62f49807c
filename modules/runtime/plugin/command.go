package plugin

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"strconv"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/plugin/wire"
)

// command is the plugin process to start, with commandEnv.
func command(path string, spec modules.Spec, kind modules.Kind, level slog.Level, extraEnv ...string) *exec.Cmd {
	cmd := exec.Command(path, spec.Args...)
	cmd.Env = append(commandEnv(spec, kind, level), extraEnv...)
	return cmd
}

// commandEnv is the daemon's environment plus the manifest's "env"
// (which wins), plus what tells the plugin which module to serve and how.
func commandEnv(spec modules.Spec, kind modules.Kind, level slog.Level) []string {
	env := os.Environ()
	env = append(env, spec.Env...)
	name := "info"
	if level < slog.LevelInfo {
		name = "debug"
	}
	return append(env,
		wire.EnvLibrary+"="+spec.Library,
		wire.EnvModule+"="+spec.Name,
		wire.EnvKind+"="+string(kind),
		wire.EnvLogLevel+"="+name,
		wire.EnvHostPID+"="+strconv.Itoa(os.Getpid()),
	)
}

// logLevel is the lowest level l logs at, for the plugin to match.
func logLevel(l *slog.Logger) slog.Level {
	if l.Enabled(context.Background(), slog.LevelDebug) {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}
