package executors

import (
	"log/slog"
	"time"

	"github.com/gomesos/mesos/core/proto/executorlitepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// unacknowledger is the client of either executor (client, Client).
type unacknowledger interface{ Unacknowledged() int }

// readyToExit says whether an executor whose tasks are over may exit, and
// with which code: once the agent acknowledged every update, or at once
// (code 1) when the client gave up on the agent, or after a minute (the
// recovery timeout when checkpointing) with updates still
// unacknowledged. doneAt is when the work was first seen over.
func readyToExit(doneAt *time.Time, client unacknowledger, env Env, clientGone bool, log *slog.Logger) (int, bool) {
	if clientGone {
		return 1, true
	}
	if doneAt.IsZero() {
		*doneAt = time.Now()
	}
	if client.Unacknowledged() == 0 {
		return 0, true
	}
	limit := time.Minute
	if env.Checkpoint {
		limit = env.RecoveryTimeout
	}
	if time.Since(*doneAt) > limit {
		log.Warn("exiting with unacknowledged updates", "count", client.Unacknowledged())
		return 0, true
	}
	return 0, false
}

// hasCapability reports whether the framework declared the capability
// (the docker executor's full FrameworkInfo).
func hasCapability(fw *mesospb.FrameworkInfo, c mesospb.FrameworkInfo_Capability_Type) bool {
	for _, have := range fw.GetCapabilities() {
		if have.GetType() == c {
			return true
		}
	}
	return false
}

// liteHasCapability is hasCapability for the command and default
// executors' FrameworkInfo.
func liteHasCapability(fw *executorlitepb.FrameworkInfo, c executorlitepb.FrameworkInfo_Capability_Type) bool {
	for _, have := range fw.GetCapabilities() {
		if have.GetType() == c {
			return true
		}
	}
	return false
}
