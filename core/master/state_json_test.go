package master

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/uuid"
)

// stateFixture is a master with an agent (with attributes and ports) and a
// framework running a task whose status carries an IP address.
type stateFixture struct {
	tm    *testMaster
	agent *testAgent
	s     *testScheduler
}

func newStateFixture(t *testing.T) *stateFixture {
	tm := startMaster(t, func(c *Config) {
		c.Cluster = "test-cluster"
		c.Flags = map[string]string{"zk": "zk://10.0.0.1:2181/mesos", "quorum": "2", "port": "5050"}
	})
	agent := registerAgent(t, tm, "cpus:4;mem:1024;disk:2048;ports:[31000-31000,31005-31010]", func(s *agentmasterpb.AgentCall_Subscribe) {
		attrs, err := resources.ParseAttributes("rack:r1;zone:2;os:linux")
		if err != nil {
			t.Fatal(err)
		}
		s.AgentInfo.Attributes = attrs
	})
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("stateful"))
	offer := s.nextOffer()
	task := commandTask(t, "web-1", offer, "cpus:0.1;mem:32;ports:[31000-31000]")
	task.Labels = &mesospb.Labels{Labels: []*mesospb.Label{{Key: proto.String("tier"), Value: proto.String("front")}}}
	task.Discovery = &mesospb.DiscoveryInfo{Visibility: mesospb.DiscoveryInfo_EXTERNAL.Enum(), Name: proto.String("web")}
	s.mustSend(launchCall(offer, task))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.send(&agentmasterpb.AgentCall{
		Type: agentmasterpb.AgentCall_STATUS_UPDATE.Enum(),
		StatusUpdate: &agentmasterpb.AgentCall_StatusUpdate{
			FrameworkId: frameworkIDProto(s.id),
			Status: &mesospb.TaskStatus{
				TaskId:    &mesospb.TaskID{Value: proto.String("web-1")},
				State:     mesospb.TaskState_TASK_RUNNING.Enum(),
				Source:    mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(),
				Uuid:      uuid.New().Bytes(),
				Timestamp: proto.Float64(1700000000.5),
				ContainerStatus: &mesospb.ContainerStatus{NetworkInfos: []*mesospb.NetworkInfo{{
					IpAddresses: []*mesospb.NetworkInfo_IPAddress{{IpAddress: proto.String("10.1.2.3")}},
				}}},
			},
		},
	})
	s.nextUpdate("web-1")
	return &stateFixture{tm: tm, agent: agent, s: s}
}

// TestStateDocument checks /master/state field by field against WIRE.md
// and Mesos's readonly handler.
func TestStateDocument(t *testing.T) {
	f := newStateFixture(t)
	tm := f.tm
	state := getJSON(t, tm.srv.URL+"/master/state")
	want := map[string]any{
		"leader":             "master@" + tm.cfg.IP + ":" + itoa(tm.cfg.Port),
		"pid":                "master@" + tm.cfg.IP + ":" + itoa(tm.cfg.Port),
		"id":                 tm.ID(),
		"version":            "1.11.0",
		"activated_slaves":   1.0,
		"deactivated_slaves": 0.0,
		"unreachable_slaves": 0.0,
		"cluster":            "test-cluster",
	}
	for k, v := range want {
		if state[k] != v {
			t.Errorf("%s = %v, want %v", k, state[k], v)
		}
	}
	for _, k := range []string{"elected_time", "start_time", "build_date", "build_time", "hostname", "capabilities", "leader_info",
		"recovered_slaves", "completed_frameworks", "orphan_tasks", "unregistered_frameworks"} {
		if _, ok := state[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if jpath(t, state, "flags", "zk") != "zk://10.0.0.1:2181/mesos" || jpath(t, state, "flags", "quorum") != "2" {
		t.Errorf("flags %v", state["flags"])
	}
	if jpath(t, state, "leader_info", "id") != tm.ID() {
		t.Errorf("leader_info %v", state["leader_info"])
	}

	slave := jpath(t, state, "slaves", "0")
	for k, v := range map[string]any{
		"id": f.agent.id, "hostname": "agent-host", "pid": "slave(1)@127.0.0.1:5051", "port": 5051.0,
		"active": true, "version": "1.11.0",
	} {
		if got := jpath(t, slave, k); got != v {
			t.Errorf("slave %s = %v, want %v", k, got, v)
		}
	}
	for k, v := range map[string]any{"rack": "r1", "zone": 2.0, "os": "linux"} {
		if got := jpath(t, slave, "attributes", k); got != v {
			t.Errorf("attribute %s = %v, want %v", k, got, v)
		}
	}
	for k, v := range map[string]any{"cpus": 4.0, "mem": 1024.0, "disk": 2048.0, "gpus": 0.0, "ports": "[31000-31000, 31005-31010]"} {
		if got := jpath(t, slave, "resources", k); got != v {
			t.Errorf("slave resources %s = %v, want %v", k, got, v)
		}
	}
	if got := jpath(t, slave, "used_resources", "cpus"); got != 0.1 {
		t.Errorf("used cpus %v", got)
	}
	if got := jpath(t, slave, "used_resources", "ports"); got != "[31000-31000]" {
		t.Errorf("used ports %v", got)
	}
	if got := jpath(t, slave, "unreserved_resources", "mem"); got != 1024.0 {
		t.Errorf("unreserved mem %v", got)
	}
	for _, k := range []string{"registered_time", "offered_resources", "reserved_resources", "capabilities"} {
		jpath(t, slave, k)
	}

	fw := jpath(t, state, "frameworks", "0")
	for k, v := range map[string]any{
		"id": f.s.id, "name": "stateful", "active": true, "connected": true, "recovered": false,
		"user": "root", "role": "*", "unregistered_time": 0.0, "checkpoint": false, "failover_timeout": 0.0,
	} {
		if got := jpath(t, fw, k); got != v {
			t.Errorf("framework %s = %v, want %v", k, got, v)
		}
	}
	for _, k := range []string{"registered_time", "used_resources", "offered_resources", "resources", "capabilities",
		"hostname", "webui_url", "unreachable_tasks", "completed_tasks", "offers", "executors"} {
		jpath(t, fw, k)
	}
	task := jpath(t, fw, "tasks", "0")
	for k, v := range map[string]any{
		"id": "web-1", "name": "web-1", "framework_id": f.s.id, "slave_id": f.agent.id, "executor_id": "",
		"state": "TASK_RUNNING", "role": "*", "user": "root",
	} {
		if got := jpath(t, task, k); got != v {
			t.Errorf("task %s = %v, want %v", k, got, v)
		}
	}
	if got := jpath(t, task, "resources", "mem"); got != 32.0 {
		t.Errorf("task mem %v", got)
	}
	if got := jpath(t, task, "statuses", "0", "state"); got != "TASK_RUNNING" {
		t.Errorf("status state %v", got)
	}
	if got := jpath(t, task, "statuses", "0", "timestamp"); got != 1700000000.5 {
		t.Errorf("status timestamp %v", got)
	}
	if got := jpath(t, task, "statuses", "0", "container_status", "network_infos", "0", "ip_addresses", "0", "ip_address"); got != "10.1.2.3" {
		t.Errorf("ip_address %v", got)
	}
	if got := jpath(t, task, "labels", "0", "key"); got != "tier" {
		t.Errorf("labels %v", jpath(t, task, "labels"))
	}
	if got := jpath(t, task, "discovery", "name"); got != "web" {
		t.Errorf("discovery %v", jpath(t, task, "discovery"))
	}
	if got := jpath(t, task, "discovery", "visibility"); got != "EXTERNAL" {
		t.Errorf("discovery visibility %v", got)
	}

	// The other names of the same document, and the double slash some
	// clients send, all answer without redirecting.
	for _, p := range []string{"/master/state.json", "/state", "/state.json", "//master/state"} {
		doc := getJSON(t, tm.srv.URL+p)
		if doc["id"] != tm.ID() || len(doc["slaves"].([]any)) != 1 {
			t.Errorf("%s differs", p)
		}
	}
	// JSONP.
	resp, err := http.Get(tm.srv.URL + "/master/state?jsonp=cb")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(body), "cb({") || !strings.HasSuffix(string(body), "});") || resp.Header.Get("Content-Type") != "text/javascript" {
		t.Errorf("jsonp: %q %q", resp.Header.Get("Content-Type"), body[:20])
	}

	// A completed task and framework appear in their lists.
	f.agent.statusUpdate(f.s.id, "web-1", mesospb.TaskState_TASK_FINISHED, nil)
	eventually(t, "the task completed", func() bool {
		st := getJSON(t, tm.srv.URL+"/master/state")
		done := jpath(t, st, "frameworks", "0", "completed_tasks").([]any)
		return len(done) == 1 && jpath(t, done[0], "state") == "TASK_FINISHED"
	})
	f.s.events.resp.Body.Close()
	eventually(t, "the framework completed", func() bool {
		st := getJSON(t, tm.srv.URL+"/master/state")
		done := st["completed_frameworks"].([]any)
		return len(done) == 1 && jpath(t, done[0], "active") == false && jpath(t, done[0], "unregistered_time").(float64) > 0
	})
}

func TestStateSummaryAndFriends(t *testing.T) {
	f := newStateFixture(t)
	url := f.tm.srv.URL

	summary := getJSON(t, url+"/master/state-summary")
	if jpath(t, summary, "cluster") != "test-cluster" || jpath(t, summary, "slaves", "0", "TASK_RUNNING") != 1.0 ||
		jpath(t, summary, "slaves", "0", "framework_ids", "0") != f.s.id || jpath(t, summary, "frameworks", "0", "slave_ids", "0") != f.agent.id ||
		jpath(t, summary, "frameworks", "0", "TASK_RUNNING") != 1.0 {
		t.Errorf("state-summary %v", summary)
	}
	fws := getJSON(t, url+"/master/frameworks")
	if jpath(t, fws, "frameworks", "0", "id") != f.s.id || len(fws["unregistered_frameworks"].([]any)) != 0 {
		t.Errorf("/frameworks %v", fws)
	}
	if n := len(getJSON(t, url+"/master/frameworks?framework_id=other")["frameworks"].([]any)); n != 0 {
		t.Errorf("/frameworks?framework_id=other has %d", n)
	}
	slaves := getJSON(t, url+"/slaves")
	if jpath(t, slaves, "slaves", "0", "id") != f.agent.id {
		t.Errorf("/slaves %v", slaves)
	}
	for _, k := range []string{"reserved_resources_full", "unreserved_resources_full", "used_resources_full", "offered_resources_full"} {
		jpath(t, slaves, "slaves", "0", k)
	}
	if got := jpath(t, slaves, "slaves", "0", "used_resources_full", "0", "name"); got != "cpus" {
		t.Errorf("used_resources_full %v", got)
	}
	roles := getJSON(t, url+"/master/roles")
	if jpath(t, roles, "roles", "0", "name") != "*" || jpath(t, roles, "roles", "0", "frameworks", "0") != f.s.id ||
		jpath(t, roles, "roles", "0", "resources", "cpus") == 0.0 {
		t.Errorf("/roles %v", roles)
	}

	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(url + "/master/redirect")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != "//"+f.tm.cfg.IP+":"+itoa(f.tm.cfg.Port) {
		t.Errorf("/master/redirect: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, p := range []string{"/health", "/master/health"} {
		resp, err := http.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	if v := getJSON(t, url+"/version"); v["version"] != "1.11.0" {
		t.Errorf("/version %v", v)
	}
	if fl := getJSON(t, url+"/flags"); jpath(t, fl, "flags", "quorum") != "2" {
		t.Errorf("/flags %v", fl)
	}
}

func TestTasksEndpoint(t *testing.T) {
	tm := startMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:8;mem:1024", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("many"))
	offer := s.nextOffer()
	var tasks []*mesospb.TaskInfo
	for _, id := range []string{"a", "b", "c", "d"} {
		tasks = append(tasks, commandTask(t, id, offer, "cpus:1;mem:16"))
	}
	s.mustSend(launchCall(offer, tasks...))
	// Their first statuses in the order c, a, d, b.
	for i, id := range []string{"c", "a", "d", "b"} {
		agent.send(&agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_STATUS_UPDATE.Enum(), StatusUpdate: &agentmasterpb.AgentCall_StatusUpdate{
			FrameworkId: frameworkIDProto(s.id),
			Status: &mesospb.TaskStatus{TaskId: &mesospb.TaskID{Value: proto.String(id)}, State: mesospb.TaskState_TASK_RUNNING.Enum(),
				Source: mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(), Uuid: uuid.New().Bytes(), Timestamp: proto.Float64(float64(100 + i))},
		}})
		s.nextUpdate(id)
	}
	ids := func(query string) []string {
		doc := getJSON(t, tm.srv.URL+"/master/tasks"+query)
		var out []string
		for _, x := range doc["tasks"].([]any) {
			out = append(out, x.(map[string]any)["id"].(string))
		}
		return out
	}
	for query, want := range map[string]string{
		"":                            "b,d,a,c",
		"?order=asc":                  "c,a,d,b",
		"?order=asc&limit=2":          "c,a",
		"?order=asc&limit=2&offset=1": "a,d",
		"?offset=3":                   "c",
		"?offset=9":                   "",
		"?limit=x":                    "b,d,a,c",
		"?limit=-1":                   "b,d,a,c",
		"?offset=-1":                  "",
		"?task_id=d":                  "d",
		"?framework_id=other":         "",
	} {
		if got := strings.Join(ids(query), ","); got != want {
			t.Errorf("/tasks%s = %s, want %s", query, got, want)
		}
	}
	if n := len(ids("")); n != 4 {
		t.Errorf("%d tasks", n)
	}
}

// TestMetricsSnapshot checks Mesos's metric names and that they agree with
// the state.
func TestMetricsSnapshot(t *testing.T) {
	f := newStateFixture(t)
	resp, err := http.Get(f.tm.srv.URL + "/metrics/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	var metrics map[string]float64
	if err := json.Unmarshal(body, &metrics); err != nil {
		t.Fatalf("not one flat object of numbers: %v", err)
	}
	for name, want := range map[string]float64{
		"master/elected": 1, "master/cpus_total": 4, "master/cpus_used": 0.1, "master/cpus_percent": 0.025,
		"master/mem_total": 1024, "master/mem_used": 32, "master/disk_total": 2048, "master/gpus_total": 0,
		"master/slaves_active": 1, "master/slaves_connected": 1, "master/slaves_inactive": 0, "master/slaves_disconnected": 0,
		"master/frameworks_active": 1, "master/frameworks_connected": 1, "master/frameworks_inactive": 0,
		"master/tasks_running": 1, "master/tasks_staging": 0, "master/tasks_finished": 0,
		"master/slave_registrations": 1, "master/messages_launch_tasks": 1, "master/messages_status_update": 1,
		"master/valid_status_updates": 1, "master/outstanding_offers": metrics["master/outstanding_offers"],
		"master/operator_event_stream_subscribers": 0, "master/cpus_revocable_total": 0,
		"master/messages_register_framework": 1,
	} {
		got, ok := metrics[name]
		if !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
		}
	}
	for _, name := range []string{
		"master/uptime_secs", "master/event_queue_messages", "master/valid_framework_to_executor_messages",
		"master/tasks_killing", "master/tasks_lost", "master/tasks_error", "master/tasks_dropped", "master/tasks_unreachable",
		"master/tasks_gone", "master/tasks_gone_by_operator", "master/slaves_unreachable", "master/dropped_messages",
		"allocator/mesos/allocation_runs", "registrar/queued_operations", "registrar/registry_size_bytes", "registrar/state_fetch_ms",
		"registrar/state_store_ms", "system/cpus_total",
	} {
		if _, ok := metrics[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	// A finished task counts, with its source and reason.
	f.agent.send(&agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_STATUS_UPDATE.Enum(), StatusUpdate: &agentmasterpb.AgentCall_StatusUpdate{
		FrameworkId: frameworkIDProto(f.s.id),
		Status: &mesospb.TaskStatus{TaskId: &mesospb.TaskID{Value: proto.String("web-1")}, State: mesospb.TaskState_TASK_FAILED.Enum(),
			Source: mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(), Reason: mesospb.TaskStatus_REASON_COMMAND_EXECUTOR_FAILED.Enum(), Uuid: uuid.New().Bytes()},
	}})
	f.s.nextUpdate("web-1")
	var m2 map[string]float64
	eventually(t, "tasks_failed", func() bool {
		var err error
		m2, err = f.tm.snapshotMetrics(t.Context())
		return err == nil && m2["master/tasks_failed"] == 1
	})
	if m2["master/task_failed/source_executor/reason_command_executor_failed"] != 1 || m2["master/tasks_running"] != 0 {
		t.Errorf("after a failure: %v %v", m2["master/task_failed/source_executor/reason_command_executor_failed"], m2["master/tasks_running"])
	}
	// GET_METRICS carries the same names.
	var names int
	onLoop(t, f.tm, func() { names = len(f.tm.loopMetrics()) })
	if names < 100 {
		t.Errorf("only %d master metrics", names)
	}
}
