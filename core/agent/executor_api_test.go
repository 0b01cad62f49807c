package agent

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
)

// rawExecutor plays a framework's executor by hand against the agent's
// /api/v1/executor, in JSON, so a test sees every answer and event.
type rawExecutor struct {
	t           *testing.T
	url         string
	fwID, id    string
	contentType string
}

// post sends a call with the executor's ids filled in (unless set) and
// returns the answer's status and body.
func (x *rawExecutor) post(call *executorpb.Call) (int, string) {
	x.t.Helper()
	if call.FrameworkId == nil {
		call.FrameworkId = &mesospb.FrameworkID{Value: proto.String(x.fwID)}
	}
	if call.ExecutorId == nil {
		call.ExecutorId = &mesospb.ExecutorID{Value: proto.String(x.id)}
	}
	body, err := httpapi.JSON.Marshal(call)
	if err != nil {
		x.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, x.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		x.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// executorStream is one SUBSCRIBE's event stream.
type executorStream struct {
	t      *testing.T
	resp   *http.Response
	events chan *executorpb.Event
}

// subscribe opens a stream (JSON) and fails the test unless it is 200.
func (x *rawExecutor) subscribe(sub *executorpb.Call_Subscribe) *executorStream {
	x.t.Helper()
	call := &executorpb.Call{Type: executorpb.Call_SUBSCRIBE.Enum(), Subscribe: sub,
		FrameworkId: &mesospb.FrameworkID{Value: proto.String(x.fwID)}, ExecutorId: &mesospb.ExecutorID{Value: proto.String(x.id)}}
	body, _ := httpapi.JSON.Marshal(call)
	req, _ := http.NewRequest(http.MethodPost, x.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		x.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		x.t.Fatalf("SUBSCRIBE: %s %s", resp.Status, b)
	}
	x.contentType = resp.Header.Get("Content-Type")
	s := &executorStream{t: x.t, resp: resp, events: make(chan *executorpb.Event, 64)}
	go func() {
		defer close(s.events)
		r := recordio.NewReader(bufio.NewReader(resp.Body), 0)
		for {
			rec, err := r.ReadRecord()
			if err != nil {
				return
			}
			ev := &executorpb.Event{}
			if httpapi.JSON.Unmarshal(rec, ev) == nil {
				s.events <- ev
			}
		}
	}()
	x.t.Cleanup(func() { resp.Body.Close() })
	return s
}

// next is the stream's next event; it fails the test on a timeout or the
// end of the stream.
func (s *executorStream) next(want executorpb.Event_Type) *executorpb.Event {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatalf("executor stream ended waiting for %s", want)
		}
		if ev.GetType() != want {
			s.t.Fatalf("executor event %s, want %s: %v", ev.GetType(), want, ev)
		}
		return ev
	case <-time.After(30 * time.Second):
		s.t.Fatalf("timed out waiting for executor event %s", want)
	}
	return nil
}

// ended waits for the agent to close the stream.
func (s *executorStream) ended() {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return
			}
			s.t.Logf("event on a replaced stream: %s", ev.GetType())
		case <-deadline:
			s.t.Fatal("the replaced stream did not end")
		}
	}
}

func randomUUID() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

func executorUpdate(taskID string, state mesospb.TaskState) *executorpb.Call {
	return &executorpb.Call{Type: executorpb.Call_UPDATE.Enum(), Update: &executorpb.Call_Update{Status: &mesospb.TaskStatus{
		TaskId: &mesospb.TaskID{Value: proto.String(taskID)}, State: state.Enum(),
		Source: mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(), Uuid: randomUUID(),
	}}}
}

// idleExecutorTask is a task whose executor is a process that never
// subscribes: the test speaks for it (rawExecutor).
func idleExecutorTask(id, execID string) *mesospb.TaskInfo {
	return &mesospb.TaskInfo{
		Name: proto.String(id), TaskId: &mesospb.TaskID{Value: proto.String(id)},
		Resources: mustResources("cpus:0.1;mem:32"),
		Executor: &mesospb.ExecutorInfo{
			ExecutorId: &mesospb.ExecutorID{Value: proto.String(execID)},
			Name:       proto.String("by hand"),
			Command:    &mesospb.CommandInfo{Value: proto.String("sleep 600")},
			Resources:  mustResources("cpus:0.1;mem:32"),
		},
	}
}

// TestExecutorAPIAsMesos plays a framework's executor by hand through the
// v1 executor API and checks the agent's answers and events against
// Mesos's slave/http.cpp and slave.cpp: calls of an unknown framework or
// executor are 400, UPDATE and MESSAGE before SUBSCRIBE are 403, an
// invalid check_status is 400; SUBSCRIBED carries executor_info,
// framework_info (with its id), agent_info and container_id, then the
// queued LAUNCH; updates reach the scheduler and its acknowledgement
// comes back as ACKNOWLEDGED; messages go both ways; KILL carries the
// kill policy; a second SUBSCRIBE ends the first stream; on resubscribe,
// unacknowledged_updates are delivered and a STAGING task missing from
// unacknowledged_tasks is lost; a torn-down framework's executor gets
// SHUTDOWN.
func TestExecutorAPIAsMesos(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("by-hand", false))
	o := s.offer()
	s.launchRefusing(o, 0, idleExecutorTask("t1", "hand"))
	// The rest of the agent, for a second task later (the scheduler's
	// helpers skip the events they do not wait for).
	o2 := s.offer()
	x := &rawExecutor{t: t, url: a.url("/api/v1/executor"), fwID: s.id, id: "hand"}
	eventually(t, "the executor is launched", func() bool {
		found := false
		_ = a.call(t.Context(), func() {
			if fw := a.frameworks[s.id]; fw != nil && fw.executors["hand"] != nil {
				found = true
			}
		})
		return found
	})

	// Before SUBSCRIBE, and for ids the agent does not know.
	other := func(fw, exec string, c *executorpb.Call) *executorpb.Call {
		c.FrameworkId = &mesospb.FrameworkID{Value: proto.String(fw)}
		c.ExecutorId = &mesospb.ExecutorID{Value: proto.String(exec)}
		return c
	}
	message := func() *executorpb.Call {
		return &executorpb.Call{Type: executorpb.Call_MESSAGE.Enum(), Message: &executorpb.Call_Message{Data: []byte("hi")}}
	}
	subscribeCall := func() *executorpb.Call {
		return &executorpb.Call{Type: executorpb.Call_SUBSCRIBE.Enum(), Subscribe: &executorpb.Call_Subscribe{}}
	}
	for _, tc := range []struct {
		name   string
		call   *executorpb.Call
		status int
		text   string
	}{
		{"update before subscribe", executorUpdate("t1", mesospb.TaskState_TASK_RUNNING), http.StatusForbidden, "Executor is not subscribed"},
		{"message before subscribe", message(), http.StatusForbidden, "Executor is not subscribed"},
		{"update of an unknown framework", other("nobody", "hand", executorUpdate("t1", mesospb.TaskState_TASK_RUNNING)), http.StatusBadRequest, "Framework cannot be found"},
		{"message of an unknown executor", other(s.id, "nothing", message()), http.StatusBadRequest, "Executor cannot be found"},
		{"subscribe of an unknown framework", other("nobody", "hand", subscribeCall()), http.StatusBadRequest, "Framework cannot be found"},
		{"subscribe of an unknown executor", other(s.id, "nothing", subscribeCall()), http.StatusBadRequest, "Executor cannot be found"},
		{"heartbeat of anyone", other("nobody", "nothing", &executorpb.Call{Type: executorpb.Call_HEARTBEAT.Enum()}), http.StatusAccepted, ""},
	} {
		if status, body := x.post(tc.call); status != tc.status || !strings.Contains(body, tc.text) {
			t.Errorf("%s: %d %q, want %d containing %q", tc.name, status, body, tc.status, tc.text)
		}
	}

	// SUBSCRIBE: SUBSCRIBED, then the task queued for the executor.
	first := x.subscribe(&executorpb.Call_Subscribe{})
	if x.contentType != "application/json" {
		t.Errorf("SUBSCRIBE Content-Type %q", x.contentType)
	}
	sub := first.next(executorpb.Event_SUBSCRIBED).GetSubscribed()
	if sub.GetExecutorInfo().GetExecutorId().GetValue() != "hand" || sub.GetExecutorInfo().GetName() != "by hand" ||
		sub.GetFrameworkInfo().GetId().GetValue() != s.id || sub.GetFrameworkInfo().GetName() != "by-hand" ||
		sub.GetAgentInfo().GetId().GetValue() != o.GetAgentId().GetValue() || sub.GetAgentInfo().GetHostname() != "localhost" ||
		sub.GetContainerId().GetValue() != containerOf(t, a, s.id, "hand") {
		t.Errorf("SUBSCRIBED %v", sub)
	}
	if got := first.next(executorpb.Event_LAUNCH).GetLaunch().GetTask(); got.GetTaskId().GetValue() != "t1" {
		t.Errorf("LAUNCH %v", got)
	}

	// A check_status without its type is refused (validateCheckStatusInfo).
	bad := executorUpdate("t1", mesospb.TaskState_TASK_RUNNING)
	bad.Update.Status.CheckStatus = &mesospb.CheckStatusInfo{}
	if status, body := x.post(bad); status != http.StatusBadRequest || !strings.Contains(body, "CheckStatusInfo must specify 'type'") {
		t.Errorf("update with an empty check_status: %d %q", status, body)
	}
	bad.Update.Status.CheckStatus = &mesospb.CheckStatusInfo{Type: mesospb.CheckInfo_COMMAND.Enum()}
	if status, body := x.post(bad); status != http.StatusBadRequest || !strings.Contains(body, "Expecting 'command' to be set for COMMAND check's status") {
		t.Errorf("update with a COMMAND check_status without command: %d %q", status, body)
	}

	// UPDATE → the scheduler; its acknowledgement → ACKNOWLEDGED.
	running := executorUpdate("t1", mesospb.TaskState_TASK_RUNNING)
	running.Update.Status.Message = proto.String("up")
	if status, body := x.post(running); status != http.StatusAccepted || body != "" {
		t.Fatalf("UPDATE: %d %q", status, body)
	}
	st := s.updateNoAck("t1")
	if st.GetState() != mesospb.TaskState_TASK_RUNNING || st.GetSource() != mesospb.TaskStatus_SOURCE_EXECUTOR ||
		st.GetMessage() != "up" || st.GetExecutorId().GetValue() != "hand" || st.GetAgentId().GetValue() != o.GetAgentId().GetValue() ||
		!bytes.Equal(st.GetUuid(), running.GetUpdate().GetStatus().GetUuid()) {
		t.Errorf("scheduler's update %v", st)
	}
	s.ack(st)
	ack := first.next(executorpb.Event_ACKNOWLEDGED).GetAcknowledged()
	if ack.GetTaskId().GetValue() != "t1" || !bytes.Equal(ack.GetUuid(), st.GetUuid()) {
		t.Errorf("ACKNOWLEDGED %v", ack)
	}

	// MESSAGE both ways.
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_MESSAGE.Enum(), Message: &schedulerpb.Call_Message{
		AgentId: o.GetAgentId(), ExecutorId: &mesospb.ExecutorID{Value: proto.String("hand")}, Data: []byte("to executor")}})
	if got := first.next(executorpb.Event_MESSAGE).GetMessage(); string(got.GetData()) != "to executor" {
		t.Errorf("MESSAGE event %v", got)
	}
	if status, _ := x.post(&executorpb.Call{Type: executorpb.Call_MESSAGE.Enum(), Message: &executorpb.Call_Message{Data: []byte("to scheduler")}}); status != http.StatusAccepted {
		t.Errorf("MESSAGE call: %d", status)
	}
	msg := s.next("MESSAGE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_MESSAGE }).GetMessage()
	if string(msg.GetData()) != "to scheduler" || msg.GetExecutorId().GetValue() != "hand" || msg.GetAgentId().GetValue() != o.GetAgentId().GetValue() {
		t.Errorf("scheduler's MESSAGE %v", msg)
	}

	// KILL with the scheduler's kill policy.
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{
		TaskId: &mesospb.TaskID{Value: proto.String("t1")}, AgentId: o.GetAgentId(),
		KillPolicy: &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(7 * time.Second))}}}})
	kill := first.next(executorpb.Event_KILL).GetKill()
	if kill.GetTaskId().GetValue() != "t1" || kill.GetKillPolicy().GetGracePeriod().GetNanoseconds() != int64(7*time.Second) {
		t.Errorf("KILL %v", kill)
	}

	// A second task reaches the executor (still STAGING: no update yet).
	t2 := idleExecutorTask("t2", "hand")
	s.launchRefusing(o2, 0, t2)
	if got := first.next(executorpb.Event_LAUNCH).GetLaunch().GetTask(); got.GetTaskId().GetValue() != "t2" {
		t.Errorf("LAUNCH %v", got)
	}

	// Resubscribing replaces the first stream. The executor reports its
	// kill of t1 through unacknowledged_updates, and does not list t2
	// among its unacknowledged tasks: the agent takes t2 for never
	// received (Mesos's Slave::subscribe).
	killed := executorUpdate("t1", mesospb.TaskState_TASK_KILLED)
	second := x.subscribe(&executorpb.Call_Subscribe{UnacknowledgedUpdates: []*executorpb.Call_Update{killed.GetUpdate()}})
	first.ended()
	second.next(executorpb.Event_SUBSCRIBED)
	if st := s.update("t1"); st.GetState() != mesospb.TaskState_TASK_KILLED || !bytes.Equal(st.GetUuid(), killed.GetUpdate().GetStatus().GetUuid()) {
		t.Errorf("t1's update from unacknowledged_updates: %v", st)
	}
	if st := s.update("t2"); st.GetState() != mesospb.TaskState_TASK_LOST || st.GetReason() != mesospb.TaskStatus_REASON_AGENT_RESTARTED ||
		st.GetSource() != mesospb.TaskStatus_SOURCE_AGENT {
		t.Errorf("t2, not among the unacknowledged tasks: %v", st)
	}
	second.next(executorpb.Event_ACKNOWLEDGED)

	// Teardown: SHUTDOWN.
	s.teardown()
	second.next(executorpb.Event_SHUTDOWN)
	a.stop(t)
	checkNoProcesses(t, work)
}
