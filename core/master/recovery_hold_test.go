package master

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/registry"
)

// gatedStore is a registry store whose reads wait until the test opens
// the gate: an elected master stays in recovery meanwhile.
type gatedStore struct {
	*registry.MemoryStore
	gate chan struct{}
}

func (s *gatedStore) Get(ctx context.Context) (*registry.Snapshot, error) {
	select {
	case <-s.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.MemoryStore.Get(ctx)
}

// recoveringMaster is an elected master stuck recovering until open is
// called.
func recoveringMaster(t *testing.T, hold time.Duration) (hm *haMaster, open func()) {
	t.Helper()
	store := &gatedStore{MemoryStore: registry.NewMemoryStore(), gate: make(chan struct{})}
	opened := false
	open = func() {
		if !opened {
			opened = true
			close(store.gate)
		}
	}
	hm = startHAMaster(t, func(c *Config) {
		c.Registrar = registry.New(registry.Config{Store: store})
		c.recoveryHold = hold
	})
	t.Cleanup(open) // before the master's own cleanup, which waits for Run
	hm.detector.appoint(hm.Info())
	until(t, "elected, recovering", func() error {
		if hm.currentRole() != roleRecovering {
			return fmt.Errorf("role %d", hm.currentRole())
		}
		return nil
	})
	return hm, open
}

// subscribeAgentAsync sends a new agent's SUBSCRIBE and delivers the
// answer, with the first event read when it is 200.
type subscribeAnswer struct {
	resp  *http.Response
	first *agentmasterpb.AgentEvent
	err   error
}

func subscribeAgentAsync(base string) <-chan subscribeAnswer {
	out := make(chan subscribeAnswer, 1)
	go func() {
		call := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
			AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("early-agent")},
			Address:   &mesospb.Address{Hostname: proto.String("early-agent"), Ip: proto.String("127.0.0.1"), Port: proto.Int32(5051)},
		}}
		body, _ := proto.Marshal(call)
		req, _ := http.NewRequest(http.MethodPost, base+AgentAPIPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", httpapi.MediaProtobuf)
		req.Header.Set("Accept", httpapi.MediaProtobuf)
		resp, err := noRedirects.Do(req)
		a := subscribeAnswer{resp: resp, err: err}
		if err == nil && resp.StatusCode == http.StatusOK {
			rec, rerr := recordio.NewReader(resp.Body, 0).ReadRecord()
			a.first, a.err = &agentmasterpb.AgentEvent{}, rerr
			if rerr == nil {
				a.err = proto.Unmarshal(rec, a.first)
			}
		}
		out <- a
	}()
	return out
}

// TestRecoveringMasterHoldsCallsUntilItLeads: an agent that subscribes
// while the elected master still recovers its registry is not turned away
// (Mesos drops it, and the agent's retry comes after a doubled backoff):
// the call waits, and is served as soon as the master leads.
func TestRecoveringMasterHoldsCallsUntilItLeads(t *testing.T) {
	hm, open := recoveringMaster(t, time.Minute)
	answer := subscribeAgentAsync(hm.srv.URL)
	until(t, "the SUBSCRIBE is held", func() error {
		if n := hm.held.Load(); n != 1 {
			return fmt.Errorf("%d calls held", n)
		}
		return nil
	})
	select {
	case a := <-answer:
		t.Fatalf("answered while recovering: %+v", a)
	case <-time.After(100 * time.Millisecond):
	}
	open()
	select {
	case a := <-answer:
		if a.err != nil || a.resp.StatusCode != http.StatusOK {
			t.Fatalf("SUBSCRIBE after recovery: %v %v", a.resp, a.err)
		}
		defer a.resp.Body.Close()
		if a.first.GetType() != agentmasterpb.AgentEvent_SUBSCRIBED || a.first.GetSubscribed().GetAgentId().GetValue() == "" {
			t.Fatalf("first event %v", a.first)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the held SUBSCRIBE was not served after recovery")
	}
	if n := hm.held.Load(); n != 0 {
		t.Errorf("%d calls still counted as held", n)
	}
}

// TestRecoveringMasterAnswersRetryAfterPastTheHold: a recovery that takes
// longer than the hold's bound answers 503 with a Retry-After.
func TestRecoveringMasterAnswersRetryAfterPastTheHold(t *testing.T) {
	hm, _ := recoveringMaster(t, 50*time.Millisecond)
	select {
	case a := <-subscribeAgentAsync(hm.srv.URL):
		if a.err != nil {
			t.Fatal(a.err)
		}
		code, body := status(t, a.resp)
		if code != http.StatusServiceUnavailable || strings.TrimSpace(body) != "Master has not finished recovery" || a.resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("got %d %q Retry-After %q, want 503 with Retry-After 1", code, body, a.resp.Header.Get("Retry-After"))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer past the hold")
	}
	if hm.currentRole() != roleRecovering || hm.held.Load() != 0 {
		t.Errorf("role %d, %d held", hm.currentRole(), hm.held.Load())
	}
}
