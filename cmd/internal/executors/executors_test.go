package executors

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/executorlitepb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

func TestParseEnv(t *testing.T) {
	vars := map[string]string{
		"MESOS_FRAMEWORK_ID": "f", "MESOS_EXECUTOR_ID": "e", "MESOS_AGENT_ENDPOINT": "127.0.0.1:5051",
		"MESOS_SANDBOX": "/sb", "MESOS_CHECKPOINT": "1", "MESOS_RECOVERY_TIMEOUT": "15mins",
		"MESOS_SUBSCRIPTION_BACKOFF_MAX": "2secs", "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": "10secs",
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	env, err := ParseEnv(lookup)
	if err != nil {
		t.Fatal(err)
	}
	if !env.Checkpoint || env.RecoveryTimeout != 15*time.Minute || env.BackoffMax != 2*time.Second ||
		env.ShutdownGracePeriod != 10*time.Second || env.Directory != "/sb" {
		t.Errorf("env %+v", env)
	}
	delete(vars, "MESOS_EXECUTOR_ID")
	if _, err := ParseEnv(lookup); err == nil || !strings.Contains(err.Error(), "MESOS_EXECUTOR_ID") {
		t.Errorf("missing executor id: %v", err)
	}
	vars["MESOS_EXECUTOR_ID"] = "e"
	vars["MESOS_RECOVERY_TIMEOUT"] = "soon"
	if _, err := ParseEnv(lookup); err == nil {
		t.Error("bad duration accepted")
	}
}

func TestCommandArgvAndStatus(t *testing.T) {
	path, argv, err := commandArgv(&executorlitepb.CommandInfo{Value: proto.String("echo hi")})
	if err != nil || path != "/bin/sh" || strings.Join(argv, "|") != "/bin/sh|-c|echo hi" {
		t.Errorf("shell: %s %v %v", path, argv, err)
	}
	path, argv, _ = commandArgv(&executorlitepb.CommandInfo{Value: proto.String("/bin/echo"), Shell: proto.Bool(false), Arguments: []string{"echo", "a"}})
	if path != "/bin/echo" || strings.Join(argv, "|") != "echo|a" {
		t.Errorf("argv: %s %v", path, argv)
	}
	if _, _, err := commandArgv(&executorlitepb.CommandInfo{Shell: proto.Bool(false)}); err == nil {
		t.Error("empty executable accepted")
	}
	if s := describeStatus(syscall.WaitStatus(3 << 8)); s != "exited with status 3" {
		t.Errorf("exit: %q", s)
	}
	if s := describeStatus(syscall.WaitStatus(syscall.SIGKILL)); s != "terminated with signal Killed" {
		t.Errorf("signal: %q", s)
	}
}

func TestHealthState(t *testing.T) {
	start := time.Now()
	h := &healthState{check: &executorlitepb.HealthCheck{GracePeriodSeconds: proto.Float64(10), ConsecutiveFailures: proto.Uint32(2)},
		start: start, initializing: true}
	fail, ok := probeResult{}, probeResult{ok: true}
	if healthy, _ := h.result(fail, start.Add(time.Second)); healthy != nil {
		t.Error("a failure in the grace period was reported")
	}
	if healthy, _ := h.result(ok, start.Add(2*time.Second)); healthy == nil || !*healthy {
		t.Error("the first success was not reported")
	}
	if healthy, _ := h.result(ok, start.Add(3*time.Second)); healthy != nil {
		t.Error("a second success was reported")
	}
	if healthy, kill := h.result(fail, start.Add(4*time.Second)); healthy == nil || *healthy || kill {
		t.Errorf("first failure after success: %v %v", healthy, kill)
	}
	if _, kill := h.result(fail, start.Add(5*time.Second)); !kill {
		t.Error("consecutive failures did not kill")
	}
	if healthy, _ := h.result(ok, start.Add(6*time.Second)); healthy == nil || !*healthy {
		t.Error("recovery was not reported")
	}
}

// fakeAgent serves the executor API: it records updates, acknowledges
// them and lets the test send events.
type fakeAgent struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	updates []*mesospb.TaskStatus
	events  chan *executorpb.Event
	updated chan *mesospb.TaskStatus
}

func newFakeAgent(t *testing.T) *fakeAgent {
	f := &fakeAgent{t: t, events: make(chan *executorpb.Event, 16), updated: make(chan *mesospb.TaskStatus, 64)}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAgent) serve(w http.ResponseWriter, r *http.Request) {
	var call executorpb.Call
	codec, err := httpapi.DecodeRequest(r, &call, 0)
	if err != nil {
		httpapi.WriteError(w, err)
		return
	}
	switch call.GetType() {
	case executorpb.Call_SUBSCRIBE:
		out, _ := httpapi.StartStream(w, codec, "")
		_ = out.Send(&executorpb.Event{Type: executorpb.Event_SUBSCRIBED.Enum(), Subscribed: &executorpb.Event_Subscribed{
			ExecutorInfo:  &mesospb.ExecutorInfo{ExecutorId: call.GetExecutorId()},
			FrameworkInfo: &mesospb.FrameworkInfo{User: proto.String("u"), Name: proto.String("n"), Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_TASK_KILLING_STATE.Enum()}}},
			AgentInfo:     &mesospb.AgentInfo{Hostname: proto.String("fake")},
		}})
		for {
			select {
			case ev := <-f.events:
				if out.Send(ev) != nil {
					return
				}
			case <-r.Context().Done():
				return
			}
		}
	case executorpb.Call_UPDATE:
		st := call.GetUpdate().GetStatus()
		f.mu.Lock()
		f.updates = append(f.updates, st)
		f.mu.Unlock()
		f.events <- &executorpb.Event{Type: executorpb.Event_ACKNOWLEDGED.Enum(),
			Acknowledged: &executorpb.Event_Acknowledged{TaskId: st.GetTaskId(), Uuid: st.GetUuid()}}
		f.updated <- st
		w.WriteHeader(http.StatusAccepted)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}

func (f *fakeAgent) next(t *testing.T) *mesospb.TaskStatus {
	t.Helper()
	select {
	case st := <-f.updated:
		return st
	case <-time.After(10 * time.Second):
		t.Fatal("no update")
		return nil
	}
}

func (f *fakeAgent) wantState(t *testing.T, state mesospb.TaskState) *mesospb.TaskStatus {
	t.Helper()
	for {
		st := f.next(t)
		if st.GetState() == state {
			return st
		}
		if st.GetState() == mesospb.TaskState_TASK_FAILED || st.GetState() == mesospb.TaskState_TASK_FINISHED || st.GetState() == mesospb.TaskState_TASK_KILLED {
			t.Fatalf("got %s (%s) waiting for %s", st.GetState(), st.GetMessage(), state)
		}
	}
}

// runExecutor runs an executor in-process against the fake agent and
// returns its exit code channel.
func runExecutor(t *testing.T, f *fakeAgent, mode string) <-chan int {
	return runExecutorIn(t, f, mode, t.TempDir())
}

// runExecutorIn is runExecutor with the executor's sandbox in dir.
func runExecutorIn(t *testing.T, f *fakeAgent, mode, dir string) <-chan int {
	env := Env{
		FrameworkID: "f", ExecutorID: "e", Directory: dir,
		AgentEndpoint:       strings.TrimPrefix(f.srv.URL, "http://"),
		ShutdownGracePeriod: 3 * time.Second, BackoffMax: 100 * time.Millisecond,
	}
	x := newExecutor(mode, env, os.Environ(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	code := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { code <- x.run(ctx, nil) }()
	return code
}

func launchEvent(id, command string, policy *mesospb.KillPolicy) *executorpb.Event {
	return &executorpb.Event{Type: executorpb.Event_LAUNCH.Enum(), Launch: &executorpb.Event_Launch{Task: &mesospb.TaskInfo{
		Name: proto.String(id), TaskId: &mesospb.TaskID{Value: proto.String(id)}, AgentId: &mesospb.AgentID{Value: proto.String("a")},
		Command: &mesospb.CommandInfo{Value: proto.String(command)}, KillPolicy: policy,
	}}}
}

func TestCommandExecutorKillEscalation(t *testing.T) {
	f := newFakeAgent(t)
	code := runExecutor(t, f, execmode.Command)
	f.events <- launchEvent("t", "trap '' TERM; sleep 30", nil)
	f.wantState(t, mesospb.TaskState_TASK_STARTING)
	f.wantState(t, mesospb.TaskState_TASK_RUNNING)
	// A second LAUNCH fails: the command executor runs one task.
	f.events <- launchEvent("t2", "true", nil)
	if st := f.next(t); st.GetState() != mesospb.TaskState_TASK_FAILED || st.GetTaskId().GetValue() != "t2" {
		t.Fatalf("second task: %s %s", st.GetTaskId().GetValue(), st.GetState())
	}
	time.Sleep(300 * time.Millisecond) // let the shell set its trap
	start := time.Now()
	f.events <- &executorpb.Event{Type: executorpb.Event_KILL.Enum(), Kill: &executorpb.Event_Kill{
		TaskId:     &mesospb.TaskID{Value: proto.String("t")},
		KillPolicy: &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(200 * time.Millisecond))}},
	}}
	f.wantState(t, mesospb.TaskState_TASK_KILLING)
	st := f.wantState(t, mesospb.TaskState_TASK_KILLED)
	if st.GetMessage() != "Command terminated with signal Killed" || time.Since(start) > 5*time.Second {
		t.Errorf("killed: %q after %s", st.GetMessage(), time.Since(start))
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("executor did not exit after its task")
	}
}

func TestDefaultExecutorGroupAndShutdown(t *testing.T) {
	f := newFakeAgent(t)
	code := runExecutor(t, f, execmode.Default)
	task := func(id, cmd string) *mesospb.TaskInfo {
		return &mesospb.TaskInfo{Name: proto.String(id), TaskId: &mesospb.TaskID{Value: proto.String(id)},
			AgentId: &mesospb.AgentID{Value: proto.String("a")}, Command: &mesospb.CommandInfo{Value: proto.String(cmd)}}
	}
	f.events <- &executorpb.Event{Type: executorpb.Event_LAUNCH_GROUP.Enum(), LaunchGroup: &executorpb.Event_LaunchGroup{
		TaskGroup: &mesospb.TaskGroupInfo{Tasks: []*mesospb.TaskInfo{task("fails", "sleep 0.3; exit 2"), task("sleeps", "sleep 30")}},
	}}
	final := map[string]*mesospb.TaskStatus{}
	for len(final) < 2 {
		st := f.next(t)
		switch st.GetState() {
		case mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_KILLED, mesospb.TaskState_TASK_FINISHED:
			final[st.GetTaskId().GetValue()] = st
		}
	}
	if final["fails"].GetState() != mesospb.TaskState_TASK_FAILED || final["sleeps"].GetState() != mesospb.TaskState_TASK_KILLED {
		t.Errorf("group: fails %s, sleeps %s", final["fails"].GetState(), final["sleeps"].GetState())
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("executor did not exit")
	}
}

func TestShutdownIdleExecutor(t *testing.T) {
	f := newFakeAgent(t)
	code := runExecutor(t, f, execmode.Command)
	f.events <- &executorpb.Event{Type: executorpb.Event_SHUTDOWN.Enum()}
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("executor did not exit on SHUTDOWN")
	}
}

// The client keeps its own copy of the protobuf media type, so that the
// executor does not link httpapi (and its JSON codec).
func TestClientMediaTypeIsHTTPAPIs(t *testing.T) {
	if mediaProtobuf != httpapi.MediaProtobuf {
		t.Errorf("mediaProtobuf = %q, httpapi.MediaProtobuf = %q", mediaProtobuf, httpapi.MediaProtobuf)
	}
}
