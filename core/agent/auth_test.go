package agent

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// The agent's ACLs in these tests: ops may do and see everything asked
// here, web sees frameworks only, eve nothing (permissive false).
const agentTestACLs = `{
  "permissive": false,
  "view_flags": [{"principals": {"values": ["ops"]}, "flags": {"type": "ANY"}}],
  "get_endpoints": [{"principals": {"values": ["ops"]}, "paths": {"values": ["/metrics/snapshot", "/monitor/statistics", "/files/debug"]}}],
  "view_frameworks": [{"principals": {"values": ["ops", "web"]}, "users": {"type": "ANY"}}],
  "view_executors": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
  "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
  "view_containers": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
  "access_sandboxes": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
  "set_log_level": [{"principals": {"values": ["ops"]}, "level": {"type": "ANY"}}],
  "kill_nested_containers": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}]
}`

const agentTestCredentials = `{"credentials": [
  {"principal": "ops", "secret": "ops-secret"},
  {"principal": "web", "secret": "web-secret"},
  {"principal": "eve", "secret": "eve-secret"}
]}`

// authAgent starts an agent that authenticates both realms with the basic
// authenticator and authorizes with the local authorizer.
func authAgent(t *testing.T, m *testMaster) *testAgent {
	t.Helper()
	cfg := agentConfig(t, m.addr, t.TempDir())
	cfg.AuthenticateHTTPReadOnly, cfg.AuthenticateHTTPReadWrite = true, true
	cfg.HTTPCredentials, cfg.ACLs = agentTestCredentials, agentTestACLs
	return startAgent(t, cfg)
}

// requestAs sends a request with user's credentials ("" for none).
func requestAs(t *testing.T, user, method, u string, body []byte, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if user != "" {
		req.SetBasicAuth(user, user+"-secret")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

// operatorAs posts an agent operator call as JSON.
func operatorAs(t *testing.T, ta *testAgent, user string, call *agentpb.Call) (*http.Response, string) {
	t.Helper()
	body, err := httpapi.JSON.Marshal(call)
	if err != nil {
		t.Fatal(err)
	}
	return requestAs(t, user, "POST", ta.url("/api/v1"), body, http.Header{
		"Content-Type": {"application/json"}, "Accept": {"application/json"},
	})
}

// TestAgentEndpointsAuthenticated: with --authenticate_http_readonly and
// --authenticate_http_readwrite the agent's endpoints ask for credentials
// in Mesos's realms (/health stays open), and with --acls each answers
// only what the principal may see or do.
func TestAgentEndpointsAuthenticated(t *testing.T) {
	m := startMaster(t)
	ta := authAgent(t, m)

	for _, c := range []struct {
		path, realm string
	}{{"/state", readOnlyRealm}, {"/flags", readOnlyRealm}, {"/metrics/snapshot", readOnlyRealm}, {"/monitor/statistics", readOnlyRealm}, {"/files/debug", readOnlyRealm}} {
		resp, _ := requestAs(t, "", "GET", ta.url(c.path), nil, nil)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Basic realm="`+c.realm+`"` {
			t.Errorf("GET %s without credentials: %d %q", c.path, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
		if resp, _ := requestAs(t, "ops", "GET", ta.url(c.path), nil, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s as ops: %d", c.path, resp.StatusCode)
		}
	}
	if resp, _ := requestAs(t, "", "GET", ta.url("/state"), nil, http.Header{"Authorization": {"Basic b3BzOndyb25n"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET /state with a wrong secret: %d", resp.StatusCode)
	}
	if resp, _ := requestAs(t, "", "GET", ta.url("/health"), nil, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /health without credentials: %d", resp.StatusCode)
	}
	for _, path := range []string{"/flags", "/metrics/snapshot", "/monitor/statistics", "/files/debug"} {
		if resp, _ := requestAs(t, "web", "GET", ta.url(path), nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as web: %d, want 403", path, resp.StatusCode)
		}
	}
	for user, flags := range map[string]bool{"ops": true, "web": false} {
		_, body := requestAs(t, user, "GET", ta.url("/state"), nil, nil)
		var doc map[string]any
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("/state as %s: %v: %s", user, err, body)
		}
		if _, shown := doc["flags"]; shown != flags {
			t.Errorf("/state as %s shows flags: %v, want %v", user, shown, flags)
		}
	}

	getFlags := &agentpb.Call{Type: agentpb.Call_GET_FLAGS.Enum()}
	if resp, _ := operatorAs(t, ta, "", getFlags); resp.StatusCode != http.StatusUnauthorized ||
		resp.Header.Get("WWW-Authenticate") != `Basic realm="`+readWriteRealm+`"` {
		t.Errorf("GET_FLAGS without credentials: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	setLevel := &agentpb.Call{Type: agentpb.Call_SET_LOGGING_LEVEL.Enum(), SetLoggingLevel: &agentpb.Call_SetLoggingLevel{
		Level: proto.Uint32(1), Duration: &mesospb.DurationInfo{Nanoseconds: proto.Int64(1e9)}}}
	getMetrics := &agentpb.Call{Type: agentpb.Call_GET_METRICS.Enum(), GetMetrics: &agentpb.Call_GetMetrics{}}
	for _, c := range []struct {
		user string
		call *agentpb.Call
		want int
	}{
		{"web", getFlags, http.StatusForbidden}, {"ops", getFlags, http.StatusOK},
		{"web", setLevel, http.StatusForbidden}, {"ops", setLevel, http.StatusOK},
		{"eve", getMetrics, http.StatusForbidden}, {"ops", getMetrics, http.StatusOK},
		{"eve", &agentpb.Call{Type: agentpb.Call_GET_HEALTH.Enum()}, http.StatusOK},
	} {
		if resp, body := operatorAs(t, ta, c.user, c.call); resp.StatusCode != c.want {
			t.Errorf("%s as %s: %d %s, want %d", c.call.GetType(), c.user, resp.StatusCode, body, c.want)
		}
	}
}

// TestAgentViewsAndSandboxes: a running task is shown, in /state and the
// GET_* calls, only to principals that may view it; its sandbox is
// browsed and its container acted on only with ACCESS_SANDBOX and
// KILL_NESTED_CONTAINER.
func TestAgentViewsAndSandboxes(t *testing.T) {
	m := startMaster(t)
	ta := authAgent(t, m)
	s := subscribeScheduler(t, m.addr, frameworkInfo("auth", false))
	s.launch(s.offer(), commandTask("t1", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("t1", mesospb.TaskState_TASK_RUNNING)
	defer s.teardown()

	type shown struct{ frameworks, executors, tasks int }
	stateOf := func(user string) (shown, string) {
		_, body := requestAs(t, user, "GET", ta.url("/state"), nil, nil)
		var doc struct {
			Frameworks []struct {
				Executors []struct {
					Directory string `json:"directory"`
					Tasks     []any  `json:"tasks"`
				} `json:"executors"`
			} `json:"frameworks"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("/state as %s: %v", user, err)
		}
		var got shown
		dir := ""
		for _, fw := range doc.Frameworks {
			got.frameworks++
			for _, e := range fw.Executors {
				got.executors++
				got.tasks += len(e.Tasks)
				dir = e.Directory
			}
		}
		return got, dir
	}
	want := map[string]shown{"ops": {1, 1, 1}, "web": {1, 0, 0}, "eve": {0, 0, 0}}
	var sandbox string
	for user, w := range want {
		got, dir := stateOf(user)
		if got != w {
			t.Errorf("/state as %s shows %+v, want %+v", user, got, w)
		}
		if user == "ops" {
			sandbox = dir
		}
	}

	getTasks := &agentpb.Call{Type: agentpb.Call_GET_TASKS.Enum()}
	getContainers := &agentpb.Call{Type: agentpb.Call_GET_CONTAINERS.Enum()}
	getFrameworks := &agentpb.Call{Type: agentpb.Call_GET_FRAMEWORKS.Enum()}
	var containerID string
	for user, w := range want {
		var resp agentpb.Response
		_, body := operatorAs(t, ta, user, getTasks)
		mustUnmarshalJSON(t, body, &resp)
		if n := len(resp.GetGetTasks().GetLaunchedTasks()); n != w.tasks {
			t.Errorf("GET_TASKS as %s: %d launched tasks, want %d", user, n, w.tasks)
		}
		_, body = operatorAs(t, ta, user, getContainers)
		mustUnmarshalJSON(t, body, &resp)
		if n := len(resp.GetGetContainers().GetContainers()); n != w.executors {
			t.Errorf("GET_CONTAINERS as %s: %d containers, want %d", user, n, w.executors)
		}
		if cs := resp.GetGetContainers().GetContainers(); user == "ops" && len(cs) > 0 {
			containerID = cs[0].GetContainerId().GetValue()
		}
		_, body = operatorAs(t, ta, user, getFrameworks)
		mustUnmarshalJSON(t, body, &resp)
		if n := len(resp.GetGetFrameworks().GetFrameworks()); n != w.frameworks {
			t.Errorf("GET_FRAMEWORKS as %s: %d frameworks, want %d", user, n, w.frameworks)
		}
	}

	if sandbox == "" || containerID == "" {
		t.Fatalf("no sandbox (%q) or container (%q) seen by ops", sandbox, containerID)
	}
	browse := ta.url("/files/browse?path=" + url.QueryEscape(sandbox))
	for user, code := range map[string]int{"ops": http.StatusOK, "web": http.StatusForbidden} {
		if resp, body := requestAs(t, user, "GET", browse, nil, nil); resp.StatusCode != code {
			t.Errorf("browsing the sandbox as %s: %d %s, want %d", user, resp.StatusCode, body, code)
		}
	}
	list := &agentpb.Call{Type: agentpb.Call_LIST_FILES.Enum(), ListFiles: &agentpb.Call_ListFiles{Path: proto.String(sandbox)}}
	if resp, _ := operatorAs(t, ta, "web", list); resp.StatusCode != http.StatusForbidden {
		t.Errorf("LIST_FILES of the sandbox as web: %d", resp.StatusCode)
	}
	// A nested container that does not exist, below the task's: web is
	// refused before the lookup, ops is told it is not there.
	kill := &agentpb.Call{Type: agentpb.Call_KILL_NESTED_CONTAINER.Enum(), KillNestedContainer: &agentpb.Call_KillNestedContainer{
		ContainerId: &mesospb.ContainerID{Value: proto.String("child"), Parent: &mesospb.ContainerID{Value: proto.String(containerID)}}}}
	for user, code := range map[string]int{"web": http.StatusForbidden, "ops": http.StatusNotFound} {
		if resp, body := operatorAs(t, ta, user, kill); resp.StatusCode != code {
			t.Errorf("KILL_NESTED_CONTAINER as %s: %d %s, want %d", user, resp.StatusCode, body, code)
		}
	}
}

func mustUnmarshalJSON(t *testing.T, body string, m proto.Message) {
	t.Helper()
	proto.Reset(m)
	if err := httpapi.JSON.Unmarshal([]byte(body), m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
}

// TestAgentStateRoleView: /state's reservations (reserved_resources and
// reserved_resources_full) show only the roles the principal may view
// (VIEW_ROLE), as Mesos's agent does; "resources" stays whole.
func TestAgentStateRoleView(t *testing.T) {
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, t.TempDir())
	cfg.Resources = "cpus:1;mem:256;disk:512;cpus(web):1;mem(eng):64"
	cfg.AuthenticateHTTPReadOnly, cfg.AuthenticateHTTPReadWrite = true, true
	cfg.HTTPCredentials = agentTestCredentials
	cfg.ACLs = strings.Replace(agentTestACLs, `"permissive": false,`, `"permissive": false,
  "view_roles": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}, {"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],`, 1)
	ta := startAgent(t, cfg)

	rolesOf := func(user string) (reserved, full []string, total map[string]any) {
		resp, body := requestAs(t, user, "GET", ta.url("/state"), nil, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/state as %s: %d %s", user, resp.StatusCode, body)
		}
		var doc struct {
			Reserved  map[string]any `json:"reserved_resources"`
			Full      map[string]any `json:"reserved_resources_full"`
			Resources map[string]any `json:"resources"`
		}
		if err := json.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("/state as %s: %v", user, err)
		}
		for role := range doc.Reserved {
			reserved = append(reserved, role)
		}
		for role := range doc.Full {
			full = append(full, role)
		}
		slices.Sort(reserved)
		slices.Sort(full)
		return reserved, full, doc.Resources
	}
	for user, want := range map[string][]string{"ops": {"eng", "web"}, "web": {"web"}, "eve": nil} {
		reserved, full, total := rolesOf(user)
		if !slices.Equal(reserved, want) || !slices.Equal(full, want) {
			t.Errorf("/state as %s: reserved_resources %v, reserved_resources_full %v; want %v", user, reserved, full, want)
		}
		if cpus, _ := total["cpus"].(float64); cpus != 2 {
			t.Errorf("/state as %s: resources %v, want cpus 2", user, total)
		}
	}
}
