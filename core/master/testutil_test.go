package master

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// firstFitAllocator is a test allocator: every cycle it gives each active
// agent's free resources to the active, unsuppressed framework with the
// smallest id, in its first role, unless that framework refused them (a
// decline's filter, as Mesos's allocators honour: only resources beyond
// what was refused are offered again before the filter expires). Enough to
// drive the master's unit tests; the real policy lives in builtin/allocator.
type firstFitAllocator struct {
	mu         sync.Mutex
	agents     map[string]*fakeAgent
	frameworks map[string]*fakeFramework
	refused    map[string]refusedOffer // framework id + "/" + agent id
}

type refusedOffer struct {
	resources resources.Resources
	until     int64 // unix nanoseconds
}

type fakeAgent struct {
	total, allocated resources.Resources
	active           bool
}

type fakeFramework struct {
	roles      []string
	active     bool
	suppressed bool
}

func newFirstFit() *firstFitAllocator {
	return &firstFitAllocator{agents: map[string]*fakeAgent{}, frameworks: map[string]*fakeFramework{}, refused: map[string]refusedOffer{}}
}

func (f *firstFitAllocator) Initialize(context.Context, *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	return &allocator.InitializeResponse{}, nil
}

func (f *firstFitAllocator) Allocate(_ context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ev := range req.GetEvents() {
		switch e := ev.GetKind().(type) {
		case *allocator.Event_AgentAdded:
			a := &fakeAgent{total: resources.New(e.AgentAdded.GetTotal()...), active: e.AgentAdded.GetActive()}
			for _, u := range e.AgentAdded.GetUsed() {
				a.allocated = a.allocated.Add(resources.New(u.GetResources()...).Unallocate())
			}
			f.agents[e.AgentAdded.GetAgentId()] = a
		case *allocator.Event_AgentUpdated:
			if a := f.agents[e.AgentUpdated.GetAgentId()]; a != nil {
				a.total = resources.New(e.AgentUpdated.GetTotal()...)
			}
		case *allocator.Event_AgentRemoved:
			delete(f.agents, e.AgentRemoved.GetAgentId())
		case *allocator.Event_AgentActivation:
			if a := f.agents[e.AgentActivation.GetAgentId()]; a != nil {
				a.active = e.AgentActivation.GetActive()
			}
		case *allocator.Event_FrameworkAdded:
			f.frameworks[e.FrameworkAdded.GetFrameworkId()] = &fakeFramework{roles: frameworkRoles(e.FrameworkAdded.GetInfo()), active: e.FrameworkAdded.GetActive()}
		case *allocator.Event_FrameworkUpdated:
			if fw := f.frameworks[e.FrameworkUpdated.GetFrameworkId()]; fw != nil {
				fw.roles = frameworkRoles(e.FrameworkUpdated.GetInfo())
			}
		case *allocator.Event_FrameworkRemoved:
			delete(f.frameworks, e.FrameworkRemoved.GetFrameworkId())
		case *allocator.Event_FrameworkActivation:
			if fw := f.frameworks[e.FrameworkActivation.GetFrameworkId()]; fw != nil {
				fw.active = e.FrameworkActivation.GetActive()
			}
		case *allocator.Event_ResourcesRecovered:
			rr := e.ResourcesRecovered
			if a := f.agents[rr.GetAgentId()]; a != nil {
				a.allocated = a.allocated.Subtract(resources.New(rr.GetResources()...).Unallocate())
			}
			if secs := rr.GetFilters().GetRefuseSeconds(); rr.GetFilters() != nil && secs > 0 {
				f.refused[rr.GetFrameworkId()+"/"+rr.GetAgentId()] = refusedOffer{
					resources: resources.New(rr.GetResources()...).Unallocate(),
					until:     req.GetNowUnixNanos() + int64(secs*1e9),
				}
			}
		case *allocator.Event_AllocationConverted:
			if a := f.agents[e.AllocationConverted.GetAgentId()]; a != nil {
				from := resources.New(e.AllocationConverted.GetFrom()...).Unallocate()
				to := resources.New(e.AllocationConverted.GetTo()...).Unallocate()
				a.allocated = a.allocated.Subtract(from).Add(to)
				a.total = a.total.Subtract(from).Add(to)
			}
		case *allocator.Event_OffersSuppressed:
			if fw := f.frameworks[e.OffersSuppressed.GetFrameworkId()]; fw != nil {
				fw.suppressed = true
			}
		case *allocator.Event_OffersRevived:
			if fw := f.frameworks[e.OffersRevived.GetFrameworkId()]; fw != nil {
				fw.suppressed = false
			}
		}
	}
	resp := &allocator.AllocateResponse{}
	if !req.GetAllocate() {
		return resp, nil
	}
	var fwIDs []string
	for id, fw := range f.frameworks {
		if fw.active && !fw.suppressed && len(fw.roles) > 0 {
			fwIDs = append(fwIDs, id)
		}
	}
	if len(fwIDs) == 0 {
		return resp, nil
	}
	sort.Strings(fwIDs)
	fwID := fwIDs[0]
	role := f.frameworks[fwID].roles[0]
	agentIDs := make([]string, 0, len(f.agents))
	for id := range f.agents {
		agentIDs = append(agentIDs, id)
	}
	sort.Strings(agentIDs)
	for _, id := range agentIDs {
		a := f.agents[id]
		free := a.total.Subtract(a.allocated)
		if !a.active || free.IsEmpty() {
			continue
		}
		if r, ok := f.refused[fwID+"/"+id]; ok && req.GetNowUnixNanos() < r.until && r.resources.Contains(free) {
			continue
		}
		a.allocated = a.allocated.Add(free)
		resp.Allocations = append(resp.Allocations, &allocator.Allocation{FrameworkId: fwID, AgentId: id, Resources: free.Allocate(role).Protos()})
	}
	return resp, nil
}

// testMaster runs a master on an httptest server.
type testMaster struct {
	*Master
	srv    *httptest.Server
	cancel context.CancelFunc
}

func startMaster(t *testing.T, mutate func(*Config)) *testMaster {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	addr := srv.Listener.Addr().(interface{ String() string }).String()
	host, portText, _ := splitHostPort(addr)
	port, _ := strconv.Atoi(portText)
	cfg := Config{
		IP: host, Port: port, Version: "1.11.0",
		AllocationInterval: 50 * time.Millisecond,
		Allocator:          newFirstFit(),
		Logger:             slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = m.Handler()
	srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil {
			t.Errorf("master: %v", err)
		}
	}()
	tm := &testMaster{Master: m, srv: srv, cancel: cancel}
	t.Cleanup(func() {
		cancel()
		<-done
		srv.CloseClientConnections()
		srv.Close()
	})
	// Tests start once the master leads: before it has recovered its
	// registry, calls that write it are answered 503, as they should be.
	select {
	case <-m.recovered:
	case <-time.After(10 * time.Second):
		t.Fatal("the master did not recover its registry")
	}
	return tm
}

func splitHostPort(addr string) (string, string, error) {
	u, err := url.Parse("http://" + addr)
	if err != nil {
		return "", "", err
	}
	return u.Hostname(), u.Port(), nil
}

// stream reads RecordIO events of a response into a channel.
type stream[E proto.Message] struct {
	resp   *http.Response
	events chan E
	done   chan struct{}
}

func readStream[E proto.Message](t *testing.T, resp *http.Response, codec httpapi.Codec, newEvent func() E) *stream[E] {
	s := &stream[E]{resp: resp, events: make(chan E, 1024), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		r := recordio.NewReader(bufio.NewReader(resp.Body), 0)
		for {
			rec, err := r.ReadRecord()
			if err != nil {
				return
			}
			ev := newEvent()
			if err := codec.Unmarshal(rec, ev); err != nil {
				t.Errorf("bad event: %v", err)
				return
			}
			s.events <- ev
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return s
}

// next waits for the first event accepted by match, skipping others.
func (s *stream[E]) next(t *testing.T, what string, match func(E) bool) E {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-s.events:
			if match(ev) {
				return ev
			}
		case <-s.done:
			// Drain what arrived before the end.
			select {
			case ev := <-s.events:
				if match(ev) {
					return ev
				}
				continue
			default:
			}
			t.Fatalf("stream ended while waiting for %s", what)
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func post(t *testing.T, url string, codec httpapi.Codec, msg proto.Message, header http.Header) *http.Response {
	t.Helper()
	body, err := codec.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", codec.MediaType())
	req.Header.Set("Accept", codec.MediaType())
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func status(t *testing.T, resp *http.Response) (int, string) {
	t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// --- a scheduler client ---

type testScheduler struct {
	t        *testing.T
	tm       *testMaster
	codec    httpapi.Codec
	id       string
	streamID string
	events   *stream[*schedulerpb.Event]
}

func subscribe(t *testing.T, tm *testMaster, codec httpapi.Codec, info *mesospb.FrameworkInfo) *testScheduler {
	t.Helper()
	call := &schedulerpb.Call{
		Type:        schedulerpb.Call_SUBSCRIBE.Enum(),
		FrameworkId: info.GetId(),
		Subscribe:   &schedulerpb.Call_Subscribe{FrameworkInfo: info},
	}
	resp := post(t, tm.srv.URL+"/api/v1/scheduler", codec, call, nil)
	if resp.StatusCode != 200 {
		code, body := status(t, resp)
		t.Fatalf("SUBSCRIBE: %d %s", code, body)
	}
	s := &testScheduler{t: t, tm: tm, codec: codec, streamID: resp.Header.Get(httpapi.StreamIDHeader)}
	s.events = readStream(t, resp, codec, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	ev := s.events.next(t, "SUBSCRIBED or ERROR", func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_SUBSCRIBED || e.GetType() == schedulerpb.Event_ERROR
	})
	if ev.GetType() == schedulerpb.Event_ERROR {
		t.Fatalf("subscription refused: %s", ev.GetError().GetMessage())
	}
	s.id = ev.GetSubscribed().GetFrameworkId().GetValue()
	return s
}

// send posts a call on the framework's stream and returns the status.
func (s *testScheduler) send(call *schedulerpb.Call) (int, string) {
	s.t.Helper()
	if call.FrameworkId == nil {
		call.FrameworkId = frameworkIDProto(s.id)
	}
	return status(s.t, post(s.t, s.tm.srv.URL+"/api/v1/scheduler", s.codec, call, http.Header{httpapi.StreamIDHeader: {s.streamID}}))
}

func (s *testScheduler) mustSend(call *schedulerpb.Call) {
	s.t.Helper()
	if code, body := s.send(call); code != http.StatusAccepted {
		s.t.Fatalf("%s: %d %s", call.GetType(), code, body)
	}
}

func (s *testScheduler) nextOffer() *mesospb.Offer {
	s.t.Helper()
	ev := s.events.next(s.t, "OFFERS", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_OFFERS })
	return ev.GetOffers().GetOffers()[0]
}

func (s *testScheduler) nextUpdate(taskID string) *mesospb.TaskStatus {
	s.t.Helper()
	ev := s.events.next(s.t, "UPDATE for "+taskID, func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_UPDATE && e.GetUpdate().GetStatus().GetTaskId().GetValue() == taskID
	})
	return ev.GetUpdate().GetStatus()
}

// --- an agent speaking the internal protocol ---

type testAgent struct {
	t        *testing.T
	tm       *testMaster
	id       string
	streamID string
	events   *stream[*agentmasterpb.AgentEvent]
}

func registerAgent(t *testing.T, tm *testMaster, resourcesText string, mutate func(*agentmasterpb.AgentCall_Subscribe)) *testAgent {
	t.Helper()
	rs, err := resources.ParseList(resourcesText, "*")
	if err != nil {
		t.Fatal(err)
	}
	sub := &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: &mesospb.AgentInfo{Hostname: proto.String("agent-host"), Resources: rs},
		Version:   proto.String("1.11.0"),
		Address:   &mesospb.Address{Hostname: proto.String("agent-host"), Ip: proto.String("127.0.0.1"), Port: proto.Int32(5051)},
	}
	if mutate != nil {
		mutate(sub)
	}
	call := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: sub}
	resp := post(t, tm.srv.URL+AgentAPIPath, httpapi.Protobuf, call, nil)
	if resp.StatusCode != 200 {
		code, body := status(t, resp)
		t.Fatalf("agent SUBSCRIBE: %d %s", code, body)
	}
	a := &testAgent{t: t, tm: tm, streamID: resp.Header.Get(httpapi.StreamIDHeader)}
	a.events = readStream(t, resp, httpapi.Protobuf, func() *agentmasterpb.AgentEvent { return &agentmasterpb.AgentEvent{} })
	ev := a.events.next(t, "agent SUBSCRIBED", func(e *agentmasterpb.AgentEvent) bool {
		return e.GetType() == agentmasterpb.AgentEvent_SUBSCRIBED
	})
	a.id = ev.GetSubscribed().GetAgentId().GetValue()
	return a
}

func (a *testAgent) send(call *agentmasterpb.AgentCall) {
	a.t.Helper()
	call.AgentId = agentIDProto(a.id)
	if code, body := status(a.t, post(a.t, a.tm.srv.URL+AgentAPIPath, httpapi.Protobuf, call, http.Header{httpapi.StreamIDHeader: {a.streamID}})); code != http.StatusAccepted {
		a.t.Fatalf("agent %s: %d %s", call.GetType(), code, body)
	}
}

func (a *testAgent) next(what string, typ agentmasterpb.AgentEvent_Type) *agentmasterpb.AgentEvent {
	a.t.Helper()
	return a.events.next(a.t, what, func(e *agentmasterpb.AgentEvent) bool { return e.GetType() == typ })
}

// statusUpdate sends a task status as an executor would, with a uuid.
func (a *testAgent) statusUpdate(frameworkID, taskID string, state mesospb.TaskState, id []byte) {
	a.t.Helper()
	a.send(&agentmasterpb.AgentCall{
		Type: agentmasterpb.AgentCall_STATUS_UPDATE.Enum(),
		StatusUpdate: &agentmasterpb.AgentCall_StatusUpdate{
			FrameworkId: frameworkIDProto(frameworkID),
			Status: &mesospb.TaskStatus{
				TaskId: &mesospb.TaskID{Value: proto.String(taskID)},
				State:  state.Enum(),
				Source: mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(),
				Uuid:   id,
			},
		},
	})
}
