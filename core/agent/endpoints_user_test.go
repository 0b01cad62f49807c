package agent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// getBody GETs url and returns the status, headers and body.
func getBody(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// TestReadEndpointsAsOperatorTools reads the agent as the web UI, the
// mesos CLI and metrics exporters do while a real task runs, then after it
// was killed and its framework torn down, against Mesos's
// src/slave/http.cpp, src/common/http.cpp and docs/monitoring.md.
func TestReadEndpointsAsOperatorTools(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.Flags["log_dir"] = "/var/log/mesos"
	cfg.Isolation = "posix/cpu,posix/mem" // Mesos's default --isolation
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("tools", false))
	o := s.offer()
	task := commandTask("busy", "echo hello; sleep 30", "cpus:0.5;mem:64")
	task.Discovery = &mesospb.DiscoveryInfo{Visibility: mesospb.DiscoveryInfo_FRAMEWORK.Enum(), Name: proto.String("svc")}
	task.Labels = &mesospb.Labels{Labels: []*mesospb.Label{{Key: proto.String("k"), Value: proto.String("v")}}}
	task.Container = &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_MESOS.Enum()}
	s.launch(o, task)
	s.waitState("busy", mesospb.TaskState_TASK_RUNNING)

	// /state: the agent's and its build's fields, the task as Mesos's
	// json(Task).
	var st map[string]any
	getJSON(t, a.url("/state"), &st)
	for _, k := range []string{"version", "build_date", "build_time", "build_user", "start_time", "capabilities", "flags"} {
		if _, ok := st[k]; !ok {
			t.Errorf("/state has no %q", k)
		}
	}
	if st["log_dir"] != "/var/log/mesos" {
		t.Errorf("/state log_dir = %v, want the --log_dir flag", st["log_dir"])
	}
	exec := st["frameworks"].([]any)[0].(map[string]any)["executors"].([]any)[0].(map[string]any)
	containerID, _ := exec["container"].(string)
	if containerID == "" || !strings.HasPrefix(exec["directory"].(string), work) || exec["source"] != "busy" {
		t.Errorf("/state executor %v", exec)
	}
	tk := exec["tasks"].([]any)[0].(map[string]any)
	if tk["discovery"].(map[string]any)["name"] != "svc" || tk["container"].(map[string]any)["type"] != "MESOS" || len(tk["labels"].([]any)) != 1 {
		t.Errorf("/state task %v", tk)
	}
	var running map[string]any
	for _, s := range tk["statuses"].([]any) {
		if s := s.(map[string]any); s["state"] == "TASK_RUNNING" {
			running = s
		}
	}
	if cs, ok := running["container_status"].(map[string]any); !ok {
		t.Errorf("TASK_RUNNING status %v has no container_status", running)
	} else if _, pid := cs["executor_pid"]; pid || cs["container_id"].(map[string]any)["value"] != containerID {
		// Mesos's json(ContainerStatus) writes container_id,
		// network_infos and cgroup_info only.
		t.Errorf("container_status %v", cs)
	}

	// /monitor/statistics under each of its paths.
	for _, p := range []string{"/monitor/statistics", "/monitor/statistics.json", "/slave(1)/monitor/statistics", "/slave(1)/monitor/statistics.json"} {
		code, _, body := getBody(t, a.url(p))
		var stats []map[string]any
		if code != http.StatusOK || json.Unmarshal([]byte(body), &stats) != nil || len(stats) != 1 {
			t.Errorf("%s: %d %s", p, code, body)
			continue
		}
		e := stats[0]
		if e["executor_id"] != "busy" || e["framework_id"] != s.id || e["source"] != "busy" ||
			!strings.HasPrefix(e["executor_name"].(string), "Command Executor (Task: busy)") {
			t.Errorf("%s: %v", p, e)
		}
		sx := e["statistics"].(map[string]any)
		if sx["timestamp"] == nil || sx["cpus_limit"] != 0.6 || sx["mem_limit_bytes"] != float64(96<<20) {
			t.Errorf("%s: statistics %v", p, sx)
		}
		// What the posix isolators measure of the executor's processes.
		for _, k := range []string{"cpus_user_time_secs", "cpus_system_time_secs", "mem_rss_bytes"} {
			if _, ok := sx[k]; !ok {
				t.Errorf("%s: statistics without %s: %v", p, k, sx)
			}
		}
	}

	// /containers: what DC/OS's metrics agent reads.
	for _, p := range []string{"/containers", "/slave(1)/containers", "/containers?container_id=" + containerID} {
		code, _, body := getBody(t, a.url(p))
		var cs []map[string]any
		if code != http.StatusOK || json.Unmarshal([]byte(body), &cs) != nil || len(cs) != 1 {
			t.Errorf("%s: %d %s", p, code, body)
			continue
		}
		c := cs[0]
		if c["container_id"] != containerID || c["executor_id"] != "busy" || c["framework_id"] != s.id || c["source"] != "busy" ||
			c["statistics"] == nil || c["status"].(map[string]any)["container_id"].(map[string]any)["value"] != containerID {
			t.Errorf("%s: %v", p, c)
		}
	}
	if code, _, body := getBody(t, a.url("/containers?container_id=other")); code != http.StatusOK || strings.TrimSpace(body) != "[]" {
		t.Errorf("/containers of another container: %d %s", code, body)
	}

	// /metrics/snapshot: docs/monitoring.md's agent names; ?timeout= as
	// exporters pass it, a bad one refused.
	var metrics map[string]float64
	getJSON(t, a.url("/metrics/snapshot?timeout=5secs"), &metrics)
	for _, name := range []string{
		"slave/uptime_secs", "slave/registered", "slave/recovery_errors", "slave/frameworks_active",
		"slave/tasks_staging", "slave/tasks_starting", "slave/tasks_running", "slave/tasks_killing",
		"slave/tasks_finished", "slave/tasks_failed", "slave/tasks_killed", "slave/tasks_lost",
		"slave/executors_registering", "slave/executors_running", "slave/executors_terminating",
		"slave/executors_terminated", "slave/executors_preempted", "slave/executor_directory_max_allowed_age_secs",
		"slave/container_launch_errors", "containerizer/mesos/container_destroy_errors",
		"slave/valid_status_updates", "slave/invalid_status_updates", "slave/valid_framework_messages", "slave/invalid_framework_messages",
		"system/cpus_total", "system/load_1min", "system/load_5min", "system/load_15min", "system/mem_total_bytes", "system/mem_free_bytes",
	} {
		if _, ok := metrics[name]; !ok {
			t.Errorf("/metrics/snapshot has no %s", name)
		}
	}
	for _, r := range []string{"cpus", "mem", "disk", "gpus"} {
		for _, k := range []string{"_total", "_used", "_percent", "_revocable_total", "_revocable_used", "_revocable_percent"} {
			if _, ok := metrics["slave/"+r+k]; !ok {
				t.Errorf("/metrics/snapshot has no slave/%s%s", r, k)
			}
		}
	}
	if metrics["slave/cpus_used"] != 0.6 || metrics["slave/cpus_percent"] != 0.15 || metrics["slave/mem_used"] != 96 || metrics["slave/uptime_secs"] <= 0 {
		t.Errorf("resource metrics: cpus_used %v cpus_percent %v mem_used %v uptime %v",
			metrics["slave/cpus_used"], metrics["slave/cpus_percent"], metrics["slave/mem_used"], metrics["slave/uptime_secs"])
	}
	if code, _, body := getBody(t, a.url("/metrics/snapshot?timeout=bogus")); code != http.StatusBadRequest || !strings.HasPrefix(body, "Invalid timeout 'bogus'") {
		t.Errorf("/metrics/snapshot?timeout=bogus: %d %q", code, body)
	}

	// /version and GET_VERSION carry the build fields, as Mesos's
	// version() always sets them.
	var version map[string]any
	getJSON(t, a.url("/version"), &version)
	for _, k := range []string{"version", "build_date", "build_time", "build_user"} {
		if _, ok := version[k]; !ok {
			t.Errorf("/version has no %q: %v", k, version)
		}
	}
	r := operator(t, a, httpapi.Protobuf, &agentpb.Call{Type: agentpb.Call_GET_VERSION.Enum()})
	if v := r.GetGetVersion().GetVersionInfo(); v.BuildDate == nil || v.BuildTime == nil || v.BuildUser == nil || v.GetVersion() != version["version"] {
		t.Errorf("GET_VERSION %v", v)
	}

	// The sandbox through the files API, by its virtual path.
	virtual := "/frameworks/" + s.id + "/executors/busy/runs/latest"
	read := func(query string) (int, string) {
		code, _, body := getBody(t, a.url("/files/read?"+query))
		return code, body
	}
	stdout := url.QueryEscape(virtual + "/stdout")
	eventually(t, "hello in stdout", func() bool {
		_, body := read("path=" + stdout + "&offset=0")
		return strings.Contains(body, `hello\n`)
	})
	var chunk struct {
		Data   string `json:"data"`
		Offset int64  `json:"offset"`
	}
	for query, want := range map[string]string{"offset=0&length=2": "he", "offset=1&length=3": "ell"} {
		code, body := read("path=" + stdout + "&" + query)
		if code != http.StatusOK || json.Unmarshal([]byte(body), &chunk) != nil || !strings.HasPrefix(chunk.Data, want) || len(chunk.Data) != len(want) {
			t.Errorf("/files/read %s: %d %s", query, code, body)
		}
	}
	// No offset (the pailer's first read): the size, no data.
	if code, body := read("path=" + stdout); code != http.StatusOK || json.Unmarshal([]byte(body), &chunk) != nil || chunk.Data != "" || chunk.Offset < int64(len("hello\n")) {
		t.Errorf("/files/read without offset: %d %s", code, body)
	}
	for query, want := range map[string]int{
		"offset=0":                                    http.StatusBadRequest, // no path
		"path=" + stdout + "&offset=-2":               http.StatusBadRequest,
		"path=" + stdout + "&offset=x":                http.StatusBadRequest,
		"path=" + url.QueryEscape(virtual+"/nothing"): http.StatusNotFound,
		"path=/nowhere/stdout":                        http.StatusNotFound,
		"path=" + url.QueryEscape(virtual):            http.StatusBadRequest, // a directory
	} {
		if code, body := read(query); code != want {
			t.Errorf("/files/read?%s: %d %q, want %d", query, code, body, want)
		}
	}
	for _, escape := range []string{virtual + "/../../../../../../../etc/passwd", virtual + "/../../..", "/../etc/passwd"} {
		if code, body := read("path=" + url.QueryEscape(escape) + "&offset=0"); code == http.StatusOK || strings.Contains(body, "root:") {
			t.Errorf("/files/read of %s: %d %q", escape, code, body)
		}
	}
	code, h, body := getBody(t, a.url("/files/download?path="+stdout))
	if code != http.StatusOK || !strings.HasPrefix(body, "hello\n") || h.Get("Content-Disposition") != "attachment; filename=stdout" {
		t.Errorf("/files/download: %d %v %q", code, h, body)
	}
	var listing []map[string]any
	getJSON(t, a.url("/files/browse?path="+url.QueryEscape(virtual)), &listing)
	for _, e := range listing {
		for _, k := range []string{"path", "mode", "nlink", "uid", "gid", "size", "mtime"} {
			if _, ok := e[k]; !ok {
				t.Errorf("/files/browse entry without %q: %v", k, e)
			}
		}
	}
	r = operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_READ_FILE.Enum(),
		ReadFile: &agentpb.Call_ReadFile{Path: proto.String(virtual + "/stdout"), Offset: proto.Uint64(1 << 20)}})
	if r.GetReadFile().GetSize() < uint64(len("hello\n")) || len(r.GetReadFile().GetData()) != 0 {
		t.Errorf("READ_FILE past the end: %v", r)
	}

	// Killed and torn down: the framework is completed with its executor
	// and the task's history.
	s.send(killCall("busy", o.GetAgentId()))
	s.waitState("busy", mesospb.TaskState_TASK_KILLED)
	s.teardown()
	eventually(t, "completed framework", func() bool {
		getJSON(t, a.url("/state"), &st)
		return len(st["completed_frameworks"].([]any)) == 1 && len(st["frameworks"].([]any)) == 0
	})
	fw := st["completed_frameworks"].([]any)[0].(map[string]any)
	ce := fw["completed_executors"].([]any)
	if fw["id"] != s.id || len(ce) != 1 {
		t.Fatalf("completed framework %v", fw)
	}
	done := ce[0].(map[string]any)["completed_tasks"].([]any)
	if len(done) != 1 || done[0].(map[string]any)["state"] != "TASK_KILLED" || len(done[0].(map[string]any)["statuses"].([]any)) < 2 {
		t.Errorf("completed tasks %v", done)
	}
	getJSON(t, a.url("/metrics/snapshot"), &metrics)
	for name, want := range map[string]float64{
		"slave/tasks_killed": 1, "slave/tasks_running": 0, "slave/executors_running": 0, "slave/executors_terminated": 1,
		"slave/frameworks_active": 0, "slave/cpus_used": 0,
	} {
		if metrics[name] != want {
			t.Errorf("after teardown %s = %v, want %v", name, metrics[name], want)
		}
	}
	if code, _, body := getBody(t, a.url("/monitor/statistics")); code != http.StatusOK || strings.TrimSpace(body) != "[]" {
		t.Errorf("/monitor/statistics after teardown: %d %s", code, body)
	}
}

// TestQueuedTaskJSON checks /state's queued_tasks entries against Mesos's
// json(TaskInfo): the role of the task's resources, and the command as
// json(CommandInfo) ("argv", URIs by value and executable).
func TestQueuedTaskJSON(t *testing.T) {
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, t.TempDir()))
	ti := commandTask("q", "run", "cpus:1;mem:32")
	for _, r := range ti.Resources {
		r.AllocationInfo.Role = proto.String("eng")
	}
	ti.Command.Arguments = []string{"a", "b"}
	ti.Command.Uris = []*mesospb.CommandInfo_URI{{Value: proto.String("http://x/y.tgz"), Extract: proto.Bool(true), Cache: proto.Bool(true)}}
	var doc map[string]any
	if err := a.call(t.Context(), func() { doc = a.taskInfoJSON(ti) }); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(doc)
	var got map[string]any
	_ = json.Unmarshal(data, &got)
	if got["role"] != "eng" || got["name"] != "q" {
		t.Errorf("queued task %s", data)
	}
	cmd := got["command"].(map[string]any)
	argv, _ := cmd["argv"].([]any)
	uris, _ := cmd["uris"].([]any)
	if len(argv) != 2 || cmd["value"] != "run" || cmd["shell"] != true || len(uris) != 1 {
		t.Fatalf("queued task command %s", data)
	}
	if u := uris[0].(map[string]any); u["value"] != "http://x/y.tgz" || u["executable"] != false || u["extract"] != nil {
		t.Errorf("queued task URI %v", u)
	}
}

// TestStateFrameworkLaunchingAgain checks that a framework whose last
// executor ended (so completed on the agent, as in Mesos) and that then
// launches again is listed once in /state and GET_FRAMEWORKS, with its
// earlier executors still among its completed_executors (Mesos's
// Slave::run moves them back).
func TestStateFrameworkLaunchingAgain(t *testing.T) {
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, t.TempDir()))
	s := subscribeScheduler(t, m.addr, frameworkInfo("again", false))
	s.launch(s.offer(), commandTask("first", "true", "cpus:0.5;mem:64"))
	s.waitState("first", mesospb.TaskState_TASK_FINISHED)
	var st map[string]any
	eventually(t, "framework completed", func() bool {
		getJSON(t, a.url("/state"), &st)
		return len(st["completed_frameworks"].([]any)) == 1
	})
	s.launch(s.offer(), commandTask("second", "sleep 30", "cpus:0.5;mem:64"))
	s.waitState("second", mesospb.TaskState_TASK_RUNNING)
	getJSON(t, a.url("/state"), &st)
	fws, completed := st["frameworks"].([]any), st["completed_frameworks"].([]any)
	if len(fws) != 1 || len(completed) != 0 {
		t.Fatalf("frameworks %d, completed frameworks %d (%v)", len(fws), len(completed), completed)
	}
	ce := fws[0].(map[string]any)["completed_executors"].([]any)
	if len(ce) != 1 || ce[0].(map[string]any)["id"] != "first" {
		t.Errorf("completed executors %v", ce)
	}
	r := operator(t, a, httpapi.JSON, &agentpb.Call{Type: agentpb.Call_GET_FRAMEWORKS.Enum()})
	if len(r.GetGetFrameworks().GetFrameworks()) != 1 || len(r.GetGetFrameworks().GetCompletedFrameworks()) != 0 {
		t.Errorf("GET_FRAMEWORKS %v", r)
	}
	s.send(killCall("second", &mesospb.AgentID{Value: proto.String(st["id"].(string))}))
	s.waitState("second", mesospb.TaskState_TASK_KILLED)
}

// TestContainersEndpointView checks that /containers is read-only
// authenticated and shows only the containers a principal may view
// (VIEW_CONTAINER), as GET_CONTAINERS.
func TestContainersEndpointView(t *testing.T) {
	m := startMaster(t)
	ta := authAgent(t, m)
	s := subscribeScheduler(t, m.addr, frameworkInfo("auth", false))
	s.launch(s.offer(), commandTask("t1", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("t1", mesospb.TaskState_TASK_RUNNING)
	defer s.teardown()
	if code, _, _ := getBody(t, ta.url("/containers")); code != http.StatusUnauthorized {
		t.Errorf("/containers without credentials: %d", code)
	}
	for user, want := range map[string]int{"ops": 1, "web": 0, "eve": 0} {
		resp, body := requestAs(t, user, "GET", ta.url("/containers"), nil, nil)
		var cs []map[string]any
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &cs) != nil || len(cs) != want {
			t.Errorf("/containers as %s: %d %s, want %d containers", user, resp.StatusCode, body, want)
		}
	}
}

// TestSlavePrefixedAPIs checks the /slave(1)/ paths of the v1 APIs: Mesos's
// executor library posts to /slave(1)/api/v1/executor (the id of
// MESOS_SLAVE_PID), and the agent serves its operator API there too.
func TestSlavePrefixedAPIs(t *testing.T) {
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, t.TempDir()))
	health, _ := json.Marshal(map[string]any{"type": "GET_HEALTH"})
	resp, err := http.Post(a.url("/slave(1)/api/v1"), "application/json", strings.NewReader(string(health)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"healthy":true`) {
		t.Errorf("GET_HEALTH at /slave(1)/api/v1: %d %s", resp.StatusCode, body)
	}
	subscribe := `{"type":"SUBSCRIBE","framework_id":{"value":"nobody"},"executor_id":{"value":"e"},"subscribe":{}}`
	req, _ := http.NewRequest(http.MethodPost, a.url("/slave(1)/api/v1/executor"), strings.NewReader(subscribe))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "Framework cannot be found") {
		t.Errorf("SUBSCRIBE at /slave(1)/api/v1/executor: %d %s", resp.StatusCode, body)
	}
}
