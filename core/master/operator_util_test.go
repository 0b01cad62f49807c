package master

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// recordingAllocator is the first-fit test allocator that also keeps what
// the master told it, for tests of what reaches the allocator.
type recordingAllocator struct {
	*firstFitAllocator
	mu     sync.Mutex
	init   *allocator.InitializeRequest
	events []*allocator.Event
}

func newRecording() *recordingAllocator { return &recordingAllocator{firstFitAllocator: newFirstFit()} }

func (r *recordingAllocator) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	r.mu.Lock()
	r.init = proto.CloneOf(req)
	r.mu.Unlock()
	return r.firstFitAllocator.Initialize(ctx, req)
}

func (r *recordingAllocator) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	r.mu.Lock()
	for _, ev := range req.GetEvents() {
		r.events = append(r.events, proto.CloneOf(ev))
	}
	r.mu.Unlock()
	return r.firstFitAllocator.Allocate(ctx, req)
}

// waitEvent waits until the allocator has received an event match accepts.
func (r *recordingAllocator) waitEvent(t *testing.T, what string, match func(*allocator.Event) bool) *allocator.Event {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, ev := range r.events {
			if match(ev) {
				r.mu.Unlock()
				return ev
			}
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the allocator never got %s", what)
	return nil
}

func (r *recordingAllocator) initRequest() *allocator.InitializeRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.init
}

// operator posts a call to /api/v1.
func operator(t *testing.T, tm *testMaster, codec httpapi.Codec, call *masterpb.Call) *http.Response {
	t.Helper()
	return post(t, tm.srv.URL+"/api/v1", codec, call, nil)
}

// operatorStatus posts a call and returns the status and body.
func operatorStatus(t *testing.T, tm *testMaster, codec httpapi.Codec, call *masterpb.Call) (int, string) {
	t.Helper()
	return status(t, operator(t, tm, codec, call))
}

// mustGet posts a GET_* call and decodes the 200 response, checking the
// exact Content-Type.
func mustGet(t *testing.T, tm *testMaster, codec httpapi.Codec, call *masterpb.Call) *masterpb.Response {
	t.Helper()
	resp := operator(t, tm, codec, call)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", call.GetType(), resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != codec.MediaType() {
		t.Fatalf("%s: Content-Type %q, want exactly %q", call.GetType(), ct, codec.MediaType())
	}
	var out masterpb.Response
	if err := codec.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s: %v", call.GetType(), err)
	}
	return &out
}

// mustDo posts a call that answers nothing and checks its status (200, or
// 202 for the resource operations) and that there is no Content-Type.
func mustDo(t *testing.T, tm *testMaster, codec httpapi.Codec, call *masterpb.Call, want int) {
	t.Helper()
	resp := operator(t, tm, codec, call)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s: %d %s, want %d", call.GetType(), resp.StatusCode, body, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" || len(body) != 0 {
		t.Fatalf("%s: Content-Type %q and body %q, want neither", call.GetType(), ct, body)
	}
}

func callOf(typ masterpb.Call_Type) *masterpb.Call { return &masterpb.Call{Type: typ.Enum()} }

// getJSON fetches a JSON document.
func getJSON(t *testing.T, url string) map[string]any {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("GET %s: Content-Type %q", url, ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
	return doc
}

// httpDo sends a request with a body and returns the status and body.
func httpDo(t *testing.T, method, url, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return status(t, resp)
}

// jpath walks a decoded JSON document: keys of objects and indexes of
// arrays ("slaves", "0", "id").
func jpath(t *testing.T, doc any, keys ...string) any {
	t.Helper()
	cur := doc
	for i, k := range keys {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[k]
			if !ok {
				t.Fatalf("no %q at %v", k, keys[:i])
			}
			cur = next
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(v) {
				t.Fatalf("no element %q at %v (length %d)", k, keys[:i], len(v))
			}
			cur = v[n]
		default:
			t.Fatalf("%v is not a container at %v", cur, keys[:i])
		}
	}
	return cur
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// withAgentCapabilities adds agent capabilities to a registration.
func withAgentCapabilities(caps ...mesospb.AgentInfo_Capability_Type) func(*agentmasterpb.AgentCall_Subscribe) {
	return func(s *agentmasterpb.AgentCall_Subscribe) {
		for _, c := range caps {
			s.Capabilities = append(s.Capabilities, &mesospb.AgentInfo_Capability{Type: c.Enum()})
		}
	}
}

// operatorStream subscribes to the operator event stream.
func operatorStream(t *testing.T, tm *testMaster, codec httpapi.Codec) *stream[*masterpb.Event] {
	t.Helper()
	resp := operator(t, tm, codec, callOf(masterpb.Call_SUBSCRIBE))
	if resp.StatusCode != http.StatusOK {
		code, body := status(t, resp)
		t.Fatalf("operator SUBSCRIBE: %d %s", code, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != codec.MediaType() {
		t.Fatalf("operator SUBSCRIBE: Content-Type %q", ct)
	}
	return readStream(t, resp, codec, func() *masterpb.Event { return &masterpb.Event{} })
}

func eventOf(typ masterpb.Event_Type) func(*masterpb.Event) bool {
	return func(e *masterpb.Event) bool { return e.GetType() == typ }
}

// onLoop runs fn on the master's loop.
func onLoop(t *testing.T, tm *testMaster, fn func()) {
	t.Helper()
	if err := tm.call(t.Context(), fn); err != nil {
		t.Fatal(err)
	}
}

// eventually retries cond until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runMaster starts a master on its own server with explicit stop, for
// tests that restart it.
type runningMaster struct {
	*testMaster
	done chan struct{} // closed when Run returned
	err  error         // what Run returned
}

func runMaster(t *testing.T, cfg Config) *runningMaster {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	host, portText, _ := splitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)
	cfg.IP, cfg.Port, cfg.Version = host, port, "1.11.0"
	if cfg.AllocationInterval == 0 {
		cfg.AllocationInterval = 50 * time.Millisecond
	}
	if cfg.Allocator == nil {
		cfg.Allocator = newFirstFit()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = m.Handler()
	srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	rm := &runningMaster{testMaster: &testMaster{Master: m, srv: srv, cancel: cancel}, done: make(chan struct{})}
	go func() {
		defer close(rm.done)
		rm.err = m.Run(ctx)
	}()
	t.Cleanup(rm.stop)
	return rm
}

// stop ends the master and its server (twice is fine).
func (rm *runningMaster) stop() {
	rm.cancel()
	select {
	case <-rm.done:
	case <-time.After(10 * time.Second):
	}
	rm.srv.CloseClientConnections()
	rm.srv.Close()
}

// offerOn waits for an offer of the agent (an OFFERS event may hold offers
// of several agents).
func (s *testScheduler) offerOn(agentID string) *mesospb.Offer {
	s.t.Helper()
	var found *mesospb.Offer
	s.events.next(s.t, "an offer on "+agentID, func(e *schedulerpb.Event) bool {
		for _, o := range e.GetOffers().GetOffers() {
			if o.GetAgentId().GetValue() == agentID {
				found = o
				return true
			}
		}
		return false
	})
	return found
}
