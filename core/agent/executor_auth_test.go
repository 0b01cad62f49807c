package agent

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/executorauth"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

const testJWTKey = "executor-auth-test-key"

// executorAuthConfig is a test agent that requires executors' tokens,
// signed with a key in a file, and authenticates and authorizes the
// operator API as authAgent does.
func executorAuthConfig(t *testing.T, m *testMaster, work string) Config {
	t.Helper()
	keyFile := filepath.Join(t.TempDir(), "jwt.key")
	if err := os.WriteFile(keyFile, []byte(testJWTKey), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := agentConfig(t, m.addr, work)
	cfg.AuthenticateHTTPExecutors, cfg.JWTSecretKey = true, keyFile
	cfg.AuthenticateHTTPReadWrite = true
	cfg.HTTPCredentials, cfg.ACLs = agentTestCredentials, agentTestACLs
	return cfg
}

// containerOf is the container of a running executor.
func containerOf(t *testing.T, a *testAgent, fwID, execID string) string {
	t.Helper()
	var id string
	if err := a.call(context.Background(), func() {
		if fw := a.frameworks[fwID]; fw != nil {
			if e := fw.executors[execID]; e != nil {
				id = e.containerID.GetValue()
			}
		}
	}); err != nil || id == "" {
		t.Fatalf("container of executor %s: %q, %v", execID, id, err)
	}
	return id
}

func signToken(t *testing.T, fwID, execID, containerID string) string {
	t.Helper()
	tok, err := executorauth.Sign(executorauth.ExecutorClaims(fwID, execID, containerID), []byte(testJWTKey))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// postWithAuth posts m as JSON with an Authorization header ("" for
// none) and returns the response (body read).
func postWithAuth(t *testing.T, url string, m proto.Message, authorization string) (*http.Response, string) {
	t.Helper()
	body, err := httpapi.JSON.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func customExecutorTask(id, execID, data string) *mesospb.TaskInfo {
	return &mesospb.TaskInfo{
		Name: proto.String(id), TaskId: &mesospb.TaskID{Value: proto.String(id)},
		Resources: mustResources("cpus:0.1;mem:32"), Data: []byte(data),
		Executor: &mesospb.ExecutorInfo{
			ExecutorId: &mesospb.ExecutorID{Value: proto.String(execID)},
			Command:    &mesospb.CommandInfo{Value: proto.String(binaries.customExecutor)},
			Resources:  mustResources("cpus:0.1;mem:32"),
		},
	}
}

// TestExecutorAuthentication: with --authenticate_http_executors and a
// --jwt_secret_key file, the agent's own executors (command, default) and
// a framework's executor present the tokens the agent gave them and their
// tasks finish; tasks do not inherit the token; a call without a token is
// 401 with a Bearer challenge in the executor realm; a token of another
// executor, or of another container of the same executor, is 403; the
// right token is accepted on a raw call.
func TestExecutorAuthentication(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, executorAuthConfig(t, m, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("executor-auth", false))

	// In one offer: the command executor (its task fails if it inherited
	// the token), the default executor (a task group, the same), a
	// framework's executor whose task finishes and another whose task
	// stays.
	o := s.offer()
	group := defaultExecutor(s.id)
	noToken := `test -z "$MESOS_EXECUTOR_AUTHENTICATION_TOKEN"`
	tasks := []*mesospb.TaskInfo{commandTask("cmd", noToken, "cpus:0.1;mem:32"),
		customExecutorTask("custom", "custom-exec", "finish"), customExecutorTask("stays", "stays-exec", "")}
	g1, g2 := commandTask("g1", noToken, "cpus:0.1;mem:32"), commandTask("g2", "sleep 0.2", "cpus:0.1;mem:32")
	for _, ti := range append(tasks, g1, g2) {
		ti.AgentId = o.GetAgentId()
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()},
		Operations: []*mesospb.Offer_Operation{
			{Type: mesospb.Offer_Operation_LAUNCH.Enum(), Launch: &mesospb.Offer_Operation_Launch{TaskInfos: tasks}},
			launchGroupOp(group, g1, g2),
		},
	}})
	s.waitState("cmd", mesospb.TaskState_TASK_FINISHED)
	s.waitState("g1", mesospb.TaskState_TASK_FINISHED)
	s.waitState("g2", mesospb.TaskState_TASK_FINISHED)
	s.waitState("custom", mesospb.TaskState_TASK_FINISHED)
	s.waitState("stays", mesospb.TaskState_TASK_RUNNING)

	url := a.url("/api/v1/executor")
	container := containerOf(t, a, s.id, "stays-exec")
	message := func(execID string) *executorpb.Call {
		return &executorpb.Call{Type: executorpb.Call_MESSAGE.Enum(),
			FrameworkId: &mesospb.FrameworkID{Value: proto.String(s.id)}, ExecutorId: &mesospb.ExecutorID{Value: proto.String(execID)},
			Message: &executorpb.Call_Message{Data: []byte("raw")}}
	}
	for _, tc := range []struct {
		name, authorization string
		call                *executorpb.Call
		status              int
		challenge, body     string
	}{
		{"no token", "", message("stays-exec"), http.StatusUnauthorized, `Bearer realm="mesos-agent-executor"`, ""},
		{"heartbeat without token", "", &executorpb.Call{Type: executorpb.Call_HEARTBEAT.Enum(),
			FrameworkId: &mesospb.FrameworkID{Value: proto.String(s.id)}, ExecutorId: &mesospb.ExecutorID{Value: proto.String("stays-exec")}},
			http.StatusUnauthorized, `Bearer realm="mesos-agent-executor"`, ""},
		{"subscribe without token", "", &executorpb.Call{Type: executorpb.Call_SUBSCRIBE.Enum(),
			FrameworkId: &mesospb.FrameworkID{Value: proto.String(s.id)}, ExecutorId: &mesospb.ExecutorID{Value: proto.String("stays-exec")},
			Subscribe: &executorpb.Call_Subscribe{}}, http.StatusUnauthorized, `Bearer realm="mesos-agent-executor"`, ""},
		{"not a bearer", "Basic b3BzOm9wcy1zZWNyZXQ=", message("stays-exec"), http.StatusUnauthorized,
			`Bearer realm="mesos-agent-executor", error="invalid_token", error_description="Scheme 'Basic' unsupported"`, ""},
		{"signed with another key", "Bearer " + func() string {
			tok, _ := executorauth.Sign(executorauth.ExecutorClaims(s.id, "stays-exec", container), []byte("other key"))
			return tok
		}(), message("stays-exec"), http.StatusUnauthorized,
			`Bearer realm="mesos-agent-executor", error="invalid_token", error_description="Invalid JWT: Token signature does not match"`, ""},
		{"another executor's token", "Bearer " + signToken(t, s.id, "custom-exec", containerOf(t, a, s.id, "custom-exec")),
			message("stays-exec"), http.StatusForbidden, "", "does not contain an 'eid' claim with the executor ID stays-exec"},
		{"another framework's token", "Bearer " + signToken(t, "other-framework", "stays-exec", container),
			message("stays-exec"), http.StatusForbidden, "", "does not contain an 'fid' claim with the framework ID " + s.id},
		{"an earlier container's token", "Bearer " + signToken(t, s.id, "stays-exec", "earlier-run"),
			message("stays-exec"), http.StatusForbidden, "", "does not contain a 'cid' claim with the correct active ContainerID"},
		{"the executor's token", "Bearer " + signToken(t, s.id, "stays-exec", container), message("stays-exec"), http.StatusAccepted, "", ""},
	} {
		resp, body := postWithAuth(t, url, tc.call, tc.authorization)
		if resp.StatusCode != tc.status || resp.Header.Get("WWW-Authenticate") != tc.challenge || !strings.Contains(body, tc.body) {
			t.Errorf("%s: %s, WWW-Authenticate %q, body %q; want %d, %q, %q",
				tc.name, resp.Status, resp.Header.Get("WWW-Authenticate"), body, tc.status, tc.challenge, tc.body)
		}
	}
	// The accepted raw MESSAGE reached the scheduler.
	ev := s.next("MESSAGE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_MESSAGE })
	if string(ev.GetMessage().GetData()) != "raw" || ev.GetMessage().GetExecutorId().GetValue() != "stays-exec" {
		t.Errorf("message %v", ev.GetMessage())
	}

	s.send(killCall("stays", o.GetAgentId()))
	s.waitState("stays", mesospb.TaskState_TASK_KILLED)
	s.teardown()
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestExecutorTokenOnOperatorAPI: with --authenticate_http_readwrite an
// executor's token authenticates it on the operator API, where it may
// launch, wait for and remove containers nested under its own container
// (Mesos's implicit executor authorization, whatever the ACLs say), and
// nothing else: not under another executor's container, nor other calls.
// A bad bearer token is 401 with challenges for both schemes.
func TestExecutorTokenOnOperatorAPI(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, executorAuthConfig(t, m, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("executor-operator", false))
	o := s.offer()
	s.launchRefusing(o, 0, customExecutorTask("mine", "mine-exec", ""), customExecutorTask("theirs", "theirs-exec", ""))
	s.waitState("mine", mesospb.TaskState_TASK_RUNNING)
	s.waitState("theirs", mesospb.TaskState_TASK_RUNNING)
	mine := &mesospb.ContainerID{Value: proto.String(containerOf(t, a, s.id, "mine-exec"))}
	theirs := &mesospb.ContainerID{Value: proto.String(containerOf(t, a, s.id, "theirs-exec"))}
	bearer := "Bearer " + signToken(t, s.id, "mine-exec", mine.GetValue())
	op := a.url("/api/v1")
	child := func(parent *mesospb.ContainerID, name string) *mesospb.ContainerID {
		return &mesospb.ContainerID{Value: proto.String(name), Parent: parent}
	}
	launch := func(id *mesospb.ContainerID) *agentpb.Call {
		return &agentpb.Call{Type: agentpb.Call_LAUNCH_NESTED_CONTAINER.Enum(), LaunchNestedContainer: &agentpb.Call_LaunchNestedContainer{
			ContainerId: id, Command: &mesospb.CommandInfo{Value: proto.String("exit 0")}}}
	}

	if resp, body := postWithAuth(t, op, launch(child(mine, "task")), bearer); resp.StatusCode != http.StatusOK {
		t.Fatalf("launch under its own container: %s %s", resp.Status, body)
	}
	resp, body := postWithAuth(t, op, &agentpb.Call{Type: agentpb.Call_WAIT_NESTED_CONTAINER.Enum(),
		WaitNestedContainer: &agentpb.Call_WaitNestedContainer{ContainerId: child(mine, "task")}}, bearer)
	var waited agentpb.Response
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("wait: %s %s", resp.Status, body)
	}
	mustUnmarshalJSON(t, body, &waited)
	if waited.GetWaitNestedContainer().ExitStatus == nil || waited.GetWaitNestedContainer().GetExitStatus() != 0 {
		t.Errorf("wait: %s", body)
	}
	if resp, body := postWithAuth(t, op, &agentpb.Call{Type: agentpb.Call_REMOVE_NESTED_CONTAINER.Enum(),
		RemoveNestedContainer: &agentpb.Call_RemoveNestedContainer{ContainerId: child(mine, "task")}}, bearer); resp.StatusCode != http.StatusOK {
		t.Errorf("remove: %s %s", resp.Status, body)
	}

	for _, tc := range []struct {
		name          string
		call          *agentpb.Call
		authorization string
		status        int
	}{
		{"launch under another executor", launch(child(theirs, "intruder")), bearer, http.StatusForbidden},
		{"kill another executor's nested container", &agentpb.Call{Type: agentpb.Call_KILL_NESTED_CONTAINER.Enum(),
			KillNestedContainer: &agentpb.Call_KillNestedContainer{ContainerId: child(theirs, "x")}}, bearer, http.StatusForbidden},
		{"another action", &agentpb.Call{Type: agentpb.Call_GET_FLAGS.Enum()}, bearer, http.StatusForbidden},
		{"a bad token", &agentpb.Call{Type: agentpb.Call_GET_FLAGS.Enum()}, bearer + "x", http.StatusUnauthorized},
		{"no credentials", &agentpb.Call{Type: agentpb.Call_GET_FLAGS.Enum()}, "", http.StatusUnauthorized},
	} {
		resp, body := postWithAuth(t, op, tc.call, tc.authorization)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %s %s, want %d", tc.name, resp.Status, body, tc.status)
		}
		if tc.name == "a bad token" {
			challenges := strings.Join(resp.Header.Values("WWW-Authenticate"), "\n")
			if !strings.Contains(challenges, `Bearer realm="mesos-agent-readwrite", error="invalid_token"`) ||
				!strings.Contains(challenges, `Basic realm="mesos-agent-readwrite"`) {
				t.Errorf("bad token's challenges: %q", challenges)
			}
		}
	}
	// Operators still authenticate with their credentials.
	if resp, body := operatorAs(t, a, "ops", &agentpb.Call{Type: agentpb.Call_GET_FLAGS.Enum()}); resp.StatusCode != http.StatusOK {
		t.Errorf("ops GET_FLAGS: %s %s", resp.Status, body)
	}

	s.teardown()
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestExecutorAuthenticationNeedsKey: the agent refuses to start with
// --authenticate_http_executors and no --jwt_secret_key (Mesos's
// message), or with a key file it cannot read.
func TestExecutorAuthenticationNeedsKey(t *testing.T) {
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, t.TempDir())
	cfg.AuthenticateHTTPExecutors = true
	if _, err := New(cfg); !errors.Is(err, executorauth.ErrNoKey) ||
		err.Error() != "--jwt_secret_key must be specified when --authenticate_http_executors is set to true" {
		t.Errorf("without a key: %v", err)
	}
	cfg.JWTSecretKey = filepath.Join(t.TempDir(), "missing")
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "--jwt_secret_key") {
		t.Errorf("with a missing key file: %v", err)
	}
}

// TestExecutorTokenWithoutEnforcement: with a key but without
// --authenticate_http_executors executors get tokens (as in Mesos, to
// upgrade a cluster) and calls without one are still taken.
func TestExecutorTokenWithoutEnforcement(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := executorAuthConfig(t, m, work)
	cfg.AuthenticateHTTPExecutors = false
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("executor-token", false))
	o := s.offer()
	s.launchRefusing(o, 0, customExecutorTask("stays", "stays-exec", ""))
	s.waitState("stays", mesospb.TaskState_TASK_RUNNING)
	resp, body := postWithAuth(t, a.url("/api/v1/executor"), &executorpb.Call{Type: executorpb.Call_MESSAGE.Enum(),
		FrameworkId: &mesospb.FrameworkID{Value: proto.String(s.id)}, ExecutorId: &mesospb.ExecutorID{Value: proto.String("stays-exec")},
		Message: &executorpb.Call_Message{Data: []byte("x")}}, "")
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("message without a token: %s %s", resp.Status, body)
	}
	var env map[string]string
	if err := a.call(context.Background(), func() {
		fw := a.frameworks[s.id]
		env = a.executorEnvironment(fw, fw.executors["stays-exec"])
	}); err != nil {
		t.Fatal(err)
	}
	claims, err := executorauth.Verify(env[executorauth.EnvToken], []byte(testJWTKey), time.Now())
	if err != nil || claims["fid"] != s.id || claims["eid"] != "stays-exec" || claims["cid"] != containerOf(t, a, s.id, "stays-exec") {
		t.Errorf("token claims %v, error %v", claims, err)
	}
	s.teardown()
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestExecutorAuthenticationAcrossRestart: tokens need no agent state: a
// checkpointed command executor re-subscribes with its token to an agent
// restarted with the same key, and its task's kill is reported through
// authenticated calls.
func TestExecutorAuthenticationAcrossRestart(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := executorAuthConfig(t, m, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("executor-auth-restart", true))
	o := s.offer()
	s.launch(o, commandTask("long", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("long", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	b := startAgent(t, cfg)
	b.waitExecutorBack(t, "long")
	b.waitRegistered(t)
	s.send(killCall("long", o.GetAgentId()))
	s.waitState("long", mesospb.TaskState_TASK_KILLED)
	b.stop(t)
	checkNoProcesses(t, work)
}
