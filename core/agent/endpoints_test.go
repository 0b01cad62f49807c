package agent

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s: %s %s", url, resp.Status, resp.Header.Get("Content-Type"))
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// operator posts an operator call in a codec and decodes the response.
func operator(t *testing.T, a *testAgent, codec httpapi.Codec, call *agentpb.Call) *agentpb.Response {
	t.Helper()
	body, _ := codec.Marshal(call)
	req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(body))
	req.Header.Set("Content-Type", codec.MediaType())
	req.Header.Set("Accept", codec.MediaType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != codec.MediaType() {
		t.Fatalf("%s: %s %s %s", call.GetType(), resp.Status, resp.Header.Get("Content-Type"), data)
	}
	out := &agentpb.Response{}
	if err := codec.Unmarshal(data, out); err != nil {
		t.Fatalf("%s: %v", call.GetType(), err)
	}
	return out
}

// TestEndpoints checks the state, metrics and operator surface while a
// task runs.
func TestEndpoints(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("endpoints", false))
	o := s.offer()
	s.launch(o, commandTask("busy", "sleep 30", "cpus:0.5;mem:64"))
	s.waitState("busy", mesospb.TaskState_TASK_RUNNING)

	for _, path := range []string{"/state", "/state.json", "/slave(1)/state", "//slave(1)/state.json"} {
		var st map[string]any
		getJSON(t, a.url(path), &st)
		if st["id"] != a.agentIDForFetch() || st["pid"] != a.PID() || st["hostname"] != "localhost" {
			t.Errorf("%s: id %v pid %v hostname %v", path, st["id"], st["pid"], st["hostname"])
		}
		res := st["resources"].(map[string]any)
		if res["cpus"] != 4.0 || res["mem"] != 2048.0 || res["ports"] != "[31000-31100]" {
			t.Errorf("%s: resources %v", path, res)
		}
		if attrs := st["attributes"].(map[string]any); attrs["rack"] != "r1" || attrs["zone"] != 2.0 {
			t.Errorf("%s: attributes %v", path, attrs)
		}
		fws := st["frameworks"].([]any)
		if len(fws) != 1 {
			t.Fatalf("%s: frameworks %v", path, fws)
		}
		execs := fws[0].(map[string]any)["executors"].([]any)
		tasks := execs[0].(map[string]any)["tasks"].([]any)
		task := tasks[0].(map[string]any)
		if task["id"] != "busy" || task["state"] != "TASK_RUNNING" || task["role"] != "*" {
			t.Errorf("%s: task %v", path, task)
		}
		if st["flags"].(map[string]any)["work_dir"] != work {
			t.Errorf("%s: flags %v", path, st["flags"])
		}
	}

	var metrics map[string]float64
	getJSON(t, a.url("/metrics/snapshot"), &metrics)
	for name, want := range map[string]float64{
		"slave/registered": 1, "slave/tasks_running": 1, "slave/cpus_total": 4, "slave/mem_total": 2048,
		"slave/executors_running": 1, "slave/frameworks_active": 1,
	} {
		if metrics[name] != want {
			t.Errorf("metric %s = %v, want %v", name, metrics[name], want)
		}
	}
	if metrics["slave/cpus_used"] < 0.5 {
		t.Errorf("slave/cpus_used = %v", metrics["slave/cpus_used"])
	}

	var stats []map[string]any
	getJSON(t, a.url("/monitor/statistics"), &stats)
	if len(stats) != 1 || stats[0]["executor_id"] != "busy" || stats[0]["framework_id"] != s.id {
		t.Errorf("statistics %v", stats)
	} else if st := stats[0]["statistics"].(map[string]any); st["cpus_limit"] == nil || st["timestamp"] == nil {
		t.Errorf("statistics of the executor %v", st)
	}
	var flags map[string]map[string]string
	getJSON(t, a.url("/flags"), &flags)
	if flags["flags"]["work_dir"] != work {
		t.Errorf("/flags %v", flags)
	}
	var version map[string]any
	getJSON(t, a.url("/version"), &version)
	if version["version"] != "1.11.0" {
		t.Errorf("/version %v", version)
	}
	if resp, err := http.Get(a.url("/health")); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/health: %v %v", resp, err)
	}

	for _, codec := range []httpapi.Codec{httpapi.JSON, httpapi.Protobuf} {
		call := func(typ agentpb.Call_Type) *agentpb.Response {
			return operator(t, a, codec, &agentpb.Call{Type: typ.Enum()})
		}
		if r := call(agentpb.Call_GET_HEALTH); !r.GetGetHealth().GetHealthy() || r.GetType() != agentpb.Response_GET_HEALTH {
			t.Errorf("GET_HEALTH %v", r)
		}
		if r := call(agentpb.Call_GET_VERSION); r.GetGetVersion().GetVersionInfo().GetVersion() != "1.11.0" {
			t.Errorf("GET_VERSION %v", r)
		}
		if r := call(agentpb.Call_GET_FLAGS); len(r.GetGetFlags().GetFlags()) == 0 {
			t.Errorf("GET_FLAGS %v", r)
		}
		if r := call(agentpb.Call_GET_METRICS); len(r.GetGetMetrics().GetMetrics()) < 20 {
			t.Errorf("GET_METRICS %v", r)
		}
		if r := call(agentpb.Call_GET_AGENT); r.GetGetAgent().GetAgentInfo().GetId().GetValue() != a.agentIDForFetch() {
			t.Errorf("GET_AGENT %v", r)
		}
		if r := call(agentpb.Call_GET_FRAMEWORKS); len(r.GetGetFrameworks().GetFrameworks()) != 1 {
			t.Errorf("GET_FRAMEWORKS %v", r)
		}
		if r := call(agentpb.Call_GET_EXECUTORS); len(r.GetGetExecutors().GetExecutors()) != 1 {
			t.Errorf("GET_EXECUTORS %v", r)
		}
		if r := call(agentpb.Call_GET_TASKS); len(r.GetGetTasks().GetLaunchedTasks()) != 1 {
			t.Errorf("GET_TASKS %v", r)
		}
		if r := call(agentpb.Call_GET_STATE); len(r.GetGetState().GetGetTasks().GetLaunchedTasks()) != 1 ||
			len(r.GetGetState().GetGetFrameworks().GetFrameworks()) != 1 {
			t.Errorf("GET_STATE %v", r)
		}
		if r := call(agentpb.Call_GET_CONTAINERS); len(r.GetGetContainers().GetContainers()) != 1 ||
			r.GetGetContainers().GetContainers()[0].GetResourceStatistics() == nil {
			t.Errorf("GET_CONTAINERS %v", r)
		}
	}
	// The sandbox through the files API.
	virtual := "/frameworks/" + s.id + "/executors/busy/runs/latest"
	for _, codec := range []httpapi.Codec{httpapi.JSON, httpapi.Protobuf} {
		r := operator(t, a, codec, &agentpb.Call{Type: agentpb.Call_LIST_FILES.Enum(), ListFiles: &agentpb.Call_ListFiles{Path: proto.String(virtual)}})
		names := map[string]bool{}
		for _, fi := range r.GetListFiles().GetFileInfos() {
			names[fi.GetPath()] = true
		}
		if !names[virtual+"/stdout"] || !names[virtual+"/stderr"] {
			t.Errorf("LIST_FILES %v", names)
		}
		r = operator(t, a, codec, &agentpb.Call{Type: agentpb.Call_READ_FILE.Enum(),
			ReadFile: &agentpb.Call_ReadFile{Path: proto.String(virtual + "/stdout"), Offset: proto.Uint64(0)}})
		if r.GetReadFile().GetSize() != uint64(len(r.GetReadFile().GetData())) {
			t.Errorf("READ_FILE size %d, %d bytes", r.GetReadFile().GetSize(), len(r.GetReadFile().GetData()))
		}
	}
	var listing []map[string]any
	getJSON(t, a.url("/files/browse?path="+url.QueryEscape(virtual)), &listing)
	if len(listing) < 2 {
		t.Errorf("/files/browse %v", listing)
	}
	if resp, err := http.Get(a.url("/files/browse?path=/nowhere")); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("/files/browse of an unknown path: %v %v", resp.StatusCode, err)
	}

	s.send(killCall("busy", o.GetAgentId()))
	s.waitState("busy", mesospb.TaskState_TASK_KILLED)
	var st map[string]any
	getJSON(t, a.url("/state"), &st)
	if len(st["completed_frameworks"].([]any)) != 1 && len(st["frameworks"].([]any)) != 1 {
		t.Errorf("completed %v", st)
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestExecutorAPIErrors checks the executor API's answers to bad calls.
func TestExecutorAPIErrors(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	post := func(contentType, accept string, body []byte) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1/executor"), bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp, ""
	}
	read := func(resp *http.Response) string {
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	ids := `"framework_id":{"value":"f"},"executor_id":{"value":"e"}`
	cases := []struct {
		name, contentType, accept, body string
		status                          int
		text                            string
	}{
		{"no content type", "", "", `{}`, http.StatusBadRequest, "Expecting 'Content-Type' to be present"},
		{"bad content type", "text/plain", "", `{}`, http.StatusUnsupportedMediaType, "Expecting 'Content-Type' of application/json or application/x-protobuf"},
		{"bad json", "application/json", "", `{`, http.StatusBadRequest, "Failed to parse body into JSON"},
		{"missing ids", "application/json", "", `{"type":"HEARTBEAT"}`, http.StatusBadRequest, ""},
		{"missing type", "application/json", "", `{` + ids + `}`, http.StatusBadRequest, "Expecting 'type' to be present"},
		{"update without update", "application/json", "", `{"type":"UPDATE",` + ids + `}`, http.StatusBadRequest, "Expecting 'update' to be present"},
		{"update bad source", "application/json", "", `{"type":"UPDATE",` + ids + `,"update":{"status":{"task_id":{"value":"t"},"state":"TASK_RUNNING","uuid":"AAECAwQFBgcICQoLDA0ODw==","source":"SOURCE_MASTER"}}}`,
			http.StatusBadRequest, "invalid source"},
		{"update staging", "application/json", "", `{"type":"UPDATE",` + ids + `,"update":{"status":{"task_id":{"value":"t"},"state":"TASK_STAGING","uuid":"AAECAwQFBgcICQoLDA0ODw==","source":"SOURCE_EXECUTOR"}}}`,
			http.StatusBadRequest, "TASK_STAGING"},
		{"message without message", "application/json", "", `{"type":"MESSAGE",` + ids + `}`, http.StatusBadRequest, "Expecting 'message' to be present"},
		{"heartbeat", "application/json", "", `{"type":"HEARTBEAT",` + ids + `}`, http.StatusAccepted, ""},
		{"subscribe not acceptable", "application/json", "text/html", `{"type":"SUBSCRIBE",` + ids + `,"subscribe":{}}`, http.StatusNotAcceptable, ""},
	}
	for _, tc := range cases {
		resp, _ := post(tc.contentType, tc.accept, []byte(tc.body))
		text := read(resp)
		if resp.StatusCode != tc.status || !strings.Contains(text, tc.text) {
			t.Errorf("%s: %d %q, want %d containing %q", tc.name, resp.StatusCode, text, tc.status, tc.text)
		}
	}
	if resp, err := http.Get(a.url("/api/v1/executor")); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %v %v", resp.StatusCode, err)
	}

	// An executor the agent does not know is refused, as Mesos's
	// Slave::Http::executor does (TestExecutorAPIAsMesos has the rest).
	for _, codec := range []httpapi.Codec{httpapi.JSON, httpapi.Protobuf} {
		call := &executorpb.Call{
			Type:        executorpb.Call_SUBSCRIBE.Enum(),
			FrameworkId: &mesospb.FrameworkID{Value: proto.String("nobody")},
			ExecutorId:  &mesospb.ExecutorID{Value: proto.String("nothing")},
			Subscribe:   &executorpb.Call_Subscribe{},
		}
		body, _ := codec.Marshal(call)
		resp, _ := post(codec.MediaType(), codec.MediaType(), body)
		if text := read(resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(text, "Framework cannot be found") {
			t.Errorf("SUBSCRIBE %s of an unknown executor: %s %q", codec, resp.Status, text)
		}
	}

	// Operator API errors.
	body, _ := json.Marshal(map[string]any{"type": "LIST_FILES"})
	req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if text := read(resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(text, "list_files") {
		t.Errorf("LIST_FILES without list_files: %d %q", resp.StatusCode, text)
	}
	a.stop(t)
}
