package master

import (
	"fmt"
	"strings"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// counters are the master's own counts, behind /metrics/snapshot
// (metrics_snapshot.go). Like all master state they belong to the loop.
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

	// named are counters kept under their Mesos metric name
	// ("master/slave_registrations", "master/task_lost/source_master/...").
	named map[string]int64
}

// inc adds one to the counter of that Mesos metric name.
func (c *counters) inc(name string) {
	if c.named == nil {
		c.named = map[string]int64{}
	}
	c.named[name]++
}

// taskTerminated counts a task's first terminal state, as Mesos does:
// master/tasks_<state>, and master/task_<state>/source_<source>/reason_<reason>
// when the status has a reason. The names use Mesos's internal (v0) enum
// names, so reasons say "slave" where the v1 API says "agent".
func (c *counters) taskTerminated(state mesospb.TaskState, status *mesospb.TaskStatus) {
	name := strings.ToLower(strings.TrimPrefix(state.String(), "TASK_"))
	c.inc("master/tasks_" + name)
	if status.Reason == nil {
		return
	}
	source := strings.ToLower(strings.TrimPrefix(status.GetSource().String(), "SOURCE_"))
	reason := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(status.GetReason().String(), "REASON_"), "AGENT", "SLAVE"))
	c.inc("master/task_" + name + "/source_" + source + "/reason_" + reason)
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
