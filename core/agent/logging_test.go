package agent

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestLoggingLevel: SET_LOGGING_LEVEL raises the agent's verbosity for
// its duration, GET_LOGGING_LEVEL reads it, and it reverts to 0.
func TestLoggingLevel(t *testing.T) {
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, t.TempDir()))
	level := func() uint32 {
		return operator(t, a, httpapi.Protobuf, &agentpb.Call{Type: agentpb.Call_GET_LOGGING_LEVEL.Enum()}).GetGetLoggingLevel().GetLevel()
	}
	post := func(call *agentpb.Call) int {
		body, _ := httpapi.JSON.Marshal(call)
		req, _ := http.NewRequest(http.MethodPost, a.url("/api/v1"), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if l := level(); l != 0 {
		t.Fatalf("level %d at start", l)
	}
	set := func(level uint32, d time.Duration) *agentpb.Call {
		return &agentpb.Call{Type: agentpb.Call_SET_LOGGING_LEVEL.Enum(), SetLoggingLevel: &agentpb.Call_SetLoggingLevel{
			Level: proto.Uint32(level), Duration: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(d))}}}
	}
	if code := post(set(2, time.Hour)); code != http.StatusOK {
		t.Fatalf("SET_LOGGING_LEVEL: %d", code)
	}
	if l := level(); l != 2 {
		t.Fatalf("level %d after SET_LOGGING_LEVEL 2", l)
	}
	// A later call replaces the earlier one and its revert.
	if code := post(set(1, time.Second)); code != http.StatusOK {
		t.Fatalf("SET_LOGGING_LEVEL: %d", code)
	}
	if l := level(); l != 1 {
		t.Fatalf("level %d after SET_LOGGING_LEVEL 1", l)
	}
	deadline := time.Now().Add(20 * time.Second)
	for level() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the level did not revert to 0 after its duration")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for name, call := range map[string]*agentpb.Call{
		"no payload":  {Type: agentpb.Call_SET_LOGGING_LEVEL.Enum()},
		"no duration": {Type: agentpb.Call_SET_LOGGING_LEVEL.Enum(), SetLoggingLevel: &agentpb.Call_SetLoggingLevel{Level: proto.Uint32(1)}},
	} {
		if code := post(call); code != http.StatusBadRequest {
			t.Errorf("SET_LOGGING_LEVEL with %s: %d, want 400", name, code)
		}
	}
	if l := level(); l != 0 {
		t.Errorf("level %d after rejected calls", l)
	}
}
