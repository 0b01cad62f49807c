package master

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// fakeContender hands out leases that the test takes away.
type fakeContender struct {
	mu       sync.Mutex
	contends int
	lease    string
	lost     chan string
	withdraw []string
}

func (c *fakeContender) Contend(_ context.Context, req *mastercontender.ContendRequest) (*mastercontender.ContendResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if req.GetMasterInfo().GetId() == "" {
		return nil, errors.New("no MasterInfo")
	}
	c.contends++
	c.lease = "lease-" + strconv.Itoa(c.contends)
	c.lost = make(chan string, 1)
	return &mastercontender.ContendResponse{Lease: c.lease}, nil
}

func (c *fakeContender) Watch(ctx context.Context, req *mastercontender.WatchRequest) (*mastercontender.WatchResponse, error) {
	c.mu.Lock()
	lost := c.lost
	current := req.GetLease() == c.lease
	c.mu.Unlock()
	if !current {
		return &mastercontender.WatchResponse{Reason: "unknown lease"}, nil
	}
	select {
	case reason := <-lost:
		return &mastercontender.WatchResponse{Reason: reason}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (c *fakeContender) Withdraw(_ context.Context, req *mastercontender.WithdrawRequest) (*mastercontender.WithdrawResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.withdraw = append(c.withdraw, req.GetLease())
	return &mastercontender.WithdrawResponse{}, nil
}

// lose ends the current lease.
func (c *fakeContender) lose(reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lost <- reason
}

func (c *fakeContender) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.contends
}

// fakeDetector reports the leader the test appoints.
type fakeDetector struct {
	mu      sync.Mutex
	leader  *mesospb.MasterInfo
	changed chan struct{}
}

func newFakeDetector() *fakeDetector { return &fakeDetector{changed: make(chan struct{})} }

func (d *fakeDetector) Detect(ctx context.Context, req *masterdetector.DetectRequest) (*masterdetector.DetectResponse, error) {
	for {
		d.mu.Lock()
		leader, changed := d.leader, d.changed
		d.mu.Unlock()
		if masterdetector.Differs(leader, req.GetPrevious()) {
			return &masterdetector.DetectResponse{Leader: leader}, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (d *fakeDetector) appoint(leader *mesospb.MasterInfo) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.leader = leader
	close(d.changed)
	d.changed = make(chan struct{})
}

// haMaster is a master under a fake election, with what Run returned.
type haMaster struct {
	*testMaster
	contender *fakeContender
	detector  *fakeDetector
	runErr    chan error
}

func startHAMaster(t *testing.T, mutate func(*Config)) *haMaster {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	host, portText, _ := splitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)
	hm := &haMaster{contender: &fakeContender{}, detector: newFakeDetector(), runErr: make(chan error, 1)}
	cfg := Config{
		IP: host, Port: port, Version: "1.11.0",
		AllocationInterval: 50 * time.Millisecond,
		Allocator:          newFirstFit(),
		Logger:             slog.New(slog.NewTextHandler(io.Discard, nil)),
		Contender:          hm.contender,
		Detector:           hm.detector,
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
	go func() { hm.runErr <- m.Run(ctx) }()
	hm.testMaster = &testMaster{Master: m, srv: srv, cancel: cancel}
	t.Cleanup(func() {
		cancel()
		select {
		case <-hm.runErr:
		case <-time.After(10 * time.Second):
			t.Error("master did not stop")
		}
		srv.CloseClientConnections()
		srv.Close()
	})
	return hm
}

// noRedirects is a client that shows 307s instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func otherMaster() *mesospb.MasterInfo {
	return &mesospb.MasterInfo{
		Id: proto.String("other"), Ip: proto.Uint32(ipv4ToMesos("10.0.0.2")), Port: proto.Uint32(5050),
		Pid: proto.String("master@10.0.0.2:5050"), Hostname: proto.String("leader.example"),
	}
}

// until retries check until it passes or a few seconds pass.
func until(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFollowerRedirectsToTheLeader(t *testing.T) {
	hm := startHAMaster(t, nil)
	base := hm.srv.URL

	// No leader yet: 503.
	resp, err := noRedirects.Get(base + "/master/redirect")
	if err != nil {
		t.Fatal(err)
	}
	if code, body := status(t, resp); code != http.StatusServiceUnavailable || !strings.Contains(body, "No leader elected") {
		t.Fatalf("/master/redirect without a leader: %d %q", code, body)
	}

	hm.detector.appoint(otherMaster())
	until(t, "the leader is known", func() error {
		resp, err := noRedirects.Get(base + "/master/redirect")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusTemporaryRedirect || loc != "//leader.example:5050" {
			return fmt.Errorf("%d %q", resp.StatusCode, loc)
		}
		return nil
	})

	sub := &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(), Subscribe: &schedulerpb.Call_Subscribe{
		FrameworkInfo: &mesospb.FrameworkInfo{User: proto.String("u"), Name: proto.String("f")},
	}}
	body, _ := httpapi.JSON.Marshal(sub)
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/scheduler", string(body)},
		{"POST", "/api/v1", `{"type":"GET_HEALTH"}`},
		{"POST", AgentAPIPath, `{"type":"SUBSCRIBE"}`},
		{"POST", "/master/teardown", "frameworkId=x"},
		{"POST", "/weights", "[]"},
		{"GET", "/master/maintenance/schedule", ""},
	} {
		req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := "//leader.example:5050" + delegatedPath(c.path); resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != want {
			t.Errorf("%s %s: %d Location %q, want 307 %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}

	// The state documents are the leader's too (Mesos 1.x redirects them;
	// follower_endpoints_test.go checks each).
	resp, err = noRedirects.Get(base + "/master/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusTemporaryRedirect || loc != "//leader.example:5050/master/state" {
		t.Errorf("/master/state on a follower: %d %q", resp.StatusCode, loc)
	}
	if metrics := getJSON(t, base+"/metrics/snapshot"); metrics["master/elected"] != 0.0 {
		t.Errorf("master/elected = %v on a follower", metrics["master/elected"])
	}
	if resp, err := http.Get(base + "/health"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/health on a follower: %v %v", resp, err)
	}
}

func TestElectedMasterRecoversAndLeads(t *testing.T) {
	store := registry.NewMemoryStore()
	hm := startHAMaster(t, func(c *Config) {
		c.Registrar = registry.New(registry.Config{Store: store})
	})
	hm.detector.appoint(otherMaster())
	hm.detector.appoint(hm.Info())
	until(t, "elected and recovered", func() error {
		state := getJSON(t, hm.srv.URL+"/master/state")
		if state["leader"] != hm.pid || state["elected_time"] == nil {
			return fmt.Errorf("leader %v elected_time %v", state["leader"], state["elected_time"])
		}
		resp, err := noRedirects.Post(hm.srv.URL+"/api/v1", "application/json", strings.NewReader(`{"type":"GET_HEALTH"}`))
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET_HEALTH: %d", resp.StatusCode)
		}
		return nil
	})
	if metrics := getJSON(t, hm.srv.URL+"/metrics/snapshot"); metrics["master/elected"] != 1.0 {
		t.Errorf("master/elected = %v on the leader", metrics["master/elected"])
	}
	// The registry names this master as the leader.
	snap, err := store.Get(context.Background())
	if err != nil || snap.Version == 0 {
		t.Fatalf("registry not written at election: %v %v", snap, err)
	}
	// A framework of the previous leader comes back with its id.
	s := subscribe(t, hm.testMaster, httpapi.JSON, &mesospb.FrameworkInfo{
		User: proto.String("u"), Name: proto.String("f"), Id: &mesospb.FrameworkID{Value: proto.String("old-master-0000")},
	})
	if s.id != "old-master-0000" {
		t.Errorf("resubscribed as %q", s.id)
	}
}

func TestLeaderStopsWhenAnotherIsElected(t *testing.T) {
	hm := startHAMaster(t, nil)
	hm.detector.appoint(hm.Info())
	until(t, "leading", func() error {
		if hm.currentRole() != roleLeading {
			return errors.New("not leading")
		}
		return nil
	})
	hm.detector.appoint(otherMaster())
	select {
	case err := <-hm.runErr:
		if !errors.Is(err, ErrLostLeadership) || !strings.Contains(err.Error(), "master@10.0.0.2:5050") {
			t.Fatalf("Run: %v", err)
		}
		hm.runErr <- err // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("the old leader goes on")
	}
}

func TestLeaderStopsWhenItsCandidacyIsLost(t *testing.T) {
	hm := startHAMaster(t, nil)
	until(t, "contending", func() error {
		if hm.contender.count() == 0 {
			return errors.New("no Contend")
		}
		return nil
	})
	// A follower that loses its candidacy contends again.
	hm.contender.lose("session expired")
	until(t, "contending again", func() error {
		if n := hm.contender.count(); n != 2 {
			return fmt.Errorf("%d Contend calls", n)
		}
		return nil
	})
	hm.detector.appoint(hm.Info())
	until(t, "leading", func() error {
		if hm.currentRole() != roleLeading {
			return errors.New("not leading")
		}
		return nil
	})
	hm.contender.lose("session expired")
	select {
	case err := <-hm.runErr:
		if !errors.Is(err, ErrLostLeadership) || !strings.Contains(err.Error(), "session expired") {
			t.Fatalf("Run: %v", err)
		}
		hm.runErr <- err
	case <-time.After(5 * time.Second):
		t.Fatal("the leader goes on without its candidacy")
	}
}

// failingStore cannot be read.
type failingStore struct{ registry.MemoryStore }

func (*failingStore) Get(context.Context) (*registry.Snapshot, error) {
	return nil, errors.New("zookeeper unreachable")
}

func TestElectedMasterRefusesToLeadWithoutItsRegistry(t *testing.T) {
	hm := startHAMaster(t, func(c *Config) {
		c.Registrar = registry.New(registry.Config{Store: &failingStore{}})
	})
	hm.detector.appoint(hm.Info())
	select {
	case err := <-hm.runErr:
		if err == nil || errors.Is(err, ErrLostLeadership) || !strings.Contains(err.Error(), "zookeeper unreachable") ||
			!strings.Contains(err.Error(), "refuses to lead") {
			t.Fatalf("Run: %v", err)
		}
		hm.runErr <- err
	case <-time.After(5 * time.Second):
		t.Fatal("the master leads without its registry")
	}
}

func TestStoppingMasterWithdraws(t *testing.T) {
	hm := startHAMaster(t, nil)
	until(t, "contending", func() error {
		if hm.contender.count() == 0 {
			return errors.New("no Contend")
		}
		return nil
	})
	hm.cancel()
	if err := <-hm.runErr; err != nil {
		t.Fatalf("Run: %v", err)
	}
	hm.runErr <- nil
	hm.contender.mu.Lock()
	defer hm.contender.mu.Unlock()
	if len(hm.contender.withdraw) != 1 || hm.contender.withdraw[0] != hm.contender.lease {
		t.Errorf("withdrawn: %v", hm.contender.withdraw)
	}
}
