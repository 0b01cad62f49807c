package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

func TestRecoverStoresMasterInfo(t *testing.T) {
	store := NewMemoryStore()
	r := New(Config{Store: store})
	if err := r.Apply(ctx, &AdmitAgent{Info: agentInfo("S1")}); err == nil ||
		err.Error() != "Attempted to apply the operation before recovering" {
		t.Fatalf("Apply before Recover: %v", err)
	}
	reg, err := r.Recover(ctx, masterInfo("m1"))
	if err != nil {
		t.Fatal(err)
	}
	if reg.GetMaster().GetInfo().GetId() != "m1" {
		t.Fatalf("recovered master %v", reg.GetMaster())
	}
	snap, _ := store.Get(ctx)
	stored, _ := snap.Registry()
	if snap.Version != 1 || stored.GetMaster().GetInfo().GetId() != "m1" {
		t.Fatalf("store after recovery: version %d, %v", snap.Version, stored)
	}
	if _, err := r.Recover(ctx, masterInfo("m1")); err == nil {
		t.Fatal("second Recover accepted")
	}
	// The returned registry is the caller's.
	reg.Master = nil
	if current(t, r).GetMaster() == nil {
		t.Fatal("Recover returned the registrar's own registry")
	}
}

func TestRecoveryAfterRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := OpenFileStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	r1 := recovered(t, s1)
	mustApply(t, r1, &AdmitAgent{Info: agentInfo("S1")})
	mustApply(t, r1, &AdmitAgent{Info: agentInfo("S2")})
	mustApply(t, r1, &MarkAgentUnreachable{AgentID: agentID("S2"), Time: t0})
	mustApply(t, r1, &UpdateWeights{Weights: []*mesospb.WeightInfo{weight("dev", 2)}})
	want := current(t, r1)
	r1.Close()
	s1.Close()

	s2, err := OpenFileStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	r2 := New(Config{Store: s2})
	defer r2.Close()
	got, err := r2.Recover(ctx, masterInfo("m2", allCapabilities...))
	if err != nil {
		t.Fatal(err)
	}
	want.Master = got.Master
	if !proto.Equal(got, want) {
		t.Fatalf("recovered %v\nwant %v", got, want)
	}
	if got.GetMaster().GetInfo().GetId() != "m2" {
		t.Fatal("recovery did not record the new master")
	}
	mustApply(t, r2, &MarkAgentReachable{Info: agentInfo("S2")})
	wantLists(t, current(t, r2), "S1 S2 ", "", "")
}

func TestRecoveryFailsLoudly(t *testing.T) {
	dir := t.TempDir()
	writeRegistryFile(t, dir, validFile(4, []byte("payload"))[:30])
	s := openFile(t, dir)
	r := New(Config{Store: s})
	_, err := r.Recover(ctx, masterInfo("m1"))
	if !errors.Is(err, ErrCorrupt) || !strings.HasPrefix(err.Error(), "failed to recover registrar: ") {
		t.Fatalf("Recover over a truncated file: %v", err)
	}
	select {
	case <-r.Done():
	default:
		t.Fatal("Done not closed after a failed recovery")
	}
	if err := r.Apply(ctx, &AdmitAgent{Info: agentInfo("S1")}); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Apply after failed recovery: %v", err)
	}
}

func TestRecoveryChecksMinimumCapabilities(t *testing.T) {
	store := NewMemoryStore()
	reg := &registrypb.Registry{MinimumCapabilities: []*registrypb.Registry_MinimumCapability{
		{Capability: proto.String("QUOTA_V2")}, {Capability: proto.String("SUPER_POWER")},
	}}
	data, _ := encodeRegistry(reg)
	store.Set(ctx, data, 0)

	r := New(Config{Store: store})
	_, err := r.Recover(ctx, masterInfo("m1", mesospb.MasterInfo_Capability_QUOTA_V2))
	if err == nil || !strings.Contains(err.Error(), "[SUPER_POWER]") {
		t.Fatalf("Recover with a missing capability: %v", err)
	}
	if snap, _ := store.Get(ctx); snap.Version != 1 {
		t.Fatal("a master lacking capabilities wrote the registry")
	}
	if got := MissingCapabilities(masterInfo("m"), reg); fmt.Sprint(got) != "[QUOTA_V2 SUPER_POWER]" {
		t.Fatalf("MissingCapabilities = %v", got)
	}
}

func TestRefusedOperationReportedAndRegistrarGoesOn(t *testing.T) {
	r := recovered(t, NewMemoryStore())
	mustApply(t, r, &AdmitAgent{Info: agentInfo("S1")})
	err := r.Apply(ctx, &AdmitAgent{Info: agentInfo("S1")})
	var refused *RefusedError
	if !errors.Is(err, ErrRefused) || !errors.As(err, &refused) || refused.Reason.Error() != "Agent already admitted" {
		t.Fatalf("duplicate admit: %v", err)
	}
	if err.Error() != "registry operation refused: admit agent S1: Agent already admitted" {
		t.Fatalf("message %q", err)
	}
	writes := r.Stats().Writes
	mustApply(t, r, &AdmitAgent{Info: agentInfo("S2")})
	// An operation that changes nothing does not write.
	mustApply(t, r, &UpdateAgent{Info: agentInfo("S2")})
	if got := r.Stats().Writes; got != writes+1 {
		t.Fatalf("writes %d, want %d", got, writes+1)
	}
}

func TestTwoRegistrarsConflict(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) Store{
		"memory": func(*testing.T) Store { return NewMemoryStore() },
		"file":   func(t *testing.T) Store { return openFile(t, t.TempDir()) },
	} {
		t.Run(name, func(t *testing.T) {
			store := open(t)
			old := recovered(t, store)
			mustApply(t, old, &AdmitAgent{Info: agentInfo("S1")})

			// A new leader recovers while the old one still believes it leads.
			leader := recovered(t, store)
			mustApply(t, leader, &AdmitAgent{Info: agentInfo("S2")})

			err := old.Apply(ctx, &AdmitAgent{Info: agentInfo("S3")})
			if !errors.Is(err, ErrConflict) {
				t.Fatalf("stale registrar's write: %v, want ErrConflict", err)
			}
			select {
			case <-old.Done():
			default:
				t.Fatal("stale registrar not aborted")
			}
			if !errors.Is(old.Err(), ErrConflict) || !old.Stats().Failed {
				t.Fatalf("Err = %v", old.Err())
			}
			if err := old.Apply(ctx, &AdmitAgent{Info: agentInfo("S4")}); !errors.Is(err, ErrConflict) {
				t.Fatalf("Apply after abort: %v", err)
			}
			// The leader's writes went through and the old one's did not.
			mustApply(t, leader, &AdmitAgent{Info: agentInfo("S5")})
			snap, _ := store.Get(ctx)
			reg, _ := snap.Registry()
			wantLists(t, reg, "S1 S2 S5 ", "", "")
		})
	}
}

// gateStore blocks each Set until released, counting them.
type gateStore struct {
	Store
	mu      sync.Mutex
	sets    int
	entered chan struct{}
	release chan struct{}
}

func newGateStore() *gateStore {
	return &gateStore{Store: NewMemoryStore(), entered: make(chan struct{}, 100), release: make(chan struct{})}
}

func (g *gateStore) Set(ctx context.Context, data []byte, v Version) error {
	g.mu.Lock()
	g.sets++
	g.mu.Unlock()
	g.entered <- struct{}{}
	<-g.release
	return g.Store.Set(ctx, data, v)
}

func TestOperationsInFlightShareOneWrite(t *testing.T) {
	gate := newGateStore()
	close(gate.release) // let recovery through
	r := recovered(t, gate)
	<-gate.entered
	gate.release = make(chan struct{})

	// The first operation's write blocks; the others queue behind it.
	first := make(chan error, 1)
	go func() { first <- r.Apply(ctx, &AdmitAgent{Info: agentInfo("S0")}) }()
	<-gate.entered

	const n = 50
	results := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := agentName2(i + 1)
			if i == n-1 {
				id = "S0" // a duplicate, refused
			}
			results[i] = r.Apply(ctx, &AdmitAgent{Info: agentInfo(id)})
		}()
	}
	deadline := time.Now().Add(5 * time.Second)
	for r.Stats().QueuedOperations != n {
		if time.Now().After(deadline) {
			t.Fatalf("queued %d, want %d", r.Stats().QueuedOperations, n)
		}
		time.Sleep(time.Millisecond)
	}
	close(gate.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range results {
		if i == n-1 {
			if !errors.Is(err, ErrRefused) {
				t.Fatalf("duplicate admit in the batch: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("operation %d: %v", i, err)
		}
	}
	if gate.sets != 3 { // recovery, the first operation, the batch
		t.Fatalf("%d writes for %d operations, want 3", gate.sets, n+1)
	}
	if got := len(current(t, r).GetAgents().GetAgents()); got != n {
		t.Fatalf("%d agents admitted, want %d", got, n)
	}
	st := r.Stats()
	if st.Operations != n+1 || st.Writes != 3 || st.QueuedOperations != 0 {
		t.Fatalf("stats %+v", st)
	}
}

func TestStoreFailureAbortsBatch(t *testing.T) {
	store := &faultyStore{Store: NewMemoryStore()}
	r := recovered(t, store)
	mustApply(t, r, &AdmitAgent{Info: agentInfo("S1")})
	store.err = errDisk
	err := r.Apply(ctx, &AdmitAgent{Info: agentInfo("S2")})
	if !errors.Is(err, errDisk) || !strings.HasPrefix(err.Error(), "failed to update registry: ") {
		t.Fatalf("Apply with a failing store: %v", err)
	}
	if !errors.Is(r.Err(), errDisk) {
		t.Fatalf("Err = %v", r.Err())
	}
	// The registry as last stored is still readable.
	wantLists(t, current(t, r), "S1 ", "", "")
}

func TestApplyWithdrawnWhenContextEnds(t *testing.T) {
	gate := newGateStore()
	close(gate.release)
	r := recovered(t, gate)
	<-gate.entered
	gate.release = make(chan struct{})

	go r.Apply(ctx, &AdmitAgent{Info: agentInfo("S0")})
	<-gate.entered
	cctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- r.Apply(cctx, &AdmitAgent{Info: agentInfo("S1")}) }()
	for r.Stats().QueuedOperations != 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Apply: %v", err)
	}
	close(gate.release)
	mustApply(t, r, &AdmitAgent{Info: agentInfo("S2")})
	wantLists(t, current(t, r), "S0 S2 ", "", "")
}

func TestClose(t *testing.T) {
	r := recovered(t, NewMemoryStore())
	r.Close()
	if err := r.Apply(ctx, &AdmitAgent{Info: agentInfo("S1")}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Apply after Close: %v", err)
	}
}

func TestStatsMetrics(t *testing.T) {
	now := t0
	r := New(Config{Store: NewMemoryStore(), Now: func() time.Time { now = now.Add(3 * time.Millisecond); return now }})
	m := r.Stats().Metrics()
	if len(m) != 1 || m["registrar/queued_operations"] != 0 {
		t.Fatalf("metrics before recovery: %v", m)
	}
	if _, err := r.Recover(ctx, masterInfo("m1")); err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	m = r.Stats().Metrics()
	if m["registrar/state_fetch_ms"] != 3 || m["registrar/state_store_ms"] != 3 || m["registrar/registry_size_bytes"] == 0 {
		t.Fatalf("metrics after recovery: %v", m)
	}
	if _, ok := m["registrar/state_store_ms/p50"]; ok {
		t.Fatal("percentiles from a single sample")
	}
	mustApply(t, r, &AdmitAgent{Info: agentInfo("S1")})
	mustApply(t, r, &AdmitAgent{Info: agentInfo("S2")})
	m = r.Stats().Metrics()
	if m["registrar/state_store_ms/count"] != 3 || m["registrar/state_store_ms/p99"] != 3 {
		t.Fatalf("metrics after writes: %v", m)
	}
	reg := current(t, r)
	if size := proto.Size(reg); m["registrar/registry_size_bytes"] != float64(size) {
		t.Fatalf("registry_size_bytes %v, encoded size %d", m["registrar/registry_size_bytes"], size)
	}
}

func TestTimeSeriesWindowAndPercentiles(t *testing.T) {
	ts := newTimeSeries(time.Hour, 4)
	for i := 1; i <= 6; i++ {
		ts.add(t0.Add(time.Duration(i)*time.Minute), time.Duration(i)*time.Millisecond)
	}
	s := ts.stats(t0.Add(6 * time.Minute))
	if s.Count != 4 || s.Min != 3*time.Millisecond || s.Max != 6*time.Millisecond || s.Last != 6*time.Millisecond {
		t.Fatalf("capacity: %+v", s)
	}
	if s.P50 != 4500*time.Microsecond {
		t.Fatalf("p50 = %v, want 4.5ms", s.P50)
	}
	s = ts.stats(t0.Add(time.Hour + 4*time.Minute + 30*time.Second))
	if s.Count != 2 || s.Min != 5*time.Millisecond {
		t.Fatalf("window: %+v", s)
	}
}
