package master

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/uuid"
)

func frameworkInfo(name string, caps ...mesospb.FrameworkInfo_Capability_Type) *mesospb.FrameworkInfo {
	info := &mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String(name)}
	for _, c := range caps {
		info.Capabilities = append(info.Capabilities, &mesospb.FrameworkInfo_Capability{Type: c.Enum()})
	}
	return info
}

func launchCall(offer *mesospb.Offer, tasks ...*mesospb.TaskInfo) *schedulerpb.Call {
	return &schedulerpb.Call{
		Type: schedulerpb.Call_ACCEPT.Enum(),
		Accept: &schedulerpb.Call_Accept{
			OfferIds: []*mesospb.OfferID{offer.GetId()},
			Operations: []*mesospb.Offer_Operation{{
				Type:   mesospb.Offer_Operation_LAUNCH.Enum(),
				Launch: &mesospb.Offer_Operation_Launch{TaskInfos: tasks},
			}},
		},
	}
}

func commandTask(t *testing.T, id string, offer *mesospb.Offer, res string) *mesospb.TaskInfo {
	t.Helper()
	rs, err := resources.ParseList(res, "*")
	if err != nil {
		t.Fatal(err)
	}
	return &mesospb.TaskInfo{
		Name:      proto.String(id),
		TaskId:    &mesospb.TaskID{Value: proto.String(id)},
		AgentId:   offer.GetAgentId(),
		Resources: rs,
		Command:   &mesospb.CommandInfo{Value: proto.String("sleep 10")},
	}
}

// TestTaskLifecycle drives a framework from SUBSCRIBE to a finished,
// acknowledged task, in both encodings.
func TestTaskLifecycle(t *testing.T) {
	for _, codec := range []httpapi.Codec{httpapi.JSON, httpapi.Protobuf} {
		t.Run(codec.MediaType(), func(t *testing.T) {
			tm := startMaster(t, nil)
			agent := registerAgent(t, tm, "cpus:4;mem:1024;ports:[31000-32000]", nil)
			if !strings.HasPrefix(agent.id, tm.ID()+"-S") {
				t.Errorf("agent id %q does not follow <master-uuid>-S<n>", agent.id)
			}
			s := subscribe(t, tm, codec, frameworkInfo("lifecycle"))
			if s.id != tm.ID()+"-0000" {
				t.Errorf("framework id %q, want %s-0000", s.id, tm.ID())
			}
			if s.streamID == "" {
				t.Error("no Mesos-Stream-Id on the SUBSCRIBE response")
			}

			offer := s.nextOffer()
			if !strings.HasPrefix(offer.GetId().GetValue(), tm.ID()+"-O") {
				t.Errorf("offer id %q does not follow <master-uuid>-O<n>", offer.GetId().GetValue())
			}
			if offer.GetAgentId().GetValue() != agent.id || offer.GetHostname() != "agent-host" {
				t.Errorf("offer %v", offer)
			}
			// A framework without MULTI_ROLE sees no allocation_info.
			for _, r := range offer.GetResources() {
				if r.AllocationInfo != nil {
					t.Fatalf("allocation_info offered to a non-MULTI_ROLE framework: %v", r)
				}
			}

			s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:128")))
			run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
			if run.GetRunTask().GetTask().GetTaskId().GetValue() != "t1" {
				t.Fatalf("RUN_TASK %v", run)
			}
			// The master injects the role into a non-MULTI_ROLE framework's task.
			for _, r := range run.GetRunTask().GetTask().GetResources() {
				if r.GetAllocationInfo().GetRole() != "*" {
					t.Fatalf("task resource without allocation role: %v", r)
				}
			}

			running := uuid.New()
			agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_RUNNING, running.Bytes())
			st := s.nextUpdate("t1")
			if st.GetState() != mesospb.TaskState_TASK_RUNNING || string(st.GetUuid()) != string(running.Bytes()) || st.GetAgentId().GetValue() != agent.id {
				t.Fatalf("update %v", st)
			}
			s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
				AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid,
			}})
			ack := agent.next("ACKNOWLEDGE", agentmasterpb.AgentEvent_ACKNOWLEDGE)
			if string(ack.GetAcknowledge().GetUuid()) != string(running.Bytes()) {
				t.Fatalf("ack %v", ack)
			}

			finished := uuid.New()
			agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_FINISHED, finished.Bytes())
			if st := s.nextUpdate("t1"); st.GetState() != mesospb.TaskState_TASK_FINISHED {
				t.Fatalf("update %v", st)
			}
			s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
				AgentId: agentIDProto(agent.id), TaskId: &mesospb.TaskID{Value: proto.String("t1")}, Uuid: finished.Bytes(),
			}})
			agent.next("ACKNOWLEDGE of TASK_FINISHED", agentmasterpb.AgentEvent_ACKNOWLEDGE)

			// The task's resources come back: a new offer holds all 4 cpus.
			var cpus float64
			for cpus < 4 {
				o := s.nextOffer()
				r, _ := resources.FromProtos(o.GetResources())
				cpus, _ = r.CPUs()
			}
			var completed int
			if err := tm.call(t.Context(), func() {
				completed = len(tm.frameworks[s.id].completedTasks)
			}); err != nil {
				t.Fatal(err)
			}
			if completed != 1 {
				t.Fatalf("%d completed tasks, want 1", completed)
			}
		})
	}
}

func TestStreamIDRules(t *testing.T) {
	tm := startMaster(t, nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("rules"))
	url := tm.srv.URL + "/api/v1/scheduler"
	revive := &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum(), FrameworkId: frameworkIDProto(s.id)}

	if code, _ := status(t, post(t, url, httpapi.JSON, revive, nil)); code != http.StatusBadRequest {
		t.Errorf("missing Mesos-Stream-Id: %d, want 400", code)
	}
	if code, _ := status(t, post(t, url, httpapi.JSON, revive, http.Header{httpapi.StreamIDHeader: {"wrong"}})); code != http.StatusBadRequest {
		t.Errorf("wrong Mesos-Stream-Id: %d, want 400", code)
	}
	unknown := &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum(), FrameworkId: frameworkIDProto("nope")}
	if code, _ := status(t, post(t, url, httpapi.JSON, unknown, http.Header{httpapi.StreamIDHeader: {s.streamID}})); code != http.StatusBadRequest {
		t.Errorf("unknown framework: %d, want 400 (Mesos's BadRequest)", code)
	}
	sub := &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(), Subscribe: &schedulerpb.Call_Subscribe{FrameworkInfo: frameworkInfo("x")}}
	if code, _ := status(t, post(t, url, httpapi.JSON, sub, http.Header{httpapi.StreamIDHeader: {s.streamID}})); code != http.StatusBadRequest {
		t.Errorf("SUBSCRIBE with Mesos-Stream-Id: %d, want 400", code)
	}
	noPayload := &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), FrameworkId: frameworkIDProto(s.id)}
	code, body := status(t, post(t, url, httpapi.JSON, noPayload, http.Header{httpapi.StreamIDHeader: {s.streamID}}))
	if code != http.StatusBadRequest || !strings.Contains(body, "Expecting 'accept' to be present") {
		t.Errorf("ACCEPT without accept: %d %q", code, body)
	}
	if code, _ := s.send(revive); code != http.StatusAccepted {
		t.Errorf("valid REVIVE: %d, want 202", code)
	}
}

func TestBadSubscriptionGetsErrorEvent(t *testing.T) {
	tm := startMaster(t, nil)
	info := frameworkInfo("bad", mesospb.FrameworkInfo_Capability_MULTI_ROLE)
	info.Role = proto.String("eng") // role with MULTI_ROLE is refused
	call := &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(), Subscribe: &schedulerpb.Call_Subscribe{FrameworkInfo: info}}
	resp := post(t, tm.srv.URL+"/api/v1/scheduler", httpapi.JSON, call, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	events := readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	ev := events.next(t, "ERROR", func(e *schedulerpb.Event) bool { return true })
	if ev.GetType() != schedulerpb.Event_ERROR || !strings.Contains(ev.GetError().GetMessage(), "MULTI_ROLE") {
		t.Fatalf("got %v", ev)
	}
}

func TestInvalidTasksGetTaskError(t *testing.T) {
	tm := startMaster(t, nil)
	registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("invalid"))
	offer := s.nextOffer()
	tooBig := commandTask(t, "big", offer, "cpus:3;mem:128")
	noCommand := commandTask(t, "nocmd", offer, "cpus:0.5")
	noCommand.Command = nil
	ok := commandTask(t, "ok", offer, "cpus:1;mem:128")
	dup := commandTask(t, "ok", offer, "cpus:0.5;mem:16")
	s.mustSend(launchCall(offer, tooBig, noCommand, ok, dup))

	for _, c := range []struct{ id, want string }{{"big", "more resources"}, {"nocmd", "CommandInfo or ExecutorInfo"}} {
		id, want := c.id, c.want
		st := s.nextUpdate(id)
		if st.GetState() != mesospb.TaskState_TASK_ERROR || st.GetReason() != mesospb.TaskStatus_REASON_TASK_INVALID || !strings.Contains(st.GetMessage(), want) {
			t.Errorf("task %s: %v", id, st)
		}
	}
	// The duplicate is refused; the first "ok" runs.
	st := s.nextUpdate("ok")
	if st.GetState() != mesospb.TaskState_TASK_ERROR || !strings.Contains(st.GetMessage(), "duplicate ID") {
		t.Errorf("duplicate: %v", st)
	}
}

func TestAcceptWithInvalidOfferDropsTasks(t *testing.T) {
	tm := startMaster(t, nil)
	registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("stale", mesospb.FrameworkInfo_Capability_PARTITION_AWARE))
	offer := s.nextOffer()
	stale := proto.Clone(offer).(*mesospb.Offer)
	stale.Id = &mesospb.OfferID{Value: proto.String("no-such-offer")}
	s.mustSend(launchCall(stale, commandTask(t, "t", offer, "cpus:1")))
	st := s.nextUpdate("t")
	if st.GetState() != mesospb.TaskState_TASK_DROPPED || st.GetReason() != mesospb.TaskStatus_REASON_INVALID_OFFERS {
		t.Fatalf("got %v", st)
	}
}

func TestReconcile(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("reconcile", mesospb.FrameworkInfo_Capability_PARTITION_AWARE))
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, "known", offer, "cpus:1")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.statusUpdate(s.id, "known", mesospb.TaskState_TASK_RUNNING, uuid.New().Bytes())
	s.nextUpdate("known")

	reconcile := func(tasks ...*schedulerpb.Call_Reconcile_Task) {
		s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_RECONCILE.Enum(), Reconcile: &schedulerpb.Call_Reconcile{Tasks: tasks}})
	}
	taskRef := func(id, agentID string) *schedulerpb.Call_Reconcile_Task {
		r := &schedulerpb.Call_Reconcile_Task{TaskId: &mesospb.TaskID{Value: proto.String(id)}}
		if agentID != "" {
			r.AgentId = agentIDProto(agentID)
		}
		return r
	}
	reconcile(taskRef("known", ""), taskRef("ghost", agent.id), taskRef("nowhere", ""))
	// In the order the master answers them (next skips other events).
	cases := []struct {
		id   string
		want mesospb.TaskState
	}{
		{"known", mesospb.TaskState_TASK_RUNNING},
		{"ghost", mesospb.TaskState_TASK_GONE}, // unknown task on a registered agent
		{"nowhere", mesospb.TaskState_TASK_UNKNOWN},
	}
	for _, c := range cases {
		id, want := c.id, c.want
		st := s.nextUpdate(id)
		if st.GetState() != want || st.GetReason() != mesospb.TaskStatus_REASON_RECONCILIATION || len(st.GetUuid()) != 0 {
			t.Errorf("%s: %v, want %v with REASON_RECONCILIATION and no uuid", id, st, want)
		}
		if id == "known" && (st.GetMessage() != "Reconciliation: Latest task state" || st.GetSource() != mesospb.TaskStatus_SOURCE_MASTER) {
			t.Errorf("known: message %q source %v, want Mesos's \"Reconciliation: Latest task state\" from the master", st.GetMessage(), st.GetSource())
		}
	}
	// Implicit reconciliation reports every task the framework has.
	reconcile()
	if st := s.nextUpdate("known"); st.GetState() != mesospb.TaskState_TASK_RUNNING {
		t.Errorf("implicit: %v", st)
	}
}

func TestFrameworkFailover(t *testing.T) {
	tm := startMaster(t, nil)
	info := frameworkInfo("failover")
	info.FailoverTimeout = proto.Float64(60)
	first := subscribe(t, tm, httpapi.JSON, info)
	again := proto.Clone(info).(*mesospb.FrameworkInfo)
	again.Id = frameworkIDProto(first.id)
	second := subscribe(t, tm, httpapi.JSON, again)
	if second.id != first.id {
		t.Fatalf("failover got a new id %s", second.id)
	}
	ev := first.events.next(t, "ERROR on the old stream", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_ERROR })
	if !strings.Contains(ev.GetError().GetMessage(), "failed over") {
		t.Errorf("old stream got %v", ev)
	}
	// The old stream id no longer works; the new one does.
	revive := &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()}
	if code, _ := first.send(revive); code != http.StatusBadRequest {
		t.Errorf("old stream id: %d, want 400", code)
	}
	second.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()})
}

func TestSelfChosenFrameworkID(t *testing.T) {
	tm := startMaster(t, nil)
	info := frameworkInfo("chooser")
	info.Id = frameworkIDProto("my-own-id")
	s := subscribe(t, tm, httpapi.JSON, info)
	if s.id != "my-own-id" {
		t.Fatalf("framework id %q, want my-own-id", s.id)
	}
}

func TestAgentDisconnectRescindsOffers(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("rescind"))
	offer := s.nextOffer()
	agent.events.resp.Body.Close()
	ev := s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	if ev.GetRescind().GetOfferId().GetValue() != offer.GetId().GetValue() {
		t.Fatalf("rescinded %v, want %v", ev.GetRescind().GetOfferId(), offer.GetId())
	}
}

func TestMultiRoleOffersCarryAllocationInfo(t *testing.T) {
	tm := startMaster(t, nil)
	registerAgent(t, tm, "cpus:2;mem:512", nil)
	info := frameworkInfo("multi", mesospb.FrameworkInfo_Capability_MULTI_ROLE)
	info.Roles = []string{"eng"}
	s := subscribe(t, tm, httpapi.JSON, info)
	offer := s.nextOffer()
	if offer.GetAllocationInfo().GetRole() != "eng" {
		t.Fatalf("offer allocation_info %v", offer.GetAllocationInfo())
	}
	for _, r := range offer.GetResources() {
		if r.GetAllocationInfo().GetRole() != "eng" {
			t.Fatalf("resource %v lacks allocation_info role eng", r)
		}
	}
}
