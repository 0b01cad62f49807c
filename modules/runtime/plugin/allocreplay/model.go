// Package allocreplay keeps, on the host's side of an out-of-process
// allocator, what the allocator was told and what it allocated, so that
// a restarted allocator can be brought back to where the crashed one was.
//
// The host replays the way a Mesos master fails over: Initialize with the
// original request (quotas and weights as they are now), then one
// Allocate(allocate=false) with the whitelist, every framework
// (FrameworkAdded with its info, activation and suppressed roles) and
// every agent (AgentAdded with its current total, activation,
// capabilities, unavailability and, as used, what every framework holds
// there). What is lost: decline filters and pending inverse offers, as
// after a master failover.
//
// The model follows the batches as the master sends them, failed calls
// included (the events happened in the master's world), and counts as
// held what successful responses allocated. It keeps references to the
// requests' and responses' resource protos, which must not be modified
// afterwards. Recovered resources must carry their allocation info (as
// Mesos requires of MULTI_ROLE masters); resources are matched as the
// resources package adds and subtracts them.
package allocreplay

import (
	"maps"
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// Model is the state a replay rebuilds. It is not safe for concurrent
// use; the allocator's calls are serialized anyway.
type Model struct {
	init       *allocator.InitializeRequest
	now        int64
	quotas     map[string]*quotapb.QuotaConfig
	weights    map[string]float64
	whitelist  *allocator.WhitelistUpdated
	agents     map[string]*agentState
	frameworks map[string]*frameworkState
}

type agentState struct {
	// added is the agent as it would be added now (Used left empty).
	added *allocator.AgentAdded
	held  map[string]*ledger // by framework
}

type frameworkState struct {
	info       *mesospb.FrameworkInfo
	active     bool
	suppressed map[string]bool
}

// New returns an empty model.
func New() *Model {
	return &Model{
		quotas: map[string]*quotapb.QuotaConfig{}, weights: map[string]float64{},
		agents: map[string]*agentState{}, frameworks: map[string]*frameworkState{},
	}
}

// Initialized reports whether Initialize was seen: before it there is
// nothing to replay.
func (m *Model) Initialized() bool { return m.init != nil }

// Initialize records the allocator's initialization.
func (m *Model) Initialize(req *allocator.InitializeRequest) {
	m.init = proto.CloneOf(req)
	for _, q := range req.GetQuotas() {
		m.setQuota(q)
	}
	for _, w := range req.GetWeights() {
		m.weights[w.GetRole()] = w.GetWeight()
	}
}

// Apply records a batch of events.
func (m *Model) Apply(req *allocator.AllocateRequest) {
	m.now = req.GetNowUnixNanos()
	for _, ev := range req.GetEvents() {
		m.apply(ev)
	}
}

// Allocated records what a cycle allocated.
func (m *Model) Allocated(resp *allocator.AllocateResponse) {
	for _, a := range resp.GetAllocations() {
		if ag := m.agents[a.GetAgentId()]; ag != nil {
			ag.ledger(a.GetFrameworkId()).add(a.GetResources())
		}
	}
}

// Replay is what brings a new allocator to the recorded state; ok is
// false before Initialize.
func (m *Model) Replay() (init *allocator.InitializeRequest, events *allocator.AllocateRequest, ok bool) {
	if m.init == nil {
		return nil, nil, false
	}
	init = proto.CloneOf(m.init)
	init.ExpectedAgentCount = 0
	init.Quotas = nil
	for _, role := range slices.Sorted(maps.Keys(m.quotas)) {
		init.Quotas = append(init.Quotas, m.quotas[role])
	}
	init.Weights = nil
	for _, role := range slices.Sorted(maps.Keys(m.weights)) {
		init.Weights = append(init.Weights, &mesospb.WeightInfo{Role: proto.String(role), Weight: proto.Float64(m.weights[role])})
	}
	events = &allocator.AllocateRequest{NowUnixNanos: m.now}
	if m.whitelist != nil {
		events.Events = append(events.Events, &allocator.Event{Kind: &allocator.Event_WhitelistUpdated{WhitelistUpdated: m.whitelist}})
	}
	for _, id := range slices.Sorted(maps.Keys(m.frameworks)) {
		f := m.frameworks[id]
		events.Events = append(events.Events, &allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: &allocator.FrameworkAdded{
			FrameworkId: id, Info: f.info, Active: f.active, SuppressedRoles: slices.Sorted(maps.Keys(f.suppressed)),
		}}})
	}
	for _, id := range slices.Sorted(maps.Keys(m.agents)) {
		ag := m.agents[id]
		added := proto.CloneOf(ag.added)
		for _, fw := range slices.Sorted(maps.Keys(ag.held)) {
			held := ag.held[fw].compact()
			if held.IsEmpty() {
				continue
			}
			added.Used = append(added.Used, &allocator.FrameworkResources{FrameworkId: fw, Resources: held.Protos()})
		}
		events.Events = append(events.Events, &allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: added}})
	}
	return init, events, true
}

func (ag *agentState) ledger(fw string) *ledger {
	l := ag.held[fw]
	if l == nil {
		l = &ledger{}
		ag.held[fw] = l
	}
	return l
}

// ledger is what one framework holds on one agent: allocations and
// recoveries are appended as they come and netted out lazily, so that
// the hot path (a cycle's allocations, their recoveries) costs an append.
type ledger struct {
	plus, minus []*mesospb.Resource
}

// compactAt is how many entries a ledger gathers before it is netted out.
const compactAt = 256

func (l *ledger) add(ps []*mesospb.Resource) {
	l.plus = append(l.plus, ps...)
	l.maybeCompact()
}

func (l *ledger) sub(ps []*mesospb.Resource) {
	l.minus = append(l.minus, ps...)
	l.maybeCompact()
}

func (l *ledger) maybeCompact() {
	if len(l.plus)+len(l.minus) >= compactAt {
		l.compact()
	}
}

// compact nets the ledger out and returns what is held.
func (l *ledger) compact() resources.Resources {
	held := resources.New(l.plus...)
	if len(l.minus) > 0 {
		held = held.Subtract(resources.New(l.minus...))
	}
	l.plus, l.minus = held.Protos(), nil
	return held
}

func (l *ledger) empty() bool { return len(l.plus) == 0 }
