package master

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
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
	// Agents removed after losing touch (since when), and agents an
	// operator marked gone (never readmitted).
	unreachableAgents map[string]time.Time
	goneAgents        map[string]bool

	nextFramework, nextAgent, nextOffer int64

	// Allocator events buffered until the next cycle, and whether an early
	// cycle has been asked for.
	allocatorEvents []*allocator.Event
	allocationSoon  bool
	allocTimer      *time.Timer

	metrics counters
}

// New builds a master from cfg. It does not start serving.
func New(cfg Config) (*Master, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	m := &Master{
		cfg:        cfg,
		log:        cfg.Logger.With("component", "master"),
		id:         uuid.New().String(),
		work:       make(chan func(), 4096),
		stopped:    make(chan struct{}),
		frameworks: map[string]*framework{},
		agents:     map[string]*agent{},
		offers:     map[string]*offer{},

		unreachableAgents: map[string]time.Time{},
		goneAgents:        map[string]bool{},
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
	}
	return m, nil
}

// ID is the master's id (a UUID), the prefix of the ids it hands out.
func (m *Master) ID() string { return m.id }

// Info is the MasterInfo the master advertises.
func (m *Master) Info() *mesospb.MasterInfo { return proto.Clone(m.info).(*mesospb.MasterInfo) }

// Handler serves the master's HTTP API.
func (m *Master) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/scheduler", m.serveScheduler)
	mux.HandleFunc("POST "+AgentAPIPath, m.serveAgent)
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	return httpapi.CleanPaths(mux)
}

// Run initializes the allocator and runs the master's loop until ctx ends.
func (m *Master) Run(ctx context.Context) error {
	defer close(m.stopped)
	now := m.cfg.Now()
	m.startTime, m.electedTime = now, now
	init := &allocator.InitializeRequest{AllocationIntervalNanos: int64(m.cfg.AllocationInterval)}
	for role, weight := range m.cfg.Weights {
		init.Weights = append(init.Weights, &mesospb.WeightInfo{Role: proto.String(role), Weight: proto.Float64(weight)})
	}
	if _, err := m.cfg.Allocator.Initialize(ctx, init); err != nil {
		return fmt.Errorf("master: initialize allocator: %w", err)
	}
	m.log.Info("master started", "id", m.id, "pid", m.pid, "allocation_interval", m.cfg.AllocationInterval)

	ticker := time.NewTicker(m.cfg.AllocationInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			m.shutdown()
			return nil
		case fn := <-m.work:
			fn()
		case <-ticker.C:
			m.allocate(ctx)
		}
	}
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
