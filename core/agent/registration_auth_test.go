package agent

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authenticator"
)

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestAgentCredential: against a master that authenticates agents, an
// agent without --credential is refused and says so in its log (and the
// master in its own), and keeps trying; with the credential it registers.
func TestAgentCredential(t *testing.T) {
	creds, err := authn.ParseCredentials([]byte(`{"credentials": [{"principal": "agent", "secret": "agent-secret"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	check := authn.NewCRAMMD5From(authn.NewCredentials(creds))
	masterLog := &logBuffer{}
	m := startMasterWith(t, "127.0.0.1:0", func(c *master.Config) {
		c.Logger = slog.New(slog.NewTextHandler(masterLog, nil))
		c.AuthenticateAgent = func(r *http.Request) (string, error) {
			p, secret, ok := r.BasicAuth()
			if !ok {
				return "", errors.New("the agent presented no credential")
			}
			resp, err := check.Authenticate(r.Context(), &authenticator.AuthenticateRequest{
				Credential: &mesospb.Credential{Principal: &p, Secret: &secret}})
			if err != nil || !resp.GetAuthenticated() {
				return "", errors.New("wrong credential")
			}
			return p, nil
		}
	})

	agentLog := &logBuffer{}
	cfg := agentConfig(t, m.addr, t.TempDir())
	cfg.Logger = slog.New(slog.NewTextHandler(agentLog, nil))
	a := startAgent(t, cfg)
	eventually(t, "the agent's log of the refusal", func() bool {
		return strings.Contains(agentLog.String(), "Master refused to authenticate this agent; check --credential")
	})
	if !strings.Contains(masterLog.String(), "Refusing registration of agent because it is not authenticated") {
		t.Errorf("master's log has no refusal:\n%s", masterLog.String())
	}
	var registered string
	_ = a.call(t.Context(), func() { registered = a.agentID() })
	if registered != "" {
		t.Fatalf("unauthenticated agent registered as %s", registered)
	}
	a.stop(t)

	cfg = agentConfig(t, m.addr, t.TempDir())
	cfg.Credential = creds[0]
	b := startAgent(t, cfg)
	eventually(t, "registration with the credential", func() bool {
		var id string
		_ = b.call(t.Context(), func() {
			if b.state == stateRunning {
				id = b.agentID()
			}
		})
		return id != ""
	})
}
