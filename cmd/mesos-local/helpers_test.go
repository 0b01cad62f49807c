package main

import (
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestLauncherDirHelpers runs tasks with the helper programs that make
// build installs (given with --launcher_dir): a command task is then three
// processes, the mesos-executor binary (its own supervisor), sh and the
// command, and none of them is the agent's binary.
func TestLauncherDirHelpers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the helper programs")
	}
	c := startBenchCluster(t, buildHelpers(t))
	if r := c.runTasks(t, "quick", "true", 4, 4, mesospb.TaskState_TASK_FINISHED); r.failed != 0 || len(r.toFinished) != 4 {
		t.Fatalf("%d of 4 tasks failed, %d finished", r.failed, len(r.toFinished))
	}
	const n = 2
	c.runTasks(t, "long", "sleep 600", n, n, mesospb.TaskState_TASK_RUNNING)
	time.Sleep(200 * time.Millisecond) // the commands exec sleep
	_, count, byName := descendantsRSSByName()
	if count != 3*n || byName["mesos-executor"] == 0 || byName["sleep"] == 0 {
		t.Errorf("%d processes below this one (%v), want %d: mesos-executor, sh and sleep per task", count, byName, 3*n)
	}
	for name := range byName {
		if name != "mesos-executor" && name != "sh" && name != "sleep" {
			t.Errorf("unexpected process %q below the agent", name)
		}
	}
	for i := 0; i < n; i++ {
		_ = c.s.Call(c.ctx, &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{
			TaskId: &mesospb.TaskID{Value: proto.String(fmt.Sprintf("long-%d", i))}}})
	}
	waitTerminal(t, c, n)
}
