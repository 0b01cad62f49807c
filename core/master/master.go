package master

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/loglevel"
	"github.com/gomesos/mesos/core/master/allocguard"
	"github.com/gomesos/mesos/core/proto/allocatorpb"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/uuid"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Master is one Mesos master. Create it with New, serve Handler over HTTP
// and drive it with Run.
type Master struct {
	cfg  Config
	log  *slog.Logger
	id   string
	info *mesospb.MasterInfo
	pid  string

	// work carries closures to the loop; everything below it is touched
	// only by the loop goroutine.
	work    chan func()
	stopped chan struct{}

	startTime   time.Time
	electedTime time.Time

	frameworks          map[string]*framework
	completedFrameworks []*framework
	agents              map[string]*agent
	offers              map[string]*offer
	// Agents removed after losing touch, and agents an operator marked
	// gone (never readmitted), with when it happened.
	unreachableAgents map[string]time.Time
	goneAgents        map[string]time.Time

	// The registry (registry.go). recoveredAgents are agents admitted in
	// the registry that have not re-registered since this master started
	// (Mesos's slaves.recovered); recoveredTotal is how many there were.
	// The other sets hold agents while a registry operation about them is
	// in flight, so that a second transition waits for the first.
	registrar          *registry.Registrar
	ownsRegistrar      bool
	recoveredAgents    map[string]*mesospb.AgentInfo
	recoveredTotal     int
	reregistering      map[string]bool
	markingUnreachable map[string]bool
	markingGone        map[string]bool
	removing           map[string]bool
	// Operator state of agents, admitted or not: deactivated ones get no
	// offers (DEACTIVATE_AGENT, DRAIN_AGENT), draining ones carry their
	// drain state (drain.go).
	deactivatedAgents map[string]bool
	drainInfo         map[string]*mesospb.DrainInfo

	// Role weights (weights.go), quotas (quota.go) and the maintenance
	// schedule with its machines (maintenance.go), as in the registry.
	weights  map[string]float64
	quotas   map[string]*quotapb.QuotaConfig
	schedule *maintenancepb.Schedule
	machines map[string]*mesospb.MachineInfo
	// Outstanding inverse offers by id, and the frameworks' answers by
	// agent and framework id (inverse_offers.go).
	inverseOffers        map[string]*inverseOffer
	inverseOfferStatuses map[string]map[string]*allocatorpb.InverseOfferStatus
	// Operations tracked for feedback, by uuid (operation_feedback.go).
	operations map[string]*trackedOperation

	// Operator API event streams (operator_events.go).
	operatorSubs []*subscriber

	// verbosity is what GET_LOGGING_LEVEL and SET_LOGGING_LEVEL see
	// (logging.go); the master's logger follows it.
	verbosity *loglevel.Verbosity

	// documentSizes are the last sizes of the state documents, by
	// endpoint, and documentBuffers their reusable buffers (endpoints.go).
	documentSizes   map[string]int
	documentBuffers chan []byte
	// view is what the principal of the document or answer being built
	// may see (authz_view.go), set only while it is built; nil shows all.
	view *view

	// fatal ends the loop: Run returns it (Mesos exits in these cases).
	fatal error

	// Leadership (leadership.go). role and leader are read by the HTTP
	// handlers, which must answer without the loop (redirects), so they
	// are atomic; only the loop (and New) writes them.
	role   atomic.Int32
	leader atomic.Pointer[mesospb.MasterInfo]
	// recovered is closed when the master starts leading; held counts the
	// calls waiting for it (recovery_hold.go).
	recovered chan struct{}
	held      atomic.Int64
	// What runs only while leading: the allocation and registry GC
	// tickers, and the registrar's failure.
	allocTicker, gcTicker *time.Ticker
	registrarDone         <-chan struct{}
	// bg counts the goroutines Run starts (election, whitelist watch,
	// hooks); Run waits for them before it returns.
	bg sync.WaitGroup

	// The agent whitelist (whitelist.go): nil while every agent may be
	// offered.
	whitelist *allocator.WhitelistUpdated

	// operatorMu serializes the operator calls that change the registry
	// (weights, quota, maintenance, agent state) across their two steps, a
	// registry write from the handler and then the change on the loop, so
	// that the loop applies them in the order the registry stored them. It
	// guards no state: only the loop touches that.
	operatorMu sync.Mutex

	nextFramework, nextAgent, nextOffer int64

	// Allocator events buffered until the next cycle, and whether an early
	// cycle has been asked for.
	allocatorEvents []*allocator.Event
	allocationSoon  bool
	allocTimer      *time.Timer
	// guard checks every allocation the allocator returns
	// (allocation_guard.go).
	guard *allocguard.Guard

	metrics counters
}

// New builds a master from cfg. It does not start serving.
func New(cfg Config) (*Master, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	verb := &loglevel.Verbosity{}
	m := &Master{
		cfg:        cfg,
		log:        slog.New(loglevel.NewHandler(cfg.Logger.Handler(), verb)).With("component", "master"),
		verbosity:  verb,
		id:         uuid.New().String(),
		work:       make(chan func(), 4096),
		stopped:    make(chan struct{}),
		recovered:  make(chan struct{}),
		frameworks: map[string]*framework{},
		agents:     map[string]*agent{},
		offers:     map[string]*offer{},

		unreachableAgents: map[string]time.Time{},
		goneAgents:        map[string]time.Time{},

		registrar:          cfg.Registrar,
		recoveredAgents:    map[string]*mesospb.AgentInfo{},
		reregistering:      map[string]bool{},
		markingUnreachable: map[string]bool{},
		markingGone:        map[string]bool{},
		removing:           map[string]bool{},
		deactivatedAgents:  map[string]bool{},
		drainInfo:          map[string]*mesospb.DrainInfo{},
		weights:            map[string]float64{},
		quotas:             map[string]*quotapb.QuotaConfig{},
		machines:           map[string]*mesospb.MachineInfo{},
		inverseOffers:      map[string]*inverseOffer{},
		documentSizes:      map[string]int{},
		documentBuffers:    make(chan []byte, 1),
		guard:              allocguard.New(),

		inverseOfferStatuses: map[string]map[string]*allocatorpb.InverseOfferStatus{},
		operations:           map[string]*trackedOperation{},
	}
	if m.registrar == nil {
		m.registrar = registry.New(registry.Config{Store: registry.NewMemoryStore(), Logger: m.log, Now: cfg.Now})
		m.ownsRegistrar = true
	}
	m.pid = "master@" + cfg.IP + ":" + strconv.Itoa(cfg.Port)
	m.info = &mesospb.MasterInfo{
		Id:       proto.String(m.id),
		Ip:       proto.Uint32(ipv4ToMesos(cfg.IP)),
		Port:     proto.Uint32(uint32(cfg.Port)),
		Pid:      proto.String(m.pid),
		Hostname: proto.String(cfg.Hostname),
		Version:  proto.String(cfg.Version),
		Address: &mesospb.Address{
			Hostname: proto.String(cfg.Hostname),
			Ip:       proto.String(cfg.IP),
			Port:     proto.Int32(int32(cfg.Port)),
		},
		// What this master understands in the registry: a registry that
		// requires more makes Recover fail (see registry.MissingCapabilities).
		Capabilities: []*mesospb.MasterInfo_Capability{
			{Type: mesospb.MasterInfo_Capability_AGENT_UPDATE.Enum()},
			{Type: mesospb.MasterInfo_Capability_AGENT_DRAINING.Enum()},
			{Type: mesospb.MasterInfo_Capability_QUOTA_V2.Enum()},
		},
	}
	for role, w := range cfg.Weights {
		m.weights[role] = w
	}
	if cfg.Contender == nil {
		// Standalone: the only master, leading from the start.
		m.role.Store(int32(roleLeading))
		m.leader.Store(m.info)
	}
	if cfg.AllocatorSnapshot != nil {
		cfg.AllocatorSnapshot.m.Store(m)
	}
	return m, nil
}

// ID is the master's id (a UUID), the prefix of the ids it hands out.
func (m *Master) ID() string { return m.id }

// Info is the MasterInfo the master advertises.
func (m *Master) Info() *mesospb.MasterInfo { return proto.Clone(m.info).(*mesospb.MasterInfo) }

// Handler serves the master's HTTP API: the scheduler and agent
// protocols, the operator API and Mesos's endpoints (endpoints.go). A
// master that does not lead redirects what only the leader serves
// (redirect.go).
func (m *Master) Handler() http.Handler {
	mux := http.NewServeMux()
	m.registerAPIs(mux)
	mux.HandleFunc("POST "+AgentAPIPath, m.leaderOnly(m.serveAgent))
	m.registerEndpoints(mux)
	return httpapi.CleanPaths(mux)
}

// Run runs the master until ctx ends. A standalone master (no Contender)
// recovers the registry and leads at once; one with a Contender serves as
// a follower, redirecting to the leader, until the Detector names it, and
// then recovers the registry and leads (leadership.go). Run fails when the
// registry cannot be read or written, since a master that cannot persist
// must not lead, and when a leading master loses its leadership
// (ErrLostLeadership): Mesos's master exits then, and so should the
// process, to come back as a contender.
func (m *Master) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		close(m.stopped)
		m.bg.Wait()
		m.stopTickers()
	}()
	if m.ownsRegistrar {
		defer m.registrar.Close()
	}
	m.startTime = m.cfg.Now()
	m.loadWhitelist()
	if m.cfg.Contender == nil {
		m.electedTime = m.startTime
		reg, err := m.registrar.Recover(ctx, m.info)
		if err != nil {
			if ctx.Err() != nil {
				return nil // stopped while starting
			}
			return fmt.Errorf("master: %w", err)
		}
		if err := m.lead(ctx, reg); err != nil {
			return err
		}
	} else {
		m.startElection(ctx)
	}
	m.watchWhitelist(ctx)
	return m.loop(ctx)
}

// lead takes the recovered registry and starts leading: the allocator is
// initialized with what the registry holds, the allocation cycles start
// and the agents admitted by earlier masters have
// --agent_reregister_timeout to come back.
func (m *Master) lead(ctx context.Context, reg *registrypb.Registry) error {
	m.recover(reg)
	if _, err := m.cfg.Allocator.Initialize(ctx, m.initializeRequest()); err != nil {
		return fmt.Errorf("master: initialize allocator: %w", err)
	}
	if m.whitelist != nil {
		m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_WhitelistUpdated{WhitelistUpdated: proto.CloneOf(m.whitelist)}})
	}
	m.role.Store(int32(roleLeading))
	close(m.recovered) // lead runs once: a master that stops leading exits
	m.allocTicker = time.NewTicker(m.cfg.AllocationInterval)
	m.gcTicker = time.NewTicker(m.cfg.RegistryGCInterval)
	m.registrarDone = m.registrar.Done()
	m.log.Info("master started", "id", m.id, "pid", m.pid, "allocation_interval", m.cfg.AllocationInterval,
		"recovered_agents", len(m.recoveredAgents))
	if len(m.recoveredAgents) > 0 {
		m.afterFunc(m.cfg.AgentReregisterTimeout, m.recoveredAgentsTimeout)
	}
	return nil
}

// loop runs the closures handed to the loop, and the allocation and
// registry GC cycles while leading, until ctx ends or something fatal
// happens.
func (m *Master) loop(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			m.shutdown()
			return nil
		case fn := <-m.work:
			fn()
		case <-tickerC(m.allocTicker):
			m.allocate(ctx)
		case <-tickerC(m.gcTicker):
			m.registryGC()
		case <-m.registrarDone:
			m.shutdown()
			return fmt.Errorf("master: the registrar failed, so this master cannot go on leading: %w", m.registrar.Err())
		}
		if m.fatal != nil {
			m.shutdown()
			return m.fatal
		}
	}
}

// tickerC is t's channel; nil (never ready) for no ticker.
func tickerC(t *time.Ticker) <-chan time.Time {
	if t == nil {
		return nil
	}
	return t.C
}

func (m *Master) stopTickers() {
	for _, t := range []*time.Ticker{m.allocTicker, m.gcTicker} {
		if t != nil {
			t.Stop()
		}
	}
}

// goBg runs fn on a goroutine Run waits for.
func (m *Master) goBg(fn func()) {
	m.bg.Go(fn)
}

// initializeRequest is what the allocator starts with: the interval, the
// allocator flags (fair sharing exclusions, GPU filtering, minimum
// allocatable resources), the weights and quotas recovered from the registry, and how many agents an
// earlier master admitted (to wait for after a failover).
func (m *Master) initializeRequest() *allocator.InitializeRequest {
	init := &allocator.InitializeRequest{
		AllocationIntervalNanos:          int64(m.cfg.AllocationInterval),
		FairSharingExcludedResourceNames: slices.Clone(m.cfg.FairSharingExcludedResourceNames),
		FilterGpuResources:               m.cfg.FilterGPUResources,
		ExpectedAgentCount:               int32(len(m.recoveredAgents)),
	}
	for _, q := range m.cfg.MinAllocatableResources {
		init.MinAllocatableResources = append(init.MinAllocatableResources, &allocator.ResourceQuantities{Quantities: maps.Clone(q)})
	}
	for _, role := range sortedKeys(m.weights) {
		init.Weights = append(init.Weights, &mesospb.WeightInfo{Role: proto.String(role), Weight: proto.Float64(m.weights[role])})
	}
	for _, role := range sortedKeys(m.quotas) {
		init.Quotas = append(init.Quotas, proto.CloneOf(m.quotas[role]))
	}
	return init
}

// post hands fn to the loop without waiting. Timers and stream goroutines
// use it. It never blocks once the master has stopped.
func (m *Master) post(fn func()) {
	select {
	case m.work <- fn:
	case <-m.stopped:
	}
}

// errStopped is returned to callers once the master's loop has ended.
var errStopped = errors.New("master is shutting down")

// call runs fn on the loop and waits for it.
func (m *Master) call(ctx context.Context, fn func()) error {
	done := make(chan struct{})
	wrapped := func() {
		defer close(done)
		fn()
	}
	select {
	case m.work <- wrapped:
	case <-m.stopped:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-m.stopped:
		return errStopped
	}
}

// shutdown ends every stream when the master stops.
func (m *Master) shutdown() {
	for _, s := range m.operatorSubs {
		s.close()
	}
	m.operatorSubs = nil
	for _, fw := range m.frameworks {
		fw.disconnect()
	}
	for _, a := range m.agents {
		a.disconnect()
	}
}

// afterFunc runs fn on the loop after d; the returned stop cancels it.
func (m *Master) afterFunc(d time.Duration, fn func()) *time.Timer {
	return time.AfterFunc(d, func() { m.post(fn) })
}

func (m *Master) newFrameworkID() string {
	id := fmt.Sprintf("%s-%04d", m.id, m.nextFramework)
	m.nextFramework++
	return id
}

func (m *Master) newAgentID() string {
	id := fmt.Sprintf("%s-S%d", m.id, m.nextAgent)
	m.nextAgent++
	return id
}

func (m *Master) newOfferID() string {
	id := fmt.Sprintf("%s-O%d", m.id, m.nextOffer)
	m.nextOffer++
	return id
}
