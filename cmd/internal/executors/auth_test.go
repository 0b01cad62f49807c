package executors

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestParseEnvAuthToken: the agent's token is read from the environment,
// and is optional.
func TestParseEnvAuthToken(t *testing.T) {
	vars := map[string]string{
		"MESOS_FRAMEWORK_ID": "f", "MESOS_EXECUTOR_ID": "e", "MESOS_AGENT_ENDPOINT": "127.0.0.1:5051", "MESOS_SANDBOX": "/sb",
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	if env, err := ParseEnv(lookup); err != nil || env.AuthToken != "" {
		t.Fatalf("env %+v, error %v", env, err)
	}
	vars[EnvAuthToken] = "a.b.c"
	if env, err := ParseEnv(lookup); err != nil || env.AuthToken != "a.b.c" {
		t.Fatalf("env %+v, error %v", env, err)
	}
}

// TestExecutorPresentsToken: with a token in its environment the command
// executor sends "Authorization: Bearer <token>" on every call (the
// SUBSCRIBE and each UPDATE), and its task does not inherit the token.
func TestExecutorPresentsToken(t *testing.T) {
	f := newFakeAgent(t)
	var mu sync.Mutex
	seen := map[string]int{}
	authed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Authorization")]++
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok.en.x" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		f.serve(w, r)
	}))
	t.Cleanup(authed.Close)
	env := Env{
		FrameworkID: "f", ExecutorID: "e", Directory: t.TempDir(),
		AgentEndpoint:       strings.TrimPrefix(authed.URL, "http://"),
		ShutdownGracePeriod: 3 * time.Second, BackoffMax: 100 * time.Millisecond,
		AuthToken: "tok.en.x",
	}
	environ := append(os.Environ(), EnvAuthToken+"=tok.en.x")
	x := newExecutor(execmode.Command, env, environ, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	code := make(chan int, 1)
	go func() { code <- x.run(ctx, nil) }()
	// The task fails if it sees the token.
	f.events <- launchEvent("t", `test -z "$`+EnvAuthToken+`"`, nil)
	f.wantState(t, mesospb.TaskState_TASK_STARTING)
	f.wantState(t, mesospb.TaskState_TASK_RUNNING)
	f.wantState(t, mesospb.TaskState_TASK_FINISHED)
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("executor did not exit after its task")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen["Bearer tok.en.x"] < 4 { // SUBSCRIBE and three UPDATEs
		t.Errorf("Authorization headers seen: %v", seen)
	}
}
