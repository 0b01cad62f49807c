package masterflags

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

const flagsTestACLs = `{
  "permissive": false,
  "view_flags": [{"principals": {"values": ["ops"]}, "flags": {"type": "ANY"}}],
  "register_agents": [{"principals": {"values": ["agent"]}, "agents": {"type": "ANY"}}]
}`

const flagsTestCredentials = `{"credentials": [
  {"principal": "ops", "secret": "ops-secret"},
  {"principal": "web", "secret": "web-secret"},
  {"principal": "agent", "secret": "agent-secret"}
]}`

// runFromFlags starts a master configured from args, serving HTTP on
// 127.0.0.1, and returns its URL.
func runFromFlags(t *testing.T, args ...string) string {
	t.Helper()
	f := load(t, append([]string{"--registry=in_memory", "--ip=127.0.0.1", "--port=0", "--quiet"}, args...)...)
	log, err := f.OpenLog(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	l, err := f.Listen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cfg, release, err := f.Config(context.Background(), Setup{Log: log, Listener: l})
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	m, err := master.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: m.Handler()}
	go func() { _ = srv.Serve(l) }()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = m.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		_ = srv.Close()
		release()
	})
	return "http://" + l.Addr().String()
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func request(t *testing.T, method, url, user, secret, contentType string, body []byte) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	if user != "" {
		req.SetBasicAuth(user, secret)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Accept", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp, string(text)
}

// TestAuthFlags: a master started from Mesos's flags, with ACL and
// credentials files, authenticates schedulers, operators and agents and
// authorizes by the ACLs.
func TestAuthFlags(t *testing.T) {
	url := runFromFlags(t,
		"--acls="+writeFile(t, "acls.json", flagsTestACLs),
		"--credentials=file://"+writeFile(t, "credentials.json", flagsTestCredentials),
		"--authenticate_http_readonly", "--authenticate_http_frameworks", "--authenticate_agents", "--authenticate_frameworks")

	resp, body := request(t, "POST", url+"/api/v1/scheduler", "", "", "application/json",
		[]byte(`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"f"}}}`))
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Basic realm="mesos-master-scheduler"` {
		t.Errorf("unauthenticated SUBSCRIBE: %d %q %s", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body)
	}
	if resp, body := request(t, "GET", url+"/flags", "web", "web-secret", "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("/flags as web: %d %s", resp.StatusCode, body)
	}
	if resp, body := request(t, "GET", url+"/flags", "ops", "ops-secret", "", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"authenticate_agents":"true"`) {
		t.Errorf("/flags as ops: %d %s", resp.StatusCode, body)
	}
	if resp, body := request(t, "GET", url+"/flags", "ops", "wrong", "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/flags with a wrong secret: %d %s", resp.StatusCode, body)
	}

	sub, _ := proto.Marshal(&agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("h")},
	}})
	for _, c := range []struct {
		user, secret string
		want         int
	}{{"", "", http.StatusUnauthorized}, {"agent", "wrong", http.StatusUnauthorized}, {"web", "web-secret", http.StatusForbidden}} {
		if resp, body := request(t, "POST", url+master.AgentAPIPath, c.user, c.secret, "application/x-protobuf", sub); resp.StatusCode != c.want {
			t.Errorf("agent SUBSCRIBE as %q: %d %s, want %d", c.user, resp.StatusCode, body, c.want)
		}
	}
}

// TestAuthFlagErrors: what cannot work stops the master at start-up.
func TestAuthFlagErrors(t *testing.T) {
	fs := flags.NewFlagSet("mesos-master")
	f := Define(fs)
	if err := fs.Load(flags.Sources{Args: []string{"--registry=in_memory", `--acls={"run_tasks": [{"principals": {"type": "ANY"}}]}`}}); err != nil {
		t.Fatal(err)
	}
	if err := f.Check(); err == nil || !strings.Contains(err.Error(), "--acls: ACLs field 'run_tasks': rule 0: missing required field 'users'") {
		t.Errorf("bad ACLs: %v", err)
	}
	for args, want := range map[string]string{
		"--authorizers=nope":    "--authorizers: no Authorizer module named 'nope'",
		"--authenticate_agents": "needs --credentials",
		"--authenticate_http_frameworks --http_framework_authenticators=nope": "--http_framework_authenticators: no HttpAuthenticator module named 'nope'",
	} {
		if _, err := configOf(t, strings.Fields(args)...); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}
