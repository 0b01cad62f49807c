package master

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/builtin/authz"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/httpauthenticator"
)

// The ACLs of these tests, in Mesos's format: "ops" operates, "web" runs
// its framework in role web as user nobody, "eve" may do nothing; nothing
// else is allowed (permissive false).
const testACLs = `{
  "permissive": false,
  "register_frameworks": [{"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],
  "run_tasks": [{"principals": {"values": ["web"]}, "users": {"values": ["nobody"]}}],
  "view_frameworks": [
    {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
    {"principals": {"values": ["web"]}, "users": {"values": ["nobody"]}}
  ],
  "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
  "view_executors": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
  "view_roles": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "view_flags": [{"principals": {"values": ["ops"]}, "flags": {"type": "ANY"}}],
  "get_endpoints": [{"principals": {"values": ["ops"]}, "paths": {"values": ["/metrics/snapshot"]}}],
  "update_weights": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}],
  "reserve_resources": [{"principals": {"values": ["ops"]}, "roles": {"values": ["web"]}}],
  "set_log_level": [{"principals": {"values": ["ops"]}, "level": {"type": "ANY"}}],
  "mark_agents_gone": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
  "deactivate_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
  "update_quotas": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "register_agents": [{"principals": {"type": "ANY"}, "agents": {"type": "ANY"}}]
}`

const testCredentials = `{"credentials": [
  {"principal": "ops", "secret": "ops-secret"},
  {"principal": "web", "secret": "web-secret"},
  {"principal": "eve", "secret": "eve-secret"},
  {"principal": "agent", "secret": "agent-secret"}
]}`

// authFiles writes the ACLs (testACLs) and credentials files.
func authFiles(t *testing.T) (acls, creds string) {
	t.Helper()
	return authFilesWith(t, testACLs)
}

// authFilesWith writes the given ACLs and the credentials files.
func authFilesWith(t *testing.T, aclsText string) (acls, creds string) {
	t.Helper()
	dir := t.TempDir()
	acls, creds = filepath.Join(dir, "acls.json"), filepath.Join(dir, "credentials.json")
	for path, text := range map[string]string{acls: aclsText, creds: testCredentials} {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return acls, creds
}

// basicAuthn authenticates HTTP requests with the built-in basic
// authenticator over the credentials file, answering as masterflags does.
func basicAuthn(t *testing.T, creds, realm string) func(*http.Request) (string, error) {
	t.Helper()
	b, err := authn.NewBasicWith(map[string]string{"credentials": creds}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return func(r *http.Request) (string, error) {
		resp, err := b.Authenticate(r.Context(), httpauthenticator.Request(realm, r))
		if err != nil {
			return "", err
		}
		if u := resp.GetUnauthorized(); u != nil {
			return "", &AuthenticationError{Challenges: u.GetChallenges(), Body: u.GetBody()}
		}
		return resp.GetPrincipal().GetValue(), nil
	}
}

// authMaster starts a master authenticating operators and schedulers with
// the credentials file and authorizing with the local authorizer over the
// ACLs file.
func authMaster(t *testing.T, mutate func(*Config)) *testMaster {
	t.Helper()
	return authMasterWith(t, testACLs, mutate)
}

// authMasterWith is authMaster with other ACLs.
func authMasterWith(t *testing.T, aclsText string, mutate func(*Config)) *testMaster {
	t.Helper()
	acls, creds := authFilesWith(t, aclsText)
	local, err := authz.NewLocalWith(map[string]string{"acls": acls}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return startMaster(t, func(c *Config) {
		c.Authenticate = basicAuthn(t, creds, "mesos")
		c.AuthenticateReadOnly, c.AuthenticateReadWrite = true, true
		c.AuthenticateFramework = basicAuthn(t, creds, frameworkRealm)
		c.Authorizer = local
		if mutate != nil {
			mutate(c)
		}
	})
}

func basicHeader(user string) http.Header {
	r, _ := http.NewRequest("GET", "/", nil)
	r.SetBasicAuth(user, user+"-secret")
	return http.Header{"Authorization": r.Header["Authorization"]}
}

// subscribeAs subscribes a framework as user (credentials), returning the
// response (the caller reads the stream or the error).
func subscribeAs(t *testing.T, tm *testMaster, user string, info *mesospb.FrameworkInfo) *http.Response {
	t.Helper()
	call := &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(), Subscribe: &schedulerpb.Call_Subscribe{FrameworkInfo: info}}
	var h http.Header
	if user != "" {
		h = basicHeader(user)
	}
	return post(t, tm.srv.URL+"/api/v1/scheduler", httpapi.JSON, call, h)
}

// webScheduler subscribes the web framework (principal web, role web,
// user nobody) with the web credentials.
func webScheduler(t *testing.T, tm *testMaster) *testScheduler {
	t.Helper()
	info := frameworkInfo("web")
	info.User, info.Role, info.Principal = proto.String("nobody"), proto.String("web"), proto.String("web")
	resp := subscribeAs(t, tm, "web", info)
	if resp.StatusCode != http.StatusOK {
		code, body := status(t, resp)
		t.Fatalf("SUBSCRIBE as web: %d %s", code, body)
	}
	s := &testScheduler{t: t, tm: tm, codec: httpapi.JSON, streamID: resp.Header.Get(httpapi.StreamIDHeader)}
	s.events = readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	ev := s.events.next(t, "SUBSCRIBED", func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_SUBSCRIBED || e.GetType() == schedulerpb.Event_ERROR
	})
	if ev.GetType() == schedulerpb.Event_ERROR {
		t.Fatalf("web refused: %s", ev.GetError().GetMessage())
	}
	s.id = ev.GetSubscribed().GetFrameworkId().GetValue()
	return s
}

// sendAs posts a scheduler call with the user's credentials.
func (s *testScheduler) sendAs(user string, call *schedulerpb.Call) (int, string) {
	s.t.Helper()
	call.FrameworkId = frameworkIDProto(s.id)
	h := http.Header{httpapi.StreamIDHeader: {s.streamID}}
	if user != "" {
		h.Set("Authorization", basicHeader(user).Get("Authorization"))
	}
	return status(s.t, post(s.t, s.tm.srv.URL+"/api/v1/scheduler", s.codec, call, h))
}

// TestSchedulerAuthentication: with --authenticate_http_frameworks every
// scheduler call must authenticate; SUBSCRIBE's principal must be the
// authenticated one; REGISTER_FRAMEWORK decides the roles.
func TestSchedulerAuthentication(t *testing.T) {
	tm := authMaster(t, nil)
	info := frameworkInfo("web")
	info.Role, info.Principal = proto.String("web"), proto.String("web")

	resp := subscribeAs(t, tm, "", info)
	code, _ := status(t, resp)
	if code != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Basic realm="mesos-master-scheduler"` {
		t.Fatalf("SUBSCRIBE without credentials: %d, challenge %q", code, resp.Header.Get("WWW-Authenticate"))
	}

	other := proto.CloneOf(info)
	other.Principal = proto.String("other")
	code, body := status(t, subscribeAs(t, tm, "web", other))
	if code != http.StatusBadRequest || !strings.Contains(body, "Authenticated principal 'web' does not match principal 'other' set in `FrameworkInfo`") {
		t.Fatalf("SUBSCRIBE with another principal: %d %s", code, body)
	}

	// eve may register no framework: an ERROR event, then the end.
	eve := proto.CloneOf(info)
	eve.Principal = proto.String("eve")
	resp = subscribeAs(t, tm, "eve", eve)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("refused SUBSCRIBE: %d", resp.StatusCode)
	}
	events := readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	ev := events.next(t, "ERROR", func(e *schedulerpb.Event) bool { return true })
	if ev.GetType() != schedulerpb.Event_ERROR || ev.GetError().GetMessage() != "Not authorized to use roles '{ web }'" {
		t.Fatalf("eve's SUBSCRIBE: %v", ev)
	}

	// web with no principal in its FrameworkInfo gets the authenticated
	// one, and is allowed its role.
	s := webScheduler(t, tm)
	if code, body := s.sendAs("", &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()}); code != http.StatusUnauthorized {
		t.Errorf("REVIVE without credentials: %d %s", code, body)
	}
	if code, body := s.sendAs("eve", &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()}); code != http.StatusBadRequest ||
		!strings.Contains(body, "Authenticated principal 'eve' does not match principal 'web'") {
		t.Errorf("REVIVE as eve: %d %s", code, body)
	}
	if code, body := s.sendAs("web", &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()}); code != http.StatusAccepted {
		t.Errorf("REVIVE as web: %d %s", code, body)
	}
}

// TestRunTaskAuthorization: RUN_TASK by the task's user; a refused task is
// TASK_ERROR with REASON_TASK_UNAUTHORIZED, the others launch.
func TestRunTaskAuthorization(t *testing.T) {
	tm := authMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := webScheduler(t, tm)
	offer := s.nextOffer()
	ok := commandTask(t, "as-nobody", offer, "cpus:1;mem:64")
	root := commandTask(t, "as-root", offer, "cpus:1;mem:64")
	root.Command.User = proto.String("root")
	if code, body := s.sendAs("web", launchCall(offer, ok, root)); code != http.StatusAccepted {
		t.Fatalf("ACCEPT: %d %s", code, body)
	}
	st := s.nextUpdate("as-root")
	if st.GetState() != mesospb.TaskState_TASK_ERROR || st.GetReason() != mesospb.TaskStatus_REASON_TASK_UNAUTHORIZED ||
		st.GetMessage() != "Not authorized to launch as user 'root'" || st.GetSource() != mesospb.TaskStatus_SOURCE_MASTER {
		t.Fatalf("refused task: %v", st)
	}
	run := agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	if id := run.GetRunTask().GetTask().GetTaskId().GetValue(); id != "as-nobody" {
		t.Fatalf("agent was asked to run %s", id)
	}
}

// operatorAs makes an operator call with a user's credentials.
func operatorAs(t *testing.T, tm *testMaster, user string, call *masterpb.Call) (int, []byte) {
	t.Helper()
	resp := post(t, tm.srv.URL+"/api/v1", httpapi.JSON, call, basicHeader(user))
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// httpAs makes an endpoint request with a user's credentials.
func httpAs(t *testing.T, user, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if user != "" {
		req.SetBasicAuth(user, user+"-secret")
	}
	if method != http.MethodGet {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return status(t, resp)
}

// TestOperatorAuthorization: calls and endpoints that change things or
// show the flags and metrics answer 403 to whom the ACLs do not allow.
func TestOperatorAuthorization(t *testing.T) {
	tm := authMaster(t, nil)
	agent := registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := webScheduler(t, tm)

	weights := callOf(masterpb.Call_UPDATE_WEIGHTS)
	weights.UpdateWeights = &masterpb.Call_UpdateWeights{WeightInfos: []*mesospb.WeightInfo{{Role: proto.String("web"), Weight: proto.Float64(2)}}}
	logging := callOf(masterpb.Call_SET_LOGGING_LEVEL)
	logging.SetLoggingLevel = &masterpb.Call_SetLoggingLevel{Level: proto.Uint32(1), Duration: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(time.Second))}}
	teardown := callOf(masterpb.Call_TEARDOWN)
	teardown.Teardown = &masterpb.Call_Teardown{FrameworkId: frameworkIDProto(s.id)}
	gone := callOf(masterpb.Call_MARK_AGENT_GONE)
	gone.MarkAgentGone = &masterpb.Call_MarkAgentGone{AgentId: agentIDProto(agent.id)}
	deactivate := callOf(masterpb.Call_DEACTIVATE_AGENT)
	deactivate.DeactivateAgent = &masterpb.Call_DeactivateAgent{AgentId: agentIDProto(agent.id)}
	quota := callOf(masterpb.Call_REMOVE_QUOTA)
	quota.RemoveQuota = &masterpb.Call_RemoveQuota{Role: proto.String("web")}
	for _, call := range []*masterpb.Call{callOf(masterpb.Call_GET_FLAGS), weights, logging, teardown, gone, deactivate, quota} {
		if code, body := operatorAs(t, tm, "web", call); code != http.StatusForbidden {
			t.Errorf("%s as web: %d %s", call.GetType(), code, body)
		}
	}
	for _, call := range []*masterpb.Call{callOf(masterpb.Call_GET_FLAGS), weights, logging, deactivate} {
		if code, body := operatorAs(t, tm, "ops", call); code != http.StatusOK {
			t.Errorf("%s as ops: %d %s", call.GetType(), code, body)
		}
	}
	if code, body := operatorAs(t, tm, "eve", callOf(masterpb.Call_GET_HEALTH)); code != http.StatusOK {
		t.Errorf("GET_HEALTH (not authorized by Mesos) as eve: %d %s", code, body)
	}

	for _, c := range []struct {
		user, method, path, body string
		want                     int
	}{
		{"web", "GET", "/flags", "", http.StatusForbidden},
		{"ops", "GET", "/flags", "", http.StatusOK},
		{"web", "GET", "/metrics/snapshot", "", http.StatusForbidden},
		{"ops", "GET", "/metrics/snapshot", "", http.StatusOK},
		{"web", "PUT", "/weights", `[{"role":"web","weight":3}]`, http.StatusForbidden},
		{"ops", "PUT", "/weights", `[{"role":"web","weight":3}]`, http.StatusOK},
		{"eve", "POST", "/teardown", "frameworkId=" + s.id, http.StatusForbidden},
		{"web", "POST", "/reserve", "slaveId=" + agent.id + `&resources=[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"web","principal":"web"}]}]`, http.StatusForbidden},
		{"ops", "POST", "/reserve", "slaveId=" + agent.id + `&resources=[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"web","principal":"ops"}]}]`, http.StatusAccepted},
		{"web", "DELETE", "/quota/web", "", http.StatusForbidden},
		{"web", "POST", "/machine/down", `[{"hostname":"agent-host"}]`, http.StatusForbidden},
		{"", "GET", "/flags", "", http.StatusUnauthorized},
	} {
		if code, body := httpAs(t, c.user, c.method, tm.srv.URL+c.path, c.body); code != c.want {
			t.Errorf("%s %s as %q: %d %s, want %d", c.method, c.path, c.user, code, body, c.want)
		}
	}
}

// TestViewFiltering: /master/state, /tasks, /roles and the GET_* calls
// show each principal what VIEW_FRAMEWORK, VIEW_TASK, VIEW_ROLE and
// VIEW_FLAGS allow it.
func TestViewFiltering(t *testing.T) {
	tm := authMaster(t, nil)
	registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := webScheduler(t, tm)
	offer := s.nextOffer()
	if code, body := s.sendAs("web", launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:64"))); code != http.StatusAccepted {
		t.Fatalf("ACCEPT: %d %s", code, body)
	}
	eventually(t, "task t1", func() bool {
		var n int
		onLoop(t, tm, func() { n = len(tm.frameworks[s.id].tasks) })
		return n == 1
	})

	state := func(user string) map[string]any {
		code, body := httpAs(t, user, "GET", tm.srv.URL+"/master/state", "")
		if code != http.StatusOK {
			t.Fatalf("/master/state as %s: %d %s", user, code, body)
		}
		return decodeJSON(t, body)
	}
	ops := state("ops")
	if n := len(jpath(t, ops, "frameworks").([]any)); n != 1 || len(jpath(t, ops, "frameworks", "0", "tasks").([]any)) != 1 || ops["flags"] == nil {
		t.Errorf("ops's state: %d frameworks, flags %v", n, ops["flags"] != nil)
	}
	web := state("web")
	if n := len(jpath(t, web, "frameworks").([]any)); n != 1 || len(jpath(t, web, "frameworks", "0", "tasks").([]any)) != 0 || web["flags"] != nil {
		t.Errorf("web's state: %d frameworks, tasks %v, flags %v", n, jpath(t, web, "frameworks", "0", "tasks"), web["flags"] != nil)
	}
	if eve := state("eve"); len(jpath(t, eve, "frameworks").([]any)) != 0 || len(jpath(t, eve, "slaves").([]any)) != 1 {
		t.Errorf("eve's state: %v", eve["frameworks"])
	}
	if code, body := httpAs(t, "web", "GET", tm.srv.URL+"/master/tasks", ""); code != 200 || !strings.Contains(body, `"tasks":[]`) {
		t.Errorf("/tasks as web: %d %s", code, body)
	}
	if code, body := httpAs(t, "ops", "GET", tm.srv.URL+"/master/tasks", ""); code != 200 || !strings.Contains(body, `"id":"t1"`) {
		t.Errorf("/tasks as ops: %d %s", code, body)
	}
	if code, body := httpAs(t, "web", "GET", tm.srv.URL+"/master/roles", ""); code != 200 || body != `{"roles":[]}` {
		t.Errorf("/roles as web: %d %s", code, body)
	}
	if code, body := httpAs(t, "ops", "GET", tm.srv.URL+"/master/roles", ""); code != 200 || !strings.Contains(body, `"name":"web"`) {
		t.Errorf("/roles as ops: %d %s", code, body)
	}

	get := func(user string, typ masterpb.Call_Type) *masterpb.Response {
		code, body := operatorAs(t, tm, user, callOf(typ))
		if code != http.StatusOK {
			t.Fatalf("%s as %s: %d %s", typ, user, code, body)
		}
		var resp masterpb.Response
		if err := httpapi.JSON.Unmarshal(body, &resp); err != nil {
			t.Fatal(err)
		}
		return &resp
	}
	if st := get("web", masterpb.Call_GET_STATE).GetGetState(); len(st.GetGetFrameworks().GetFrameworks()) != 1 || len(st.GetGetTasks().GetTasks()) != 0 {
		t.Errorf("GET_STATE as web: %v", st)
	}
	if st := get("ops", masterpb.Call_GET_STATE).GetGetState(); len(st.GetGetTasks().GetTasks()) != 1 || len(st.GetGetExecutors().GetExecutors()) != 0 {
		t.Errorf("GET_STATE as ops: %v", st)
	}
	if fws := get("eve", masterpb.Call_GET_FRAMEWORKS).GetGetFrameworks().GetFrameworks(); len(fws) != 0 {
		t.Errorf("GET_FRAMEWORKS as eve: %v", fws)
	}
	if roles := get("web", masterpb.Call_GET_ROLES).GetGetRoles().GetRoles(); len(roles) != 0 {
		t.Errorf("GET_ROLES as web: %v", roles)
	}
}

// TestOperatorStreamFiltering: an operator stream carries only the
// framework and task events its principal may view; agent events always.
func TestOperatorStreamFiltering(t *testing.T) {
	tm := authMaster(t, nil)
	streamAs := func(user string) *stream[*masterpb.Event] {
		resp := post(t, tm.srv.URL+"/api/v1", httpapi.JSON, callOf(masterpb.Call_SUBSCRIBE), basicHeader(user))
		if resp.StatusCode != http.StatusOK {
			code, body := status(t, resp)
			t.Fatalf("SUBSCRIBE as %s: %d %s", user, code, body)
		}
		return readStream(t, resp, httpapi.JSON, func() *masterpb.Event { return &masterpb.Event{} })
	}
	ops, eve := streamAs("ops"), streamAs("eve")
	registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := webScheduler(t, tm)
	offer := s.nextOffer()
	if code, body := s.sendAs("web", launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:64"))); code != http.StatusAccepted {
		t.Fatalf("ACCEPT: %d %s", code, body)
	}
	ops.next(t, "FRAMEWORK_ADDED", eventOf(masterpb.Event_FRAMEWORK_ADDED))
	ops.next(t, "TASK_ADDED", eventOf(masterpb.Event_TASK_ADDED))
	// A second agent: its AGENT_ADDED comes after the task on every stream.
	registerAgent(t, tm, "cpus:1;mem:128", func(s *agentmasterpb.AgentCall_Subscribe) { s.AgentInfo.Hostname = proto.String("second") })
	var seen []string
	eve.next(t, "the second AGENT_ADDED", func(e *masterpb.Event) bool {
		seen = append(seen, e.GetType().String())
		return e.GetType() == masterpb.Event_AGENT_ADDED && e.GetAgentAdded().GetAgent().GetAgentInfo().GetHostname() == "second"
	})
	for _, typ := range seen {
		if strings.HasPrefix(typ, "FRAMEWORK_") || strings.HasPrefix(typ, "TASK_") {
			t.Errorf("eve's stream carried %s (all: %v)", typ, seen)
		}
	}
}

// failingAuthorizer fails every call, as a crashed module would.
type failingAuthorizer struct{}

func (failingAuthorizer) Authorized(context.Context, *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	return nil, errors.New("module crashed")
}

func (failingAuthorizer) ApproveObjects(context.Context, *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return nil, errors.New("module crashed")
}

// TestAuthorizerFailsClosed: an authorizer that fails denies everything it
// is asked about.
func TestAuthorizerFailsClosed(t *testing.T) {
	tm := authMaster(t, func(c *Config) { c.Authorizer = failingAuthorizer{} })
	if code, body := operatorAs(t, tm, "ops", callOf(masterpb.Call_GET_FLAGS)); code != http.StatusForbidden {
		t.Errorf("GET_FLAGS: %d %s", code, body)
	}
	registerAgentErr := post(t, tm.srv.URL+AgentAPIPath, httpapi.Protobuf, &agentmasterpb.AgentCall{
		Type:      agentmasterpb.AgentCall_SUBSCRIBE.Enum(),
		Subscribe: &agentmasterpb.AgentCall_Subscribe{AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("h")}},
	}, nil)
	if code, body := status(t, registerAgentErr); code != http.StatusForbidden || !strings.Contains(body, "Authorization failure") {
		t.Errorf("agent SUBSCRIBE: %d %s", code, body)
	}
	info := frameworkInfo("web")
	info.Principal = proto.String("web")
	resp := subscribeAs(t, tm, "web", info)
	events := readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	ev := events.next(t, "ERROR", func(*schedulerpb.Event) bool { return true })
	if !strings.HasPrefix(ev.GetError().GetMessage(), "Authorization failure: ") {
		t.Errorf("SUBSCRIBE: %v", ev)
	}
	code, body := httpAs(t, "ops", "GET", tm.srv.URL+"/master/state", "")
	if st := decodeJSON(t, body); code != 200 || st["flags"] != nil {
		t.Errorf("/master/state: %d, flags shown", code)
	}
}

// TestAgentAuthentication: with --authenticate_agents an agent's SUBSCRIBE
// must carry a credential the authenticator accepts; the refusal is a 401
// and a log line naming the agent.
func TestAgentAuthentication(t *testing.T) {
	_, creds := authFiles(t)
	crammd5, err := authn.NewCRAMMD5With(map[string]string{"credentials": creds}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	tm := startMaster(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		c.AuthenticateAgent = func(r *http.Request) (string, error) {
			p, secret, ok := r.BasicAuth()
			if !ok {
				return "", errors.New("the agent presented no credential")
			}
			resp, err := crammd5.Authenticate(r.Context(), &authenticator.AuthenticateRequest{
				Credential: &mesospb.Credential{Principal: &p, Secret: &secret}})
			if err != nil || !resp.GetAuthenticated() {
				return "", errors.New("authentication failed")
			}
			return resp.GetPrincipal(), nil
		}
	})
	sub := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("h")},
	}}
	for _, h := range []http.Header{nil, basicHeader("eve-wrong")} {
		resp := post(t, tm.srv.URL+AgentAPIPath, httpapi.Protobuf, sub, h)
		if code, body := status(t, resp); code != http.StatusUnauthorized || !strings.HasPrefix(body, "Agent is not authenticated") {
			t.Errorf("agent SUBSCRIBE with %v: %d %s", h, code, body)
		}
	}
	if !strings.Contains(logs.String(), "Refusing registration of agent because it is not authenticated") {
		t.Errorf("no refusal in the master's log:\n%s", logs.String())
	}
	resp := post(t, tm.srv.URL+AgentAPIPath, httpapi.Protobuf, sub, basicHeader("agent"))
	if resp.StatusCode != http.StatusOK {
		code, body := status(t, resp)
		t.Fatalf("authenticated agent: %d %s", code, body)
	}
	resp.Body.Close()
}

func decodeJSON(t *testing.T, body string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return doc
}

// TestOperatorStreamAgentRoles: the AGENT_ADDED of a stream carries only
// the agent's resources of roles its principal may view (VIEW_ROLE), as
// GET_AGENTS does; unreserved resources always.
func TestOperatorStreamAgentRoles(t *testing.T) {
	acls := strings.Replace(testACLs,
		`"view_roles": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],`,
		`"view_roles": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}, {"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],`, 1)
	tm := authMasterWith(t, acls, nil)
	streamAs := func(user string) *stream[*masterpb.Event] {
		resp := post(t, tm.srv.URL+"/api/v1", httpapi.JSON, callOf(masterpb.Call_SUBSCRIBE), basicHeader(user))
		if resp.StatusCode != http.StatusOK {
			code, body := status(t, resp)
			t.Fatalf("SUBSCRIBE as %s: %d %s", user, code, body)
		}
		return readStream(t, resp, httpapi.JSON, func() *masterpb.Event { return &masterpb.Event{} })
	}
	ops, web := streamAs("ops"), streamAs("web")
	registerAgent(t, tm, "cpus:1;mem:128;cpus(web):1;cpus(eng):2", nil)
	roles := func(s *stream[*masterpb.Event]) []string {
		ev := s.next(t, "AGENT_ADDED", eventOf(masterpb.Event_AGENT_ADDED))
		var out []string
		for _, r := range ev.GetAgentAdded().GetAgent().GetTotalResources() {
			role := r.GetRole()
			if rs := r.GetReservations(); len(rs) > 0 {
				role = rs[len(rs)-1].GetRole()
			}
			out = append(out, r.GetName()+"("+role+")")
		}
		return out
	}
	has := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	if got := roles(ops); !has(got, "cpus(web)") || !has(got, "cpus(eng)") || !has(got, "mem()") && !has(got, "mem(*)") {
		t.Errorf("ops's AGENT_ADDED resources: %v", got)
	}
	if got := roles(web); !has(got, "cpus(web)") || has(got, "cpus(eng)") || !has(got, "mem()") && !has(got, "mem(*)") {
		t.Errorf("web's AGENT_ADDED resources: %v", got)
	}
}
