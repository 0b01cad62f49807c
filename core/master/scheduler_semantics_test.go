package master

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/uuid"
)

// Scheduler API semantics as Mesos 1.x (master/http.cpp, master.cpp) has
// them, driven with the real allocator.

func realAllocator(c *Config) { c.Allocator = hierarchical.New() }

// runningTask launches one task on the agent's first offer and makes it
// TASK_RUNNING (acknowledged).
func runningTask(t *testing.T, s *testScheduler, agent *testAgent, id string) {
	t.Helper()
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, id, offer, "cpus:1;mem:32")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	u := uuid.New().Bytes()
	agent.statusUpdate(s.id, id, mesospb.TaskState_TASK_RUNNING, u)
	s.nextUpdate(id)
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
		AgentId: agentIDProto(agent.id), TaskId: &mesospb.TaskID{Value: proto.String(id)}, Uuid: u,
	}})
	agent.next("ACKNOWLEDGE", agentmasterpb.AgentEvent_ACKNOWLEDGE)
}

// keepAlive answers the agent's PINGs until the test ends, so that it
// stays reachable however short the ping timeout.
func keepAlive(t *testing.T, a *testAgent) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	pong, _ := httpapi.Protobuf.Marshal(&agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_PONG.Enum(), AgentId: agentIDProto(a.id)})
	go func() {
		for {
			select {
			case ev := <-a.events.events:
				if ev.GetType() != agentmasterpb.AgentEvent_PING {
					continue
				}
				req, _ := http.NewRequest("POST", a.tm.srv.URL+AgentAPIPath, bytes.NewReader(pong))
				req.Header.Set("Content-Type", httpapi.Protobuf.MediaType())
				req.Header.Set(httpapi.StreamIDHeader, a.streamID)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			case <-stop:
				return
			}
		}
	}()
}

func killCall(taskID, agentID string) *schedulerpb.Call {
	k := &schedulerpb.Call_Kill{TaskId: &mesospb.TaskID{Value: proto.String(taskID)}}
	if agentID != "" {
		k.AgentId = agentIDProto(agentID)
	}
	return &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: k}
}

func reconcileCall(taskID, agentID string) *schedulerpb.Call {
	r := &schedulerpb.Call_Reconcile_Task{TaskId: &mesospb.TaskID{Value: proto.String(taskID)}}
	if agentID != "" {
		r.AgentId = agentIDProto(agentID)
	}
	return &schedulerpb.Call{Type: schedulerpb.Call_RECONCILE.Enum(), Reconcile: &schedulerpb.Call_Reconcile{Tasks: []*schedulerpb.Call_Reconcile_Task{r}}}
}

// TestSchedulerCallRefusalsAreMesos: the status codes, texts and order of
// master/http.cpp's checks.
func TestSchedulerCallRefusalsAreMesos(t *testing.T) {
	tm := startMaster(t, realAllocator)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("refusals"))
	url := tm.srv.URL + "/api/v1/scheduler"
	revive := func(fw string) *schedulerpb.Call {
		return &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum(), FrameworkId: frameworkIDProto(fw)}
	}
	cases := []struct {
		name   string
		call   *schedulerpb.Call
		header http.Header
		code   int
		body   string
	}{
		// An unknown framework is a bad request, checked before the header.
		{"unknown framework", revive("nope"), nil, 400, "Framework cannot be found"},
		{"no stream id", revive(s.id), nil, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header"},
		{"wrong stream id", revive(s.id), http.Header{httpapi.StreamIDHeader: {"wrong"}}, 400,
			"The stream ID 'wrong' included in this request didn't match the stream ID currently associated with framework ID " + s.id},
		{"subscribe with stream id", &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(), Subscribe: &schedulerpb.Call_Subscribe{FrameworkInfo: frameworkInfo("x")}},
			http.Header{httpapi.StreamIDHeader: {s.streamID}}, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header"},
		{"no payload", &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), FrameworkId: frameworkIDProto(s.id)},
			http.Header{httpapi.StreamIDHeader: {s.streamID}}, 400, "Failed to validate scheduler::Call: Expecting 'kill' to be present"},
		{"ack with a bad uuid", &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), FrameworkId: frameworkIDProto(s.id),
			Acknowledge: &schedulerpb.Call_Acknowledge{AgentId: agentIDProto("a"), TaskId: &mesospb.TaskID{Value: proto.String("t")}, Uuid: []byte("short")}},
			http.Header{httpapi.StreamIDHeader: {s.streamID}}, 400, "Failed to validate scheduler::Call: Not a valid UUID"},
	}
	for _, c := range cases {
		code, body := status(t, post(t, url, httpapi.JSON, c.call, c.header))
		if code != c.code || strings.TrimSpace(body) != c.body {
			t.Errorf("%s: %d %q, want %d %q", c.name, code, body, c.code, c.body)
		}
	}

	// A framework that lost its stream (within its failover timeout) is
	// known but not subscribed: 403.
	info := frameworkInfo("away")
	info.FailoverTimeout = proto.Float64(3600)
	away := subscribe(t, tm, httpapi.JSON, info)
	away.events.resp.Body.Close()
	eventually(t, "the framework disconnected", func() bool {
		var gone bool
		onLoop(t, tm, func() { gone = tm.frameworks[away.id] != nil && !tm.frameworks[away.id].connected() })
		return gone
	})
	code, body := status(t, post(t, url, httpapi.JSON, revive(away.id), http.Header{httpapi.StreamIDHeader: {away.streamID}}))
	if code != http.StatusForbidden || strings.TrimSpace(body) != "Framework is not subscribed" {
		t.Errorf("disconnected framework: %d %q", code, body)
	}
}

// TestSubscribedThenHeartbeat: SUBSCRIBED carries the framework id, the
// 15 s heartbeat interval and the master's info, and the first HEARTBEAT
// follows it at once (Mesos starts its heartbeater without delay).
func TestSubscribedThenHeartbeat(t *testing.T) {
	tm := startMaster(t, realAllocator)
	call := &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(), Subscribe: &schedulerpb.Call_Subscribe{FrameworkInfo: frameworkInfo("hb")}}
	resp := post(t, tm.srv.URL+"/api/v1/scheduler", httpapi.JSON, call, nil)
	if resp.StatusCode != 200 || resp.Header.Get(httpapi.StreamIDHeader) == "" {
		t.Fatalf("SUBSCRIBE: %d, stream id %q", resp.StatusCode, resp.Header.Get(httpapi.StreamIDHeader))
	}
	events := readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	first := events.next(t, "first event", func(*schedulerpb.Event) bool { return true })
	sub := first.GetSubscribed()
	if first.GetType() != schedulerpb.Event_SUBSCRIBED || sub.GetFrameworkId().GetValue() == "" ||
		sub.GetHeartbeatIntervalSeconds() != 15 || sub.GetMasterInfo().GetId() == "" || sub.GetMasterInfo().GetVersion() == "" {
		t.Fatalf("first event %v", first)
	}
	select {
	case ev := <-events.events:
		if ev.GetType() != schedulerpb.Event_HEARTBEAT {
			t.Fatalf("second event %v, want HEARTBEAT", ev)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no HEARTBEAT right after SUBSCRIBED")
	}
}

// TestReconcileReportsTheStateBeingDelivered: a task whose RUNNING update
// is still unacknowledged while the agent knows it FINISHED is RUNNING to
// reconciliation (Mesos reports status_update_state), not FINISHED.
func TestReconcileReportsTheStateBeingDelivered(t *testing.T) {
	tm := startMaster(t, realAllocator)
	agent := registerAgent(t, tm, "cpus:2;mem:256", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("pending-ack"))
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, "t", offer, "cpus:1;mem:32")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.send(&agentmasterpb.AgentCall{
		Type: agentmasterpb.AgentCall_STATUS_UPDATE.Enum(),
		StatusUpdate: &agentmasterpb.AgentCall_StatusUpdate{
			FrameworkId: frameworkIDProto(s.id),
			Status: &mesospb.TaskStatus{TaskId: &mesospb.TaskID{Value: proto.String("t")}, State: mesospb.TaskState_TASK_RUNNING.Enum(),
				Source: mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(), Uuid: uuid.New().Bytes()},
			LatestState: mesospb.TaskState_TASK_FINISHED.Enum(),
		},
	})
	s.nextUpdate("t")
	s.mustSend(reconcileCall("t", ""))
	if st := s.nextUpdate("t"); st.GetState() != mesospb.TaskState_TASK_RUNNING || len(st.GetUuid()) != 0 {
		t.Errorf("explicit: %v, want TASK_RUNNING without uuid", st)
	}
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_RECONCILE.Enum(), Reconcile: &schedulerpb.Call_Reconcile{}})
	if st := s.nextUpdate("t"); st.GetState() != mesospb.TaskState_TASK_RUNNING {
		t.Errorf("implicit: %v, want TASK_RUNNING", st)
	}
}

// TestReconcileUnknownTasksByAgent: Mesos's answer for a task it does not
// know depends on the agent named, with its own message each time; other
// than PARTITION_AWARE frameworks get TASK_LOST with the same message.
func TestReconcileUnknownTasksByAgent(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		realAllocator(c)
		c.AgentPingTimeout, c.MaxAgentPingTimeouts = 30*time.Millisecond, 2
	})
	aware := subscribe(t, tm, httpapi.JSON, frameworkInfo("aware", mesospb.FrameworkInfo_Capability_PARTITION_AWARE))
	plain := subscribe(t, tm, httpapi.JSON, frameworkInfo("plain"))
	lost := registerAgent(t, tm, "cpus:1;mem:64", nil) // never answers PING
	eventually(t, "the agent unreachable", func() bool {
		var ok bool
		onLoop(t, tm, func() { _, ok = tm.unreachableAgents[lost.id] })
		return ok
	})
	live := registerAgent(t, tm, "cpus:1;mem:64", nil)
	keepAlive(t, live)
	gone := registerAgent(t, tm, "cpus:1;mem:64", nil)
	keepAlive(t, gone)
	markGone := callOf(masterpb.Call_MARK_AGENT_GONE)
	markGone.MarkAgentGone = &masterpb.Call_MarkAgentGone{AgentId: agentIDProto(gone.id)}
	mustDo(t, tm, httpapi.JSON, markGone, http.StatusOK)

	cases := []struct {
		agent, message string
		aware          mesospb.TaskState
	}{
		{live.id, "Reconciliation: Task is unknown to the agent", mesospb.TaskState_TASK_GONE},
		{lost.id, "Reconciliation: Task is unreachable", mesospb.TaskState_TASK_UNREACHABLE},
		{gone.id, "Reconciliation: Task is gone", mesospb.TaskState_TASK_GONE_BY_OPERATOR},
		{"nobody", "Reconciliation: Task is unknown", mesospb.TaskState_TASK_UNKNOWN},
		{"", "Reconciliation: Task is unknown", mesospb.TaskState_TASK_UNKNOWN},
	}
	for i, c := range cases {
		id := "ghost-" + string(rune('a'+i))
		for _, fw := range []*testScheduler{aware, plain} {
			want := c.aware
			if fw == plain {
				want = mesospb.TaskState_TASK_LOST
			}
			fw.mustSend(reconcileCall(id, c.agent))
			st := fw.nextUpdate(id)
			if st.GetState() != want || st.GetMessage() != c.message || st.GetReason() != mesospb.TaskStatus_REASON_RECONCILIATION ||
				st.GetSource() != mesospb.TaskStatus_SOURCE_MASTER || len(st.GetUuid()) != 0 || st.GetAgentId().GetValue() != c.agent {
				t.Errorf("agent %q, %s: %v, want %v %q", c.agent, fw.events.resp.Request.URL, st, want, c.message)
			}
			if (c.agent == lost.id) != (st.GetUnreachableTime() != nil) {
				t.Errorf("agent %q: unreachable_time %v", c.agent, st.GetUnreachableTime())
			}
		}
	}
}

// TestKillAnswersForTasksItCannotKill: KILL of an unknown task is answered
// as reconciliation (TASK_LOST for a framework that is not partition
// aware); KILL of a task whose agent is unreachable gets TASK_UNREACHABLE
// (Mesos holds such tasks apart and reconciles them) instead of silence.
func TestKillAnswersForTasksItCannotKill(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		realAllocator(c)
		c.AgentPingTimeout, c.MaxAgentPingTimeouts = 30*time.Millisecond, 2
	})
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("killer", mesospb.FrameworkInfo_Capability_PARTITION_AWARE))
	agent := registerAgent(t, tm, "cpus:2;mem:256", nil) // never answers PING
	s.mustSend(killCall("never-launched", agent.id))
	if st := s.nextUpdate("never-launched"); st.GetState() != mesospb.TaskState_TASK_GONE || st.GetMessage() != "Reconciliation: Task is unknown to the agent" {
		t.Errorf("kill of an unknown task: %v", st)
	}
	runningTask(t, s, agent, "t")
	if st := s.nextUpdate("t"); st.GetState() != mesospb.TaskState_TASK_UNREACHABLE {
		t.Fatalf("task on the silent agent: %v", st)
	}
	s.mustSend(killCall("t", agent.id))
	st := s.nextUpdate("t")
	if st.GetState() != mesospb.TaskState_TASK_UNREACHABLE || st.GetReason() != mesospb.TaskStatus_REASON_RECONCILIATION || st.GetUnreachableTime() == nil {
		t.Errorf("kill of a task on an unreachable agent: %v", st)
	}
}

// TestKillIsResentToAReregisteringAgent: a KILL while the task's agent is
// disconnected (not yet unreachable) is not lost: the agent gets it when
// it re-registers still running the task, as Mesos's killedTasks.
func TestKillIsResentToAReregisteringAgent(t *testing.T) {
	tm := startMaster(t, realAllocator)
	agent := registerAgent(t, tm, "cpus:2;mem:256", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("patient"))
	runningTask(t, s, agent, "t")
	agent.events.resp.Body.Close()
	eventually(t, "the agent disconnected", func() bool {
		var gone bool
		onLoop(t, tm, func() { gone = tm.agents[agent.id] != nil && !tm.agents[agent.id].connected() })
		return gone
	})
	policy := &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(3 * time.Second))}}
	kill := killCall("t", agent.id)
	kill.Kill.KillPolicy = policy
	s.mustSend(kill)

	back := registerAgent(t, tm, "cpus:2;mem:256", func(sub *agentmasterpb.AgentCall_Subscribe) {
		sub.AgentInfo.Id = agentIDProto(agent.id)
		sub.Frameworks = []*mesospb.FrameworkInfo{{Id: frameworkIDProto(s.id), User: proto.String("root"), Name: proto.String("patient")}}
		sub.Tasks = []*mesospb.Task{{
			Name: proto.String("t"), TaskId: &mesospb.TaskID{Value: proto.String("t")}, FrameworkId: frameworkIDProto(s.id),
			AgentId: agentIDProto(agent.id), State: mesospb.TaskState_TASK_RUNNING.Enum(),
			Resources: commandTask(t, "t", &mesospb.Offer{}, "cpus:1;mem:32").GetResources(),
		}}
	})
	ev := back.next("KILL_TASK after re-registration", agentmasterpb.AgentEvent_KILL_TASK)
	if ev.GetKillTask().GetTaskId().GetValue() != "t" || ev.GetKillTask().GetKillPolicy().GetGracePeriod().GetNanoseconds() != int64(3*time.Second) {
		t.Errorf("KILL_TASK %v", ev)
	}
}

// TestKillStagingShutdownMessageRequest: KILL of a task not yet started
// reaches its agent; SHUTDOWN and MESSAGE reach the agent; MESSAGE to an
// agent the master does not know and REQUEST are accepted (202) and
// answered with nothing, as in Mesos.
func TestKillStagingShutdownMessageRequest(t *testing.T) {
	tm := startMaster(t, realAllocator)
	agent := registerAgent(t, tm, "cpus:2;mem:256", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("calls"))
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, "staging", offer, "cpus:1;mem:32")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	s.mustSend(killCall("staging", ""))
	if ev := agent.next("KILL_TASK", agentmasterpb.AgentEvent_KILL_TASK); ev.GetKillTask().GetTaskId().GetValue() != "staging" {
		t.Errorf("KILL_TASK %v", ev)
	}

	exec := &mesospb.ExecutorID{Value: proto.String("e")}
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_SHUTDOWN.Enum(), Shutdown: &schedulerpb.Call_Shutdown{ExecutorId: exec, AgentId: agentIDProto(agent.id)}})
	if ev := agent.next("SHUTDOWN_EXECUTOR", agentmasterpb.AgentEvent_SHUTDOWN_EXECUTOR); ev.GetShutdownExecutor().GetExecutorId().GetValue() != "e" ||
		ev.GetShutdownExecutor().GetFrameworkId().GetValue() != s.id {
		t.Errorf("SHUTDOWN_EXECUTOR %v", ev)
	}
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_MESSAGE.Enum(), Message: &schedulerpb.Call_Message{AgentId: agentIDProto(agent.id), ExecutorId: exec, Data: []byte("hi")}})
	if ev := agent.next("FRAMEWORK_MESSAGE", agentmasterpb.AgentEvent_FRAMEWORK_MESSAGE); string(ev.GetFrameworkMessage().GetData()) != "hi" {
		t.Errorf("FRAMEWORK_MESSAGE %v", ev)
	}
	if code, body := s.send(&schedulerpb.Call{Type: schedulerpb.Call_MESSAGE.Enum(), Message: &schedulerpb.Call_Message{AgentId: agentIDProto("nobody"), ExecutorId: exec, Data: []byte("x")}}); code != http.StatusAccepted {
		t.Errorf("MESSAGE to an unknown agent: %d %s, want 202", code, body)
	}
	var invalid float64
	onLoop(t, tm, func() { invalid = tm.loopMetrics()["master/invalid_framework_to_executor_messages"] })
	if invalid != 1 {
		t.Errorf("invalid_framework_to_executor_messages %v, want 1", invalid)
	}
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_REQUEST.Enum(), Request: &schedulerpb.Call_Request{}})
}

// TestDeclineFiltersReviveSuppress: a decline's refuse_seconds keeps the
// agent's resources from the framework; REVIVE clears the filter; SUPPRESS
// stops offers until the next REVIVE.
func TestDeclineFiltersReviveSuppress(t *testing.T) {
	tm := startMaster(t, realAllocator)
	registerAgent(t, tm, "cpus:2;mem:256", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("decliner"))
	noOffer := func(what string) {
		t.Helper()
		deadline := time.After(500 * time.Millisecond)
		for {
			select {
			case ev := <-s.events.events:
				if ev.GetType() == schedulerpb.Event_OFFERS {
					t.Fatalf("%s: got an offer", what)
				}
			case <-deadline:
				return
			}
		}
	}
	decline := func(o *mesospb.Offer, secs float64) {
		s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_DECLINE.Enum(), Decline: &schedulerpb.Call_Decline{
			OfferIds: []*mesospb.OfferID{o.GetId()}, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(secs)},
		}})
	}
	decline(s.nextOffer(), 3600)
	noOffer("declined for an hour")
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()})
	o := s.nextOffer()
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_SUPPRESS.Enum()})
	decline(o, 0)
	noOffer("suppressed")
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()})
	s.nextOffer()
}

// TestFailoverRemakesOffersWithoutRescind: a scheduler failing over (same
// id, within failover_timeout) keeps its tasks; the old stream gets
// "Framework failed over"; offers made to the old one are withdrawn
// quietly (Mesos's failoverFramework sends no RESCIND: the new scheduler
// never saw them) and new ones are made.
func TestFailoverRemakesOffersWithoutRescind(t *testing.T) {
	tm := startMaster(t, realAllocator)
	agent := registerAgent(t, tm, "cpus:2;mem:256", nil)
	info := frameworkInfo("phoenix")
	info.FailoverTimeout = proto.Float64(3600)
	first := subscribe(t, tm, httpapi.JSON, info)
	runningTask(t, first, agent, "t")
	old := first.nextOffer()

	again := proto.Clone(info).(*mesospb.FrameworkInfo)
	again.Id = frameworkIDProto(first.id)
	second := subscribe(t, tm, httpapi.JSON, again)
	if ev := first.events.next(t, "ERROR", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_ERROR }); ev.GetError().GetMessage() != "Framework failed over" {
		t.Errorf("old stream: %v", ev)
	}
	ev := second.events.next(t, "OFFERS or RESCIND", func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_OFFERS || e.GetType() == schedulerpb.Event_RESCIND
	})
	if ev.GetType() != schedulerpb.Event_OFFERS {
		t.Fatalf("new stream got %v before its offers", ev)
	}
	if ev.GetOffers().GetOffers()[0].GetId().GetValue() == old.GetId().GetValue() {
		t.Errorf("the old offer was made again")
	}
	second.mustSend(reconcileCall("t", agent.id))
	if st := second.nextUpdate("t"); st.GetState() != mesospb.TaskState_TASK_RUNNING {
		t.Errorf("task after failover: %v", st)
	}
}

// TestOffersRescindedOnTimeoutAndDeactivation: --offer_timeout rescinds an
// unanswered offer (and the resources come back in a new one); deactivating
// the agent rescinds its offers and makes no more.
func TestOffersRescindedOnTimeoutAndDeactivation(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		realAllocator(c)
		c.OfferTimeout = 200 * time.Millisecond
	})
	agent := registerAgent(t, tm, "cpus:2;mem:256", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("slow"))
	first := s.nextOffer()
	ev := s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	if ev.GetRescind().GetOfferId().GetValue() != first.GetId().GetValue() {
		t.Fatalf("rescinded %v, want %v", ev.GetRescind().GetOfferId(), first.GetId())
	}
	second := s.nextOffer()
	deactivate := callOf(masterpb.Call_DEACTIVATE_AGENT)
	deactivate.DeactivateAgent = &masterpb.Call_DeactivateAgent{AgentId: agentIDProto(agent.id)}
	mustDo(t, tm, httpapi.JSON, deactivate, http.StatusOK)
	ev = s.events.next(t, "RESCIND after deactivation", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	if ev.GetRescind().GetOfferId().GetValue() != second.GetId().GetValue() {
		t.Fatalf("rescinded %v, want %v", ev.GetRescind().GetOfferId(), second.GetId())
	}
	deadline := time.After(500 * time.Millisecond)
	for {
		select {
		case ev := <-s.events.events:
			if ev.GetType() == schedulerpb.Event_OFFERS {
				t.Fatalf("offer from a deactivated agent: %v", ev)
			}
			continue
		case <-deadline:
		}
		break
	}
}

// TestFailoverTimeoutRemovesFramework: a scheduler that stays away longer
// than its failover_timeout is removed: its tasks' agent is told to shut
// the framework down, and the id cannot subscribe again ("Framework has
// been removed", as Mesos).
func TestFailoverTimeoutRemovesFramework(t *testing.T) {
	tm := startMaster(t, realAllocator)
	agent := registerAgent(t, tm, "cpus:2;mem:256", nil)
	info := frameworkInfo("mortal")
	info.FailoverTimeout = proto.Float64(0.1)
	s := subscribe(t, tm, httpapi.JSON, info)
	runningTask(t, s, agent, "t")
	s.events.resp.Body.Close()
	if ev := agent.next("SHUTDOWN_FRAMEWORK", agentmasterpb.AgentEvent_SHUTDOWN_FRAMEWORK); ev.GetShutdownFramework().GetFrameworkId().GetValue() != s.id {
		t.Errorf("SHUTDOWN_FRAMEWORK %v", ev)
	}
	again := proto.Clone(info).(*mesospb.FrameworkInfo)
	again.Id = frameworkIDProto(s.id)
	resp := post(t, tm.srv.URL+"/api/v1/scheduler", httpapi.JSON, &schedulerpb.Call{
		Type: schedulerpb.Call_SUBSCRIBE.Enum(), FrameworkId: again.Id, Subscribe: &schedulerpb.Call_Subscribe{FrameworkInfo: again},
	}, nil)
	events := readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	if ev := events.next(t, "ERROR", func(*schedulerpb.Event) bool { return true }); ev.GetError().GetMessage() != "Framework has been removed" {
		t.Errorf("resubscription of a removed framework: %v", ev)
	}
}
