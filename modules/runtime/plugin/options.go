package plugin

import (
	"log/slog"
	"time"
)

// Options configure the plugin runtime.
type Options struct {
	// Logger receives the runtime's log and every plugin's output, each
	// line with the module's name. Default: slog.Default().
	Logger *slog.Logger
	// StateDir is where the runtime keeps what lets a restarted daemon
	// reattach to plugins that outlive it (isolators): their reattach
	// records, sockets and logs. The agent gives a directory under its
	// work_dir. Empty: every plugin is stopped with the daemon.
	StateDir string
	// StartTimeout bounds one start of a plugin: process start, handshake
	// and configuration. Default 10s.
	StartTimeout time.Duration
	// Restart is what happens when a plugin crashes.
	Restart RestartPolicy
}

// RestartPolicy is how crashed plugins are restarted: after an
// exponential backoff from Initial to Max, until MaxCrashes crashes in a
// row (restarts that did not stay up StableAfter) mark the module failed
// for good.
type RestartPolicy struct {
	Initial, Max time.Duration // defaults 250ms, 30s
	MaxCrashes   int           // default 5; negative: never restart
	StableAfter  time.Duration // default 1m
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 10 * time.Second
	}
	if o.Restart.Initial <= 0 {
		o.Restart.Initial = 250 * time.Millisecond
	}
	if o.Restart.Max <= 0 {
		o.Restart.Max = 30 * time.Second
	}
	if o.Restart.MaxCrashes == 0 {
		o.Restart.MaxCrashes = 5
	}
	if o.Restart.StableAfter <= 0 {
		o.Restart.StableAfter = time.Minute
	}
	return o
}

// backoff is the wait before the attempt-th restart in a row (from 1).
func (p RestartPolicy) backoff(attempt int) time.Duration {
	d := p.Initial
	for i := 1; i < attempt && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}
