package master

import (
	"fmt"
	"time"
)

// counters are the master's own counts, behind /metrics/snapshot.
type counters struct {
	allocationRuns         int64
	allocatorErrors        int64
	allocationsRejected    int64
	lastAllocationDuration time.Duration
	offersSent             int64
	offersRescinded        int64
	offersDeclined         int64
	offersAccepted         int64
	statusUpdates          int64
	frameworkMessages      int64
	tasksLaunched          int64
	tasksInvalid           int64
	validSchedulerCalls    int64
	invalidSchedulerCalls  int64
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
