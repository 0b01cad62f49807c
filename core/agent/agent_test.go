package agent

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestCommandTask runs `echo hello` through a real master and agent: the
// command executor reports TASK_STARTING, TASK_RUNNING and TASK_FINISHED,
// and the output lands in the sandbox.
func TestCommandTask(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("echo", false))
	o := s.offer()
	s.launch(o, commandTask("hello", "echo hello", "cpus:0.1;mem:32"))
	if st := s.update("hello"); st.GetState() != mesospb.TaskState_TASK_STARTING {
		t.Fatalf("first update %s %s", st.GetState(), st.GetMessage())
	}
	running := s.update("hello")
	if running.GetState() != mesospb.TaskState_TASK_RUNNING {
		t.Fatalf("second update %s", running.GetState())
	}
	if ip := running.GetContainerStatus().GetNetworkInfos()[0].GetIpAddresses()[0].GetIpAddress(); ip != "127.0.0.1" {
		t.Errorf("container ip %q", ip)
	}
	fin := s.update("hello")
	if fin.GetState() != mesospb.TaskState_TASK_FINISHED || fin.GetMessage() != "Command exited with status 0" {
		t.Fatalf("final update %s %q", fin.GetState(), fin.GetMessage())
	}
	stdout := filepath.Join(work, "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", "hello", "runs", "latest", "stdout")
	eventually(t, "hello in stdout", func() bool {
		data, _ := os.ReadFile(stdout)
		return strings.Contains(string(data), "hello")
	})
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestFailingAndKilledTasks: a failing command reports its exit status; a
// killed one ends TASK_KILLED within its kill policy's grace period.
func TestFailingAndKilledTasks(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	info := frameworkInfo("kill", false)
	info.Capabilities = append(info.Capabilities, &mesospb.FrameworkInfo_Capability{Type: mesospb.FrameworkInfo_Capability_TASK_KILLING_STATE.Enum()})
	s := subscribeScheduler(t, m.addr, info)
	o := s.offer()
	sleeper := commandTask("sleeper", "trap 'exit 0' TERM; sleep 30 & wait", "cpus:0.1;mem:32")
	sleeper.KillPolicy = &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(5 * time.Second))}}
	s.launch(o, commandTask("fails", "exit 3", "cpus:0.1;mem:32"), sleeper)

	st := s.waitState("fails", mesospb.TaskState_TASK_FAILED)
	if st.GetMessage() != "Command exited with status 3" || st.GetSource() != mesospb.TaskStatus_SOURCE_EXECUTOR {
		t.Errorf("failed task: %q from %s", st.GetMessage(), st.GetSource())
	}
	s.waitState("sleeper", mesospb.TaskState_TASK_RUNNING)
	time.Sleep(300 * time.Millisecond) // let the shell set its trap
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{
		TaskId: sleeper.GetTaskId(), AgentId: o.GetAgentId(),
	}})
	s.waitState("sleeper", mesospb.TaskState_TASK_KILLING)
	st = s.update("sleeper")
	// The task traps SIGTERM and exits 0 at once: the command succeeded,
	// but it was killed.
	if st.GetState() != mesospb.TaskState_TASK_FINISHED && st.GetState() != mesospb.TaskState_TASK_KILLED {
		t.Fatalf("killed task: %s %q", st.GetState(), st.GetMessage())
	}

	// A task that ignores SIGTERM is SIGKILLed after the grace period.
	o = s.offer()
	stubborn := commandTask("stubborn", "trap '' TERM; sleep 30", "cpus:0.1;mem:32")
	stubborn.KillPolicy = &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(300 * time.Millisecond))}}
	s.launch(o, stubborn)
	s.waitState("stubborn", mesospb.TaskState_TASK_RUNNING)
	time.Sleep(300 * time.Millisecond) // let the shell set its trap
	start := time.Now()
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{TaskId: stubborn.GetTaskId(), AgentId: o.GetAgentId()}})
	st = s.waitState("stubborn", mesospb.TaskState_TASK_KILLED)
	if !strings.Contains(st.GetMessage(), "signal") || time.Since(start) > 10*time.Second {
		t.Errorf("stubborn task: %q after %s", st.GetMessage(), time.Since(start))
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestTaskGroup runs a task group under the default executor: each task
// in its own sandbox below the executor's, each reported.
func TestTaskGroup(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("group", false))
	o := s.offer()
	exec := defaultExecutor(s.id)
	t1 := commandTask("first", "echo one > out; echo $MESOS_SANDBOX", "cpus:0.1;mem:32")
	t2 := commandTask("second", "sleep 0.5; echo two", "cpus:0.1;mem:32")
	for _, ti := range []*mesospb.TaskInfo{t1, t2} {
		ti.AgentId = o.GetAgentId()
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()}, Operations: []*mesospb.Offer_Operation{launchGroupOp(exec, t1, t2)},
	}})
	s.waitState("first", mesospb.TaskState_TASK_FINISHED)
	s.waitState("second", mesospb.TaskState_TASK_FINISHED)
	run := filepath.Join(work, "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", "default", "runs", "latest")
	if data, err := os.ReadFile(filepath.Join(run, "tasks", "first", "out")); err != nil || string(data) != "one\n" {
		t.Errorf("first task's file: %q %v", data, err)
	}
	eventually(t, "second task's stdout", func() bool {
		data, _ := os.ReadFile(filepath.Join(run, "tasks", "second", "stdout"))
		return string(data) == "two\n"
	})
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestCustomExecutorFetched runs a framework's own executor, fetched over
// HTTP into the sandbox, and passes framework messages both ways.
func TestCustomExecutorFetched(t *testing.T) {
	work := t.TempDir()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, binaries.customExecutor)
	}))
	defer srv.Close()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("custom", false))
	o := s.offer()
	task := &mesospb.TaskInfo{
		Name:      proto.String("custom"),
		TaskId:    &mesospb.TaskID{Value: proto.String("custom")},
		Resources: mustResources("cpus:0.1;mem:32"),
		Executor: &mesospb.ExecutorInfo{
			ExecutorId: &mesospb.ExecutorID{Value: proto.String("custom-exec")},
			Command: &mesospb.CommandInfo{
				Value: proto.String("./executor"),
				Uris: []*mesospb.CommandInfo_URI{{
					Value: proto.String(srv.URL + "/custom-executor"), Executable: proto.Bool(true),
					OutputFile: proto.String("executor"),
				}},
			},
			Resources: mustResources("cpus:0.1;mem:32"),
		},
	}
	s.launch(o, task)
	s.waitState("custom", mesospb.TaskState_TASK_RUNNING)
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_MESSAGE.Enum(), Message: &schedulerpb.Call_Message{
		AgentId: o.GetAgentId(), ExecutorId: task.GetExecutor().GetExecutorId(), Data: []byte("ping"),
	}})
	ev := s.next("MESSAGE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_MESSAGE })
	if string(ev.GetMessage().GetData()) != "echo:ping" {
		t.Errorf("message %q", ev.GetMessage().GetData())
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{TaskId: task.GetTaskId(), AgentId: o.GetAgentId()}})
	s.waitState("custom", mesospb.TaskState_TASK_KILLED)
	// The executor exits: the scheduler hears of it.
	s.next("executor FAILURE", func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_FAILURE && e.GetFailure().GetExecutorId().GetValue() == "custom-exec"
	})
	run := filepath.Join(work, "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", "custom-exec", "runs", "latest")
	data, _ := os.ReadFile(filepath.Join(run, "stdout"))
	if !strings.Contains(string(data), "custom executor started") {
		t.Errorf("executor stdout %q", data)
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestFetchFailure: a URI that cannot be fetched fails the task, naming
// the URI.
func TestFetchFailure(t *testing.T) {
	work := t.TempDir()
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("fetch", false))
	o := s.offer()
	task := commandTask("fetchy", "true", "cpus:0.1;mem:32")
	uri := srv.URL + "/missing.tar.gz"
	task.Command.Uris = []*mesospb.CommandInfo_URI{{Value: proto.String(uri)}}
	s.launch(o, task)
	st := s.waitState("fetchy", mesospb.TaskState_TASK_FAILED)
	if st.GetReason() != mesospb.TaskStatus_REASON_CONTAINER_LAUNCH_FAILED || !strings.Contains(st.GetMessage(), uri) {
		t.Errorf("fetch failure: %s %q", st.GetReason(), st.GetMessage())
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestGarbageCollection: a finished executor's sandbox goes after
// --gc_delay.
func TestGarbageCollection(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.GCDelay = 300 * time.Millisecond
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("gc", true))
	o := s.offer()
	s.launch(o, commandTask("short", "true", "cpus:0.1;mem:32"))
	s.waitState("short", mesospb.TaskState_TASK_FINISHED)
	runs := filepath.Join(work, "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", "short", "runs")
	meta := filepath.Join(work, "meta", "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", "short", "runs")
	eventually(t, "the sandbox and its checkpoints to go", func() bool {
		sb, _ := filepath.Glob(filepath.Join(runs, "*-*"))
		mt, _ := filepath.Glob(filepath.Join(meta, "*-*"))
		return len(sb) == 0 && len(mt) == 0
	})
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestTaskUserAndArguments: a task runs as its command's user, and a
// command with shell: false runs its value with its arguments.
func TestTaskUserAndArguments(t *testing.T) {
	if _, err := user.Lookup("nobody"); err != nil || os.Getuid() != 0 {
		t.Skip("needs root and a 'nobody' user")
	}
	work := t.TempDir()
	// The task's user must reach its sandbox.
	_ = os.Chmod(work, 0o755)
	_ = os.Chmod(filepath.Dir(work), 0o755)
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.SwitchUser = true
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("users", false))
	o := s.offer()
	who := commandTask("who", "id -un > who", "cpus:0.1;mem:32")
	who.Command.User = proto.String("nobody")
	argv := commandTask("argv", "", "cpus:0.1;mem:32")
	argv.Command = &mesospb.CommandInfo{Value: proto.String("/bin/sh"), Shell: proto.Bool(false), Arguments: []string{"sh", "-c", "echo $0 $1 > args", "zero", "one"}}
	s.launch(o, who, argv)
	s.waitState("who", mesospb.TaskState_TASK_FINISHED)
	s.waitState("argv", mesospb.TaskState_TASK_FINISHED)
	read := func(executor, file string) string {
		data, _ := os.ReadFile(filepath.Join(work, "slaves", a.agentIDForFetch(), "frameworks", s.id, "executors", executor, "runs", "latest", file))
		return strings.TrimSpace(string(data))
	}
	if got := read("who", "who"); got != "nobody" {
		t.Errorf("task ran as %q", got)
	}
	if got := read("argv", "args"); got != "zero one" {
		t.Errorf("arguments %q", got)
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestTeardown: a framework torn down has its executors shut down.
func TestTeardown(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("teardown", true))
	o := s.offer()
	s.launch(o, commandTask("t1", "sleep 60", "cpus:0.1;mem:32"), commandTask("t2", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("t1", mesospb.TaskState_TASK_RUNNING)
	s.waitState("t2", mesospb.TaskState_TASK_RUNNING)
	s.teardown()
	eventually(t, "the framework to complete", func() bool {
		var done bool
		_ = a.call(t.Context(), func() { done = len(a.frameworks) == 0 && len(a.completedFrameworks) == 1 })
		return done
	})
	checkNoProcesses(t, work)
	a.stop(t)
}
