package hierarchical

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Name is the name the built-in is selected by (--allocator).
const Name = "HierarchicalDRF"

// ErrNotInitialized is returned by Allocate before Initialize.
var ErrNotInitialized = errors.New("hierarchical: Allocate called before Initialize")

// After a master failover with quota set, Mesos holds allocation back until
// 80% of the expected agents are back or ten minutes have passed, so that
// quota is not satisfied from a partial view of the cluster.
const (
	recoveryFactor  = 0.8
	recoveryTimeout = 10 * time.Minute
)

// HierarchicalDRF is Mesos's default allocator. It implements
// allocator.Allocator; the zero value is not usable, call New.
type HierarchicalDRF struct {
	mu          sync.Mutex
	initialized bool
	opts        options
	rng         *rand.Rand

	st         sorterState
	roles      *roleTree
	agents     map[string]*agent
	agentList  []*agent
	frameworks map[string]*framework
	// orphans indexes the agents holding resources of frameworks the
	// allocator does not know yet (an agent re-registered first).
	orphans map[string]map[*agent]struct{}
	// maintained are the agents with scheduled unavailability.
	maintained map[*agent]struct{}
	whitelist  map[string]bool // nil: every agent

	// Cluster-wide quantities: every agent's scalars (the share basis);
	// the unreserved non-revocable ones (quota headroom) and how much of
	// those is allocated.
	totalQ        resources.Quantities
	headroomTotal resources.Quantities
	headroomAlloc resources.Quantities

	// Recovery after failover (see recoveryFactor).
	paused         bool
	pauseDeadline  int64
	expectedAgents int

	now   int64  // the clock of the batch being applied
	cycle uint64 // cycles run
	stamp uint64 // walks of the sorters (see walk)
	resp  *allocator.AllocateResponse
	// See memo.go: the earliest expiry of the filters that refused the
	// agent being walked, and the log of framework roles that changed.
	memoUntil  int64
	changes    []*frameworkRole
	changeBase uint64
	noMemo     bool // tests: always walk

	stats Stats
}

var _ allocator.Allocator = (*HierarchicalDRF)(nil)

// New returns an allocator; Initialize must be called before Allocate.
func New() *HierarchicalDRF {
	h := &HierarchicalDRF{}
	h.reset()
	return h
}

func (h *HierarchicalDRF) reset() {
	h.st = sorterState{}
	h.roles = newRoleTree(&h.st)
	h.agents = map[string]*agent{}
	h.agentList = nil
	h.frameworks = map[string]*framework{}
	h.orphans = map[string]map[*agent]struct{}{}
	h.maintained = map[*agent]struct{}{}
	h.whitelist = nil
	h.totalQ, h.headroomTotal, h.headroomAlloc = resources.Quantities{}, resources.Quantities{}, resources.Quantities{}
	h.paused, h.pauseDeadline, h.expectedAgents = false, 0, 0
	h.stats = Stats{}
}

// Initialize configures the allocator and loads the quota and weights the
// master recovered. Calling it again starts over from an empty state.
func (h *HierarchicalDRF) Initialize(ctx context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("hierarchical: initialize: %w", err)
	}
	opts, err := parseOptions(req)
	if err != nil {
		return nil, fmt.Errorf("hierarchical: initialize: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reset()
	h.opts = opts
	h.rng = rand.New(rand.NewPCG(opts.seed, opts.seed^0x9e3779b97f4a7c15))
	if err := h.setWeights(req.GetWeights()); err != nil {
		return nil, fmt.Errorf("hierarchical: initialize: %w", err)
	}
	for _, q := range req.GetQuotas() {
		h.setQuota(q)
	}
	if len(req.GetQuotas()) > 0 && opts.expectedAgents > 0 {
		if n := int(float64(opts.expectedAgents) * recoveryFactor); n > 0 {
			h.paused, h.expectedAgents = true, n
		}
	}
	h.initialized = true
	return &allocator.InitializeResponse{}, nil
}

// Allocate applies the events in order and, when asked, runs one
// allocation cycle. Events that name agents or frameworks the allocator
// does not know, or carry invalid resources, are skipped and counted
// (Stats.SkippedEvents): they arise from ordinary races between the master
// and the allocator and must not stop allocation.
func (h *HierarchicalDRF) Allocate(ctx context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("hierarchical: allocate: %w", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.initialized {
		return nil, ErrNotInitialized
	}
	h.now = req.GetNowUnixNanos()
	if h.paused && h.pauseDeadline == 0 {
		// The recovery timeout runs from the first call after Initialize
		// (the master's clock is not known before).
		h.pauseDeadline = satAddNanos(h.now, recoveryTimeout)
	}
	for _, ev := range req.GetEvents() {
		h.apply(ev)
	}
	resp := &allocator.AllocateResponse{}
	if req.GetAllocate() {
		h.resp = resp
		h.runCycle()
		h.resp = nil
	}
	return resp, nil
}

// Stats are the allocator's counters.
type Stats struct {
	Cycles        uint64 // allocation cycles run (including paused ones)
	PausedCycles  uint64 // cycles skipped while waiting for agents after failover
	Allocations   uint64 // allocations made
	InverseOffers uint64 // inverse offers made
	Events        uint64 // events applied
	SkippedEvents uint64 // events skipped (unknown ids, invalid resources)
	MemoSkips     uint64 // agents skipped: every framework refused them and none changed since
	MemoRechecks  uint64 // agents offered only to the frameworks that changed since all refused them
}

// Stats returns a copy of the counters. It is safe to call concurrently
// with Allocate.
func (h *HierarchicalDRF) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}
