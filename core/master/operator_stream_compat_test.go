package master

import (
	"bufio"
	"bytes"
	"encoding/json"
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
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/uuid"
)

// The operator event stream as Mesos 1.11 writes it (master.cpp's
// updateTask and removeFramework, readonly_handler.cpp's subscribe,
// protobuf_utils.cpp's createFramework*), checked event by event.

// nextEvent is the stream's next event, whatever it is.
func nextEvent(t *testing.T, s *stream[*masterpb.Event]) *masterpb.Event {
	t.Helper()
	select {
	case ev := <-s.events:
		return ev
	case <-s.done:
		select {
		case ev := <-s.events:
			return ev
		default:
		}
		t.Fatal("the operator stream ended")
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for an operator event")
	}
	return nil
}

// eventsUntil gathers the events up to (without) the first stop accepts,
// leaving out heartbeats.
func eventsUntil(t *testing.T, s *stream[*masterpb.Event], stop func(*masterpb.Event) bool) []*masterpb.Event {
	t.Helper()
	var out []*masterpb.Event
	for {
		ev := nextEvent(t, s)
		if stop(ev) {
			return out
		}
		if ev.GetType() != masterpb.Event_HEARTBEAT {
			out = append(out, ev)
		}
	}
}

func sendStatus(a *testAgent, frameworkID string, st *mesospb.TaskStatus) {
	a.t.Helper()
	a.send(&agentmasterpb.AgentCall{
		Type:         agentmasterpb.AgentCall_STATUS_UPDATE.Enum(),
		StatusUpdate: &agentmasterpb.AgentCall_StatusUpdate{FrameworkId: frameworkIDProto(frameworkID), Status: st},
	})
}

func executorStatus(taskID string, state mesospb.TaskState) *mesospb.TaskStatus {
	return &mesospb.TaskStatus{
		TaskId: &mesospb.TaskID{Value: proto.String(taskID)},
		State:  state.Enum(),
		Source: mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(),
		Uuid:   uuid.New().Bytes(),
	}
}

// TestOperatorSubscribedThenHeartbeat: SUBSCRIBED (the state and Mesos's
// heartbeat interval) is followed at once by a HEARTBEAT, long before the
// first interval is over, in both encodings.
func TestOperatorSubscribedThenHeartbeat(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.HeartbeatInterval = time.Hour })
	for _, codec := range codecs {
		t.Run(codec.MediaType(), func(t *testing.T) {
			events := operatorStream(t, tm, codec)
			first := nextEvent(t, events)
			if first.GetType() != masterpb.Event_SUBSCRIBED || first.GetSubscribed().GetGetState() == nil ||
				first.GetSubscribed().GetHeartbeatIntervalSeconds() != 3600 {
				t.Fatalf("first event %v", first)
			}
			if second := nextEvent(t, events); second.GetType() != masterpb.Event_HEARTBEAT {
				t.Fatalf("second event %v, want HEARTBEAT", second)
			}
		})
	}
}

// TestOperatorTaskUpdatedOnChange: TASK_UPDATED is sent when a task's state
// changes, and for every (health) check result, with the status as the
// agent sent it (data included); a repeated state, or anything after a
// terminal state, is not news.
func TestOperatorTaskUpdatedOnChange(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("updates"))
	events := operatorStream(t, tm, httpapi.JSON)
	events.next(t, "SUBSCRIBED", eventOf(masterpb.Event_SUBSCRIBED))

	offer := s.offerOn(agent.id)
	s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:128")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)

	running := executorStatus("t1", mesospb.TaskState_TASK_RUNNING)
	running.Data = []byte("payload")
	sendStatus(agent, s.id, running)
	sendStatus(agent, s.id, executorStatus("t1", mesospb.TaskState_TASK_RUNNING))
	health := executorStatus("t1", mesospb.TaskState_TASK_RUNNING)
	health.Reason = mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED.Enum()
	health.Healthy = proto.Bool(true)
	sendStatus(agent, s.id, health)
	sendStatus(agent, s.id, executorStatus("t1", mesospb.TaskState_TASK_FINISHED))
	// Not acknowledged yet, so the task is still known: a second terminal
	// state does not change it.
	sendStatus(agent, s.id, executorStatus("t1", mesospb.TaskState_TASK_FAILED))
	s.nextUpdate("t1")
	// A marker: the events before it are all the task's.
	registerAgent(t, tm, "cpus:1;mem:64", nil)

	got := eventsUntil(t, events, eventOf(masterpb.Event_AGENT_ADDED))
	type seen struct {
		typ    masterpb.Event_Type
		state  mesospb.TaskState
		reason mesospb.TaskStatus_Reason
	}
	var summary []seen
	for _, ev := range got {
		switch ev.GetType() {
		case masterpb.Event_TASK_ADDED:
			summary = append(summary, seen{ev.GetType(), ev.GetTaskAdded().GetTask().GetState(), 0})
		case masterpb.Event_TASK_UPDATED:
			u := ev.GetTaskUpdated()
			if u.GetStatus().GetState() != u.GetState() || u.GetFrameworkId().GetValue() != s.id {
				t.Errorf("TASK_UPDATED %v", ev)
			}
			summary = append(summary, seen{ev.GetType(), u.GetState(), u.GetStatus().GetReason()})
		default:
			t.Errorf("unexpected event %v", ev)
		}
	}
	want := []seen{
		{masterpb.Event_TASK_ADDED, mesospb.TaskState_TASK_STAGING, 0},
		{masterpb.Event_TASK_UPDATED, mesospb.TaskState_TASK_RUNNING, 0},
		{masterpb.Event_TASK_UPDATED, mesospb.TaskState_TASK_RUNNING, mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED},
		{masterpb.Event_TASK_UPDATED, mesospb.TaskState_TASK_FINISHED, 0},
	}
	if len(summary) != len(want) {
		t.Fatalf("events %v, want %v", summary, want)
	}
	for i := range want {
		if summary[i] != want[i] {
			t.Fatalf("events %v, want %v", summary, want)
		}
	}
	if d := got[1].GetTaskUpdated().GetStatus().GetData(); string(d) != "payload" {
		t.Errorf("TASK_UPDATED status data %q, want the agent's", d)
	}
	// The state endpoints still keep the statuses without their data.
	tasks := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_TASKS)).GetGetTasks().GetTasks()
	if len(tasks) != 1 || len(tasks[0].GetStatuses()) == 0 || tasks[0].GetStatuses()[0].Data != nil {
		t.Errorf("GET_TASKS %v", tasks)
	}
}

// TestOperatorTeardownEvents: TEARDOWN kills the framework's tasks
// (TASK_UPDATED, TASK_KILLED, with Mesos's reason and message) and then
// removes it (FRAMEWORK_REMOVED), in that order.
func TestOperatorTeardownEvents(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("torn-down"))
	offer := s.offerOn(agent.id)
	s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:128")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_RUNNING, uuid.New().Bytes())
	s.nextUpdate("t1")

	events := operatorStream(t, tm, httpapi.Protobuf)
	events.next(t, "SUBSCRIBED", eventOf(masterpb.Event_SUBSCRIBED))
	td := callOf(masterpb.Call_TEARDOWN)
	td.Teardown = &masterpb.Call_Teardown{FrameworkId: frameworkIDProto(s.id)}
	mustDo(t, tm, httpapi.JSON, td, http.StatusOK)

	got := eventsUntil(t, events, eventOf(masterpb.Event_FRAMEWORK_REMOVED))
	var updates []*masterpb.Event
	for _, ev := range got {
		if ev.GetType() == masterpb.Event_TASK_UPDATED {
			updates = append(updates, ev)
		} else if ev.GetType() != masterpb.Event_FRAMEWORK_UPDATED {
			t.Errorf("unexpected event before FRAMEWORK_REMOVED: %v", ev)
		}
	}
	if len(updates) != 1 {
		t.Fatalf("TASK_UPDATED before FRAMEWORK_REMOVED: %v", updates)
	}
	u := updates[0].GetTaskUpdated()
	st := u.GetStatus()
	if u.GetState() != mesospb.TaskState_TASK_KILLED || st.GetSource() != mesospb.TaskStatus_SOURCE_MASTER ||
		st.GetReason() != mesospb.TaskStatus_REASON_FRAMEWORK_REMOVED || st.GetMessage() != "Framework "+s.id+" removed" {
		t.Errorf("TASK_UPDATED on teardown: %v", u)
	}
}

// TestOperatorFrameworkEventTimes: FRAMEWORK_ADDED and FRAMEWORK_UPDATED
// carry all three times (Mesos's createFrameworkAdded/Updated), the
// reregistered time starting equal to the registered one and the
// unregistered one at the epoch; GET_FRAMEWORKS shows the reregistered
// time as well.
func TestOperatorFrameworkEventTimes(t *testing.T) {
	tm := startMaster(t, nil)
	events := operatorStream(t, tm, httpapi.JSON)
	events.next(t, "SUBSCRIBED", eventOf(masterpb.Event_SUBSCRIBED))
	info := frameworkInfo("timed")
	info.FailoverTimeout = proto.Float64(60)
	s := subscribe(t, tm, httpapi.JSON, info)

	added := events.next(t, "FRAMEWORK_ADDED", eventOf(masterpb.Event_FRAMEWORK_ADDED)).GetFrameworkAdded().GetFramework()
	if added.RegisteredTime == nil || added.ReregisteredTime == nil || added.UnregisteredTime == nil {
		t.Fatalf("FRAMEWORK_ADDED times: %v", added)
	}
	if added.GetRegisteredTime().GetNanoseconds() == 0 ||
		added.GetReregisteredTime().GetNanoseconds() != added.GetRegisteredTime().GetNanoseconds() ||
		added.GetUnregisteredTime().GetNanoseconds() != 0 {
		t.Errorf("FRAMEWORK_ADDED times: %v", added)
	}
	if len(added.GetAllocatedResources()) != 0 || len(added.GetOffers()) != 0 {
		t.Errorf("FRAMEWORK_ADDED has GET_FRAMEWORKS' resources or offers: %v", added)
	}
	fws := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_FRAMEWORKS)).GetGetFrameworks().GetFrameworks()
	if len(fws) != 1 || fws[0].GetReregisteredTime().GetNanoseconds() != added.GetRegisteredTime().GetNanoseconds() ||
		fws[0].UnregisteredTime != nil {
		t.Errorf("GET_FRAMEWORKS times: %v", fws)
	}

	s.events.resp.Body.Close()
	updated := events.next(t, "FRAMEWORK_UPDATED", eventOf(masterpb.Event_FRAMEWORK_UPDATED)).GetFrameworkUpdated().GetFramework()
	if updated.GetUnregisteredTime().GetNanoseconds() == 0 || updated.GetConnected() || updated.GetActive() ||
		updated.GetRegisteredTime().GetNanoseconds() != added.GetRegisteredTime().GetNanoseconds() {
		t.Errorf("FRAMEWORK_UPDATED on disconnection: %v", updated)
	}
}

// TestOperatorJSONListsAlwaysWritten: in JSON, GET_STATE, GET_TASKS,
// GET_EXECUTORS, GET_FRAMEWORKS, GET_AGENTS and SUBSCRIBED write their
// lists even when empty, as Mesos's jsonify* do.
func TestOperatorJSONListsAlwaysWritten(t *testing.T) {
	tm := startMaster(t, nil)
	const (
		tasks      = `{"tasks":[],"unreachable_tasks":[],"completed_tasks":[]}`
		executors  = `{"executors":[]}`
		frameworks = `{"frameworks":[],"completed_frameworks":[]}`
		agents     = `{"agents":[],"recovered_agents":[]}`
		state      = `{"get_tasks":` + tasks + `,"get_executors":` + executors + `,"get_frameworks":` + frameworks + `,"get_agents":` + agents + `}`
	)
	cases := map[masterpb.Call_Type]string{
		masterpb.Call_GET_STATE:      `{"type":"GET_STATE","get_state":` + state + `}`,
		masterpb.Call_GET_TASKS:      `{"type":"GET_TASKS","get_tasks":` + tasks + `}`,
		masterpb.Call_GET_EXECUTORS:  `{"type":"GET_EXECUTORS","get_executors":` + executors + `}`,
		masterpb.Call_GET_FRAMEWORKS: `{"type":"GET_FRAMEWORKS","get_frameworks":` + frameworks + `}`,
		masterpb.Call_GET_AGENTS:     `{"type":"GET_AGENTS","get_agents":` + agents + `}`,
		// The others are the usual mapping.
		masterpb.Call_GET_HEALTH:  `{"type":"GET_HEALTH","get_health":{"healthy":true}}`,
		masterpb.Call_GET_WEIGHTS: `{"type":"GET_WEIGHTS","get_weights":{}}`,
	}
	for typ, want := range cases {
		code, body := operatorStatus(t, tm, httpapi.JSON, callOf(typ))
		if code != http.StatusOK || body != want {
			t.Errorf("%s: %d\n%s\nwant\n%s", typ, code, body, want)
		}
	}

	resp := operator(t, tm, httpapi.JSON, callOf(masterpb.Call_SUBSCRIBE))
	defer resp.Body.Close()
	rec, err := recordio.NewReader(bufio.NewReader(resp.Body), 0).ReadRecord()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"SUBSCRIBED","subscribed":{"get_state":` + state + `,"heartbeat_interval_seconds":15}}`; string(rec) != want {
		t.Errorf("SUBSCRIBED\n%s\nwant\n%s", rec, want)
	}
}

// TestOperatorJSONSameContent: with everything populated, the JSON of the
// operator responses decodes to what the protobuf encoding carries.
func TestOperatorJSONSameContent(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := registerAgent(t, tm, "cpus:2;mem:512;disk:100", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("content"))
	offer := s.offerOn(agent.id)
	s.mustSend(launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:128"), commandTask(t, "t2", offer, "cpus:0.5;mem:32")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.statusUpdate(s.id, "t1", mesospb.TaskState_TASK_RUNNING, uuid.New().Bytes())
	agent.statusUpdate(s.id, "t2", mesospb.TaskState_TASK_FAILED, nil)
	s.nextUpdate("t2")
	// t2's resources come back in an offer; then nothing changes (the rest
	// of the first offer is filtered for 5 s).
	s.nextOffer()
	for _, typ := range []masterpb.Call_Type{masterpb.Call_GET_STATE, masterpb.Call_GET_TASKS, masterpb.Call_GET_FRAMEWORKS,
		masterpb.Call_GET_AGENTS, masterpb.Call_GET_ROLES, masterpb.Call_GET_MASTER, masterpb.Call_GET_VERSION} {
		fromJSON := mustGet(t, tm, httpapi.JSON, callOf(typ))
		// Through the plain JSON mapping, which writes the fields with a
		// default (agent_info.port) as Mesos does, and reads them back.
		plain, err := httpapi.JSON.Marshal(mustGet(t, tm, httpapi.Protobuf, callOf(typ)))
		if err != nil {
			t.Fatal(err)
		}
		fromProto := &masterpb.Response{}
		if err := httpapi.JSON.Unmarshal(plain, fromProto); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(fromJSON, fromProto) {
			t.Errorf("%s: JSON and protobuf differ:\n%v\n%v", typ, fromJSON, fromProto)
		}
	}
	code, body := operatorStatus(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_STATE))
	if code != http.StatusOK || !json.Valid([]byte(body)) || !strings.Contains(body, `"unreachable_tasks":[]`) ||
		!strings.Contains(body, `"completed_tasks":[{`) {
		t.Errorf("GET_STATE JSON: %d %s", code, body)
	}
	// The same bytes as the plain encoding once the empty lists are out.
	plain, err := httpapi.JSON.Marshal(mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_STATE)))
	if err != nil {
		t.Fatal(err)
	}
	trimmed := body
	for _, empty := range []string{`"unreachable_tasks":[],`, `,"recovered_agents":[]`, `"executors":[]`, `,"completed_frameworks":[]`} {
		trimmed = strings.Replace(trimmed, empty, "", 1)
	}
	if !bytes.Equal([]byte(trimmed), plain) {
		t.Errorf("GET_STATE JSON beyond its lists:\n%s\nplain\n%s", trimmed, plain)
	}
}

// TestOperatorGetRolesQuantities: GET_ROLES's resources are the role's
// allocated and offered quantities of cpus, disk, gpus and mem, bare, as
// Mesos 1.11 writes them.
func TestOperatorGetRolesQuantities(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := registerAgent(t, tm, "cpus:2;mem:512;disk:100;ports:[31000-31010]", nil)
	info := frameworkInfo("roles")
	info.Role = proto.String("web")
	s := subscribe(t, tm, httpapi.JSON, info)
	// Everything is offered to web (ports are no quantity GET_ROLES shows).
	s.offerOn(agent.id)

	code, body := operatorStatus(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_ROLES))
	want := `{"type":"GET_ROLES","get_roles":{"roles":[{"name":"web","weight":1,"frameworks":[{"value":"` + s.id + `"}],` +
		`"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":2}},{"name":"disk","type":"SCALAR","scalar":{"value":100}},` +
		`{"name":"mem","type":"SCALAR","scalar":{"value":512}}]}]}}`
	if code != http.StatusOK || body != want {
		t.Errorf("GET_ROLES: %d\n%s\nwant\n%s", code, body, want)
	}
}

// TestOperatorRequestErrorTexts: a request POST /api/v1 cannot take is
// answered with Mesos's status and text (Master::Http::api).
func TestOperatorRequestErrorTexts(t *testing.T) {
	tm := startMaster(t, nil)
	url := tm.srv.URL + "/api/v1"
	cases := []struct {
		name, contentType, accept, body string
		want                            int
		text                            string
	}{
		{"no Content-Type", "", "", `{"type":"GET_HEALTH"}`, 400, "Expecting 'Content-Type' to be present"},
		{"other Content-Type", "text/plain", "", `{"type":"GET_HEALTH"}`, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf"},
		{"not JSON", "application/json", "", `{"type":`, 400, "Failed to parse body into JSON: "},
		{"not a Call", "application/json", "", `{"type":"GET_METRICS","get_metrics":{"timeout":"soon"}}`, 400, "Failed to convert JSON into Call protobuf: "},
		{"not protobuf", "application/x-protobuf", "", "\xff\xff\xff", 400, "Failed to parse body into Call protobuf"},
		{"Accept neither", "application/json", "text/html", `{"type":"GET_HEALTH"}`, 406, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'"},
		{"Accept checked after the call", "application/json", "text/html", `{}`, 400, "Failed to validate master::Call: Expecting 'type' to be present"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("POST", url, strings.NewReader(c.body))
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		if c.accept != "" {
			req.Header.Set("Accept", c.accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		code, body := status(t, resp)
		if code != c.want || !strings.HasPrefix(body, c.text) {
			t.Errorf("%s: %d %q, want %d %q", c.name, code, body, c.want, c.text)
		}
	}
}
