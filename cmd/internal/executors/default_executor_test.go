package executors

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// These tests hold the default executor to Mesos 1.x's
// src/launcher/default_executor.cpp: the updates of a task group's
// tasks, and the rule that a task ending TASK_FAILED or TASK_KILLED
// kills the rest of its group (and only its group).

func launchGroupEvent(tasks ...*mesospb.TaskInfo) *executorpb.Event {
	return &executorpb.Event{Type: executorpb.Event_LAUNCH_GROUP.Enum(), LaunchGroup: &executorpb.Event_LaunchGroup{
		TaskGroup: &mesospb.TaskGroupInfo{Tasks: tasks},
	}}
}

// terminalStates collects updates until n tasks ended and returns each
// task's terminal status.
func terminalStates(t *testing.T, f *fakeAgent, n int) map[string]*mesospb.TaskStatus {
	t.Helper()
	final := map[string]*mesospb.TaskStatus{}
	for len(final) < n {
		st := f.next(t)
		switch st.GetState() {
		case mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_KILLED, mesospb.TaskState_TASK_FINISHED:
			if final[st.GetTaskId().GetValue()] != nil {
				t.Fatalf("second terminal update for %s: %s", st.GetTaskId().GetValue(), st.GetState())
			}
			final[st.GetTaskId().GetValue()] = st
		}
	}
	return final
}

func waitExit(t *testing.T, code <-chan int) {
	t.Helper()
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("executor did not exit after its tasks ended")
	}
}

// A task that exits 0 on SIGTERM was still killed: Mesos's default
// executor tests `killing` before the exit status and reports
// TASK_KILLED; TASK_KILLED then takes the rest of the group down.
func TestDefaultExecutorKilledTaskThatExitsZeroIsKilledAndKillsItsGroup(t *testing.T) {
	f := newFakeAgent(t)
	code := runExecutor(t, f, execmode.Default)
	f.events <- launchGroupEvent(
		commandTask("graceful", "trap 'exit 0' TERM; while true; do sleep 0.05; done"),
		commandTask("sibling", "sleep 30"))
	running := 0
	for running < 2 {
		if f.next(t).GetState() == mesospb.TaskState_TASK_RUNNING {
			running++
		}
	}
	time.Sleep(300 * time.Millisecond) // let the shell set its trap
	f.events <- killEvent("graceful", 5*time.Second)
	final := terminalStates(t, f, 2)
	if st := final["graceful"]; st.GetState() != mesospb.TaskState_TASK_KILLED || st.GetMessage() != "Command exited with status 0" {
		t.Errorf("killed task: %s %q, want TASK_KILLED \"Command exited with status 0\"", st.GetState(), st.GetMessage())
	}
	if st := final["sibling"]; st.GetState() != mesospb.TaskState_TASK_KILLED {
		t.Errorf("sibling: %s %q, want TASK_KILLED", st.GetState(), st.GetMessage())
	}
	waitExit(t, code)
}

// A task of a group that cannot even start fails, and takes the rest of
// its group down like any other failure (Mesos: the failed launch's
// WAIT_NESTED_CONTAINER ends it TASK_FAILED, and the group is killed).
func TestDefaultExecutorLaunchFailureKillsTheGroup(t *testing.T) {
	f := newFakeAgent(t)
	code := runExecutor(t, f, execmode.Default)
	bad := commandTask("bad", "/nonexistent/program")
	bad.Command.Shell = proto.Bool(false)
	f.events <- launchGroupEvent(commandTask("before", "sleep 30"), bad, commandTask("after", "sleep 30"))
	final := terminalStates(t, f, 3)
	if st := final["bad"]; st.GetState() != mesospb.TaskState_TASK_FAILED || !strings.Contains(st.GetMessage(), "/nonexistent/program") {
		t.Errorf("bad task: %s %q", st.GetState(), st.GetMessage())
	}
	for _, id := range []string{"before", "after"} {
		if st := final[id]; st.GetState() != mesospb.TaskState_TASK_KILLED {
			t.Errorf("%s: %s %q, want TASK_KILLED", id, st.GetState(), st.GetMessage())
		}
	}
	waitExit(t, code)
}

// Groups sent to one executor are independent: a failure kills its own
// group only; the executor lives on while another group runs.
func TestDefaultExecutorGroupsAreIndependent(t *testing.T) {
	f := newFakeAgent(t)
	code := runExecutor(t, f, execmode.Default)
	f.events <- launchGroupEvent(commandTask("a1", "sleep 30"), commandTask("a2", "sleep 30"))
	f.events <- launchGroupEvent(commandTask("b1", "sleep 0.5; exit 3"), commandTask("b2", "sleep 30"))
	final := terminalStates(t, f, 2)
	if final["b1"].GetState() != mesospb.TaskState_TASK_FAILED || final["b1"].GetMessage() != "Command exited with status 3" ||
		final["b2"].GetState() != mesospb.TaskState_TASK_KILLED {
		t.Fatalf("group b: %v", final)
	}
	// Group a still runs: nothing more arrives for a while.
	select {
	case st := <-f.updated:
		t.Fatalf("group a got %s %s after group b ended", st.GetTaskId().GetValue(), st.GetState())
	case <-time.After(time.Second):
	}
	select {
	case <-code:
		t.Fatal("the executor exited while group a runs")
	default:
	}
	f.events <- killEvent("a2", 0)
	final = terminalStates(t, f, 2)
	if final["a1"].GetState() != mesospb.TaskState_TASK_KILLED || final["a2"].GetState() != mesospb.TaskState_TASK_KILLED {
		t.Errorf("group a: %v", final)
	}
	waitExit(t, code)
}

// Each task runs in its own sandbox, tasks/<task id> under the
// executor's: its working directory, MESOS_SANDBOX, and its stdout file.
func TestDefaultExecutorTaskSandboxAndEnvironment(t *testing.T) {
	f := newFakeAgent(t)
	dir := t.TempDir()
	code := runExecutorIn(t, f, execmode.Default, dir)
	f.events <- launchGroupEvent(commandTask("t1", `echo "sandbox=$MESOS_SANDBOX pwd=$(pwd)"`))
	final := terminalStates(t, f, 1)
	if final["t1"].GetState() != mesospb.TaskState_TASK_FINISHED {
		t.Fatalf("t1: %s %q", final["t1"].GetState(), final["t1"].GetMessage())
	}
	sandbox := filepath.Join(dir, "tasks", "t1")
	out, err := os.ReadFile(filepath.Join(sandbox, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "sandbox=" + sandbox + " pwd=" + sandbox; strings.TrimSpace(string(out)) != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	waitExit(t, code)
}

// A task killed by its health check ends TASK_KILLED with healthy=false,
// and so do the siblings its end takes down: Mesos's default executor
// marks every terminal update unhealthy once a health check killed a task.
func TestDefaultExecutorHealthKillTakesTheGroupDown(t *testing.T) {
	f := newFakeAgent(t)
	code := runExecutor(t, f, execmode.Default)
	sick := commandTask("sick", "sleep 30")
	sick.HealthCheck = quickHealthCheck("exit 1", 2)
	f.events <- launchGroupEvent(sick, commandTask("fine", "sleep 30"))
	final := terminalStates(t, f, 2)
	for _, id := range []string{"sick", "fine"} {
		st := final[id]
		if st.GetState() != mesospb.TaskState_TASK_KILLED || st.Healthy == nil || st.GetHealthy() {
			t.Errorf("%s: %s healthy=%v", id, st.GetState(), st.Healthy)
		}
	}
	waitExit(t, code)
}

// Every task of a group is reported TASK_STARTING before any is reported
// TASK_RUNNING, as Mesos launches the whole group and then reports it
// running.
func TestDefaultExecutorGroupUpdatesOrder(t *testing.T) {
	f := newFakeAgent(t)
	runExecutor(t, f, execmode.Default)
	f.events <- launchGroupEvent(commandTask("x", "sleep 30"), commandTask("y", "sleep 30"))
	var got []string
	for range 4 {
		st := f.next(t)
		got = append(got, st.GetTaskId().GetValue()+":"+st.GetState().String())
	}
	if want := "x:TASK_STARTING y:TASK_STARTING x:TASK_RUNNING y:TASK_RUNNING"; strings.Join(got, " ") != want {
		t.Errorf("updates %v, want %s", got, want)
	}
	f.events <- &executorpb.Event{Type: executorpb.Event_SHUTDOWN.Enum()}
}
