package plugin

import (
	"context"
	"fmt"
)

// State is where a plugin module's process is in its life.
type State int

const (
	// StateStarting: being loaded.
	StateStarting State = iota
	// StateRunning: calls go to the process.
	StateRunning
	// StateRestarting: the process crashed (or was killed for failing a
	// call) and is being restarted; calls fail at once with
	// modules.ErrCrashed.
	StateRestarting
	// StateFailed: it crashed RestartPolicy.MaxCrashes times in a row and
	// is not restarted any more; calls fail with modules.ErrCrashed.
	StateFailed
	// StateClosed: the instance was closed and its process stopped.
	StateClosed
	// StateDetached: the daemon let go of the process, which keeps
	// running for the next daemon to reattach to.
	StateDetached
)

func (s State) String() string {
	switch s {
	case StateStarting:
		return "starting"
	case StateRunning:
		return "running"
	case StateRestarting:
		return "restarting"
	case StateFailed:
		return "failed"
	case StateClosed:
		return "closed"
	case StateDetached:
		return "detached"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is a snapshot of a plugin module's process.
type Status struct {
	State State
	// PID of the current process (0 when none).
	PID int
	// APIVersion agreed with the module.
	APIVersion int
	// Restarts since the module was loaded; Crashes in a row since the
	// last run that stayed up RestartPolicy.StableAfter.
	Restarts, Crashes int
	// LastError is why the process last went away (nil if it never did).
	LastError error
	// Reattached: the process was started by an earlier daemon.
	Reattached bool
}

// Supervised is implemented by the Impl of every instance this runtime
// loads: the decorators and /modules read the module's process state.
type Supervised interface {
	PluginStatus() Status
}

// Detacher is implemented by the Impl of instances whose process may
// outlive the daemon (isolators, when Options.StateDir is set). Detach
// lets go of the process without stopping it, so that the next daemon
// reattaches to it; Close, by contrast, stops it.
type Detacher interface {
	Detach(ctx context.Context) error
}
