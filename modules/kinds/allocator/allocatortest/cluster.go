package allocatortest

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/master/allocguard"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"google.golang.org/protobuf/proto"
)

// Epoch is the clock a Cluster starts at: far from the wall clock, so an
// allocator that reads its own clock instead of now_unix_nanos shows it.
var Epoch = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

// Cluster plays the master for an allocator under test: it queues events,
// runs cycles, keeps the master's view of what is allocated, and checks
// every response with the master's guard (core/master/allocguard),
// failing the test on any allocation the master would reject.
type Cluster struct {
	t     testing.TB
	alloc allocator.Allocator
	now   time.Time
	guard *allocguard.Guard

	pending    []*allocator.Event
	agents     map[string]*Agent
	frameworks map[string]*Framework

	// LastInverseOffers are the inverse offers of the last cycle.
	LastInverseOffers []*allocator.InverseOfferAllocation
}

// Agent is the master's view of an agent in a Cluster.
type Agent struct {
	ID       string
	Hostname string
	Active   bool
	Total    resources.Resources
	// Held is what each framework holds on the agent (with allocation
	// info): allocations not yet recovered.
	Held map[string]resources.Resources
}

// Framework is the master's view of a framework in a Cluster.
type Framework struct {
	ID     string
	Info   *mesospb.FrameworkInfo
	Active bool
}

// NewCluster initializes a (new) allocator with init (nil: defaults with
// a 1 s allocation interval) and returns a Cluster driving it.
func NewCluster(t testing.TB, a allocator.Allocator, init *allocator.InitializeRequest) *Cluster {
	t.Helper()
	if init == nil {
		init = &allocator.InitializeRequest{}
	} else {
		init = proto.Clone(init).(*allocator.InitializeRequest)
	}
	if init.AllocationIntervalNanos == 0 {
		init.AllocationIntervalNanos = int64(time.Second)
	}
	if _, err := a.Initialize(context.Background(), init); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	return &Cluster{
		t: t, alloc: a, now: Epoch, guard: allocguard.New(),
		agents: map[string]*Agent{}, frameworks: map[string]*Framework{},
	}
}

// Now is the cluster's clock.
func (c *Cluster) Now() time.Time { return c.now }

// Advance moves the clock.
func (c *Cluster) Advance(d time.Duration) { c.now = c.now.Add(d) }

// Guard is the guard checking the responses.
func (c *Cluster) Guard() *allocguard.Guard { return c.guard }

// Agent returns an agent of the model.
func (c *Cluster) Agent(id string) *Agent { return c.agents[id] }

// Framework returns a framework of the model.
func (c *Cluster) Framework(id string) *Framework { return c.frameworks[id] }

// Send queues a raw event for the next call. The model is not updated:
// use the specific methods for events that change what the master knows.
func (c *Cluster) Send(ev *allocator.Event) { c.pending = append(c.pending, ev) }

// Flush sends the queued events without running a cycle.
func (c *Cluster) Flush() {
	c.t.Helper()
	resp := c.call(false)
	if n := len(resp.GetAllocations()); n > 0 {
		c.t.Errorf("Allocate(allocate=false) returned %d allocations", n)
	}
}

// Cycle sends the queued events, runs one cycle, checks the response with
// the guard (every rejection fails the test), records what was allocated
// and returns the allocations.
func (c *Cluster) Cycle() []*allocator.Allocation {
	c.t.Helper()
	resp := c.call(true)
	res := c.guard.Check(c.view(), resp)
	for _, r := range res.Rejected {
		c.t.Errorf("the master would reject: %s: %v", r.Reason, r.Err)
	}
	for _, a := range res.Accepted {
		ag := c.agents[a.GetAgentId()]
		held, err := resources.FromProtos(a.GetResources())
		if err != nil {
			c.t.Fatalf("allocation with invalid resources: %v", err)
		}
		ag.Held[a.GetFrameworkId()] = ag.Held[a.GetFrameworkId()].Add(held)
	}
	c.LastInverseOffers = res.AcceptedInverseOffers
	return res.Accepted
}

// CycleUntilQuiet runs cycles until one allocates nothing (at most max)
// and returns all allocations made.
func (c *Cluster) CycleUntilQuiet(max int) []*allocator.Allocation {
	c.t.Helper()
	var all []*allocator.Allocation
	for range max {
		got := c.Cycle()
		if len(got) == 0 {
			return all
		}
		all = append(all, got...)
	}
	return all
}

func (c *Cluster) call(allocate bool) *allocator.AllocateResponse {
	c.t.Helper()
	req := &allocator.AllocateRequest{Events: c.pending, Allocate: allocate, NowUnixNanos: c.now.UnixNano()}
	c.pending = nil
	resp, err := c.alloc.Allocate(context.Background(), req)
	if err != nil {
		c.t.Fatalf("Allocate: %v", err)
	}
	return resp
}

// view is the master's view for the guard.
func (c *Cluster) view() allocguard.View {
	v := allocguard.MapView{Agents: map[string]*allocguard.Agent{}, Frameworks: map[string]*allocguard.Framework{}}
	for id, a := range c.agents {
		var used resources.Resources
		for _, fw := range slices.Sorted(maps.Keys(a.Held)) {
			used = used.Add(a.Held[fw])
		}
		v.Agents[id] = &allocguard.Agent{Active: a.Active, Total: a.Total, Allocated: used.Unallocate()}
	}
	for id, f := range c.frameworks {
		v.Frameworks[id] = allocguard.FrameworkFromInfo(f.Info, f.Active)
	}
	return v
}

// AgentOption adjusts an agent before it is added.
type AgentOption func(*allocator.AgentAdded)

// Hostname sets the agent's hostname (default: its id).
func Hostname(h string) AgentOption {
	return func(e *allocator.AgentAdded) { e.Info.Hostname = proto.String(h) }
}

// InactiveAgent adds the agent deactivated.
func InactiveAgent() AgentOption { return func(e *allocator.AgentAdded) { e.Active = false } }

// AgentCapabilities replaces the agent's capabilities (default:
// MULTI_ROLE, HIERARCHICAL_ROLE, RESERVATION_REFINEMENT).
func AgentCapabilities(caps ...mesospb.AgentInfo_Capability_Type) AgentOption {
	return func(e *allocator.AgentAdded) {
		e.Capabilities = nil
		for _, t := range caps {
			e.Capabilities = append(e.Capabilities, &mesospb.AgentInfo_Capability{Type: t.Enum()})
		}
	}
}

// ExtraResources adds resources the text grammar cannot express
// (revocable, shared, dynamically reserved, ...).
func ExtraResources(ps ...*mesospb.Resource) AgentOption {
	return func(e *allocator.AgentAdded) { e.Total = append(e.Total, ps...) }
}

// Used adds resources (text grammar) that framework fw already uses on
// the agent, allocated to role.
func Used(fw, role, text string) AgentOption {
	return func(e *allocator.AgentAdded) {
		r, err := resources.Parse(text, "*")
		if err != nil {
			panic(err)
		}
		e.Used = append(e.Used, &allocator.FrameworkResources{FrameworkId: fw, Resources: r.Allocate(role).Protos()})
	}
}

// Unavailable schedules maintenance on the agent.
func Unavailable(start time.Time, d time.Duration) AgentOption {
	return func(e *allocator.AgentAdded) { e.Unavailability = NewUnavailability(start, d) }
}

// NewUnavailability builds an Unavailability.
func NewUnavailability(start time.Time, d time.Duration) *mesospb.Unavailability {
	return &mesospb.Unavailability{
		Start:    &mesospb.TimeInfo{Nanoseconds: proto.Int64(start.UnixNano())},
		Duration: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(d))},
	}
}

// AddAgent queues an AgentAdded for an active agent with the resources in
// the --resources text grammar.
func (c *Cluster) AddAgent(id, text string, opts ...AgentOption) *Agent {
	c.t.Helper()
	total, err := resources.Parse(text, "*")
	if err != nil {
		c.t.Fatalf("agent %s: %v", id, err)
	}
	e := &allocator.AgentAdded{
		AgentId: id,
		Info:    &mesospb.AgentInfo{Hostname: proto.String(id), Id: &mesospb.AgentID{Value: proto.String(id)}},
		Total:   total.Protos(),
		Active:  true,
	}
	AgentCapabilities(mesospb.AgentInfo_Capability_MULTI_ROLE, mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE,
		mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT)(e)
	for _, o := range opts {
		o(e)
	}
	all, err := resources.FromProtos(e.Total)
	if err != nil {
		c.t.Fatalf("agent %s: %v", id, err)
	}
	a := &Agent{ID: id, Hostname: e.Info.GetHostname(), Active: e.Active, Total: all, Held: map[string]resources.Resources{}}
	for _, u := range e.Used {
		r, err := resources.FromProtos(u.Resources)
		if err != nil {
			c.t.Fatalf("agent %s: used: %v", id, err)
		}
		a.Held[u.FrameworkId] = a.Held[u.FrameworkId].Add(r)
	}
	c.agents[id] = a
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentAdded{AgentAdded: e}})
	return a
}

// SetAgentActive queues an AgentActivation.
func (c *Cluster) SetAgentActive(id string, active bool) {
	c.agents[id].Active = active
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: id, Active: active}}})
}

// RemoveAgent queues an AgentRemoved; what was held there is gone.
func (c *Cluster) RemoveAgent(id string) {
	delete(c.agents, id)
	c.Send(&allocator.Event{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: id}}})
}

// FrameworkOption adjusts a framework before it is added.
type FrameworkOption func(*allocator.FrameworkAdded)

// Capabilities adds framework capabilities (MULTI_ROLE is always set).
func Capabilities(caps ...mesospb.FrameworkInfo_Capability_Type) FrameworkOption {
	return func(e *allocator.FrameworkAdded) {
		for _, t := range caps {
			e.Info.Capabilities = append(e.Info.Capabilities, &mesospb.FrameworkInfo_Capability{Type: t.Enum()})
		}
	}
}

// InactiveFramework adds the framework deactivated.
func InactiveFramework() FrameworkOption {
	return func(e *allocator.FrameworkAdded) { e.Active = false }
}

// SuppressedRoles adds the framework with these roles suppressed.
func SuppressedRoles(roles ...string) FrameworkOption {
	return func(e *allocator.FrameworkAdded) { e.SuppressedRoles = roles }
}

// EditInfo edits the FrameworkInfo.
func EditInfo(edit func(*mesospb.FrameworkInfo)) FrameworkOption {
	return func(e *allocator.FrameworkAdded) { edit(e.Info) }
}

// AddFramework queues a FrameworkAdded for an active MULTI_ROLE framework
// subscribed to roles.
func (c *Cluster) AddFramework(id string, roles []string, opts ...FrameworkOption) *Framework {
	e := &allocator.FrameworkAdded{
		FrameworkId: id,
		Info: &mesospb.FrameworkInfo{
			Id:    &mesospb.FrameworkID{Value: proto.String(id)},
			Name:  proto.String(id),
			User:  proto.String("test"),
			Roles: roles,
		},
		Active: true,
	}
	Capabilities(mesospb.FrameworkInfo_Capability_MULTI_ROLE)(e)
	for _, o := range opts {
		o(e)
	}
	f := &Framework{ID: id, Info: e.Info, Active: e.Active}
	c.frameworks[id] = f
	c.Send(&allocator.Event{Kind: &allocator.Event_FrameworkAdded{FrameworkAdded: e}})
	return f
}

// UpdateFramework queues a FrameworkUpdated with an edited FrameworkInfo.
func (c *Cluster) UpdateFramework(id string, edit func(*mesospb.FrameworkInfo), suppressed ...string) {
	f := c.frameworks[id]
	info := proto.Clone(f.Info).(*mesospb.FrameworkInfo)
	edit(info)
	f.Info = info
	c.Send(&allocator.Event{Kind: &allocator.Event_FrameworkUpdated{FrameworkUpdated: &allocator.FrameworkUpdated{
		FrameworkId: id, Info: info, SuppressedRoles: suppressed}}})
}

// SetFrameworkActive queues a FrameworkActivation.
func (c *Cluster) SetFrameworkActive(id string, active bool) {
	c.frameworks[id].Active = active
	c.Send(&allocator.Event{Kind: &allocator.Event_FrameworkActivation{FrameworkActivation: &allocator.FrameworkActivation{FrameworkId: id, Active: active}}})
}

// RemoveFramework queues a FrameworkRemoved; what it held is free again.
func (c *Cluster) RemoveFramework(id string) {
	delete(c.frameworks, id)
	for _, a := range c.agents {
		delete(a.Held, id)
	}
	c.Send(&allocator.Event{Kind: &allocator.Event_FrameworkRemoved{FrameworkRemoved: &allocator.FrameworkRemoved{FrameworkId: id}}})
}

// Suppress queues an OffersSuppressed.
func (c *Cluster) Suppress(id string, roles ...string) {
	c.Send(&allocator.Event{Kind: &allocator.Event_OffersSuppressed{OffersSuppressed: &allocator.OffersSuppressed{FrameworkId: id, Roles: roles}}})
}

// Revive queues an OffersRevived.
func (c *Cluster) Revive(id string, roles ...string) {
	c.Send(&allocator.Event{Kind: &allocator.Event_OffersRevived{OffersRevived: &allocator.OffersRevived{FrameworkId: id, Roles: roles}}})
}

// Recover gives back resources (with allocation info) a framework holds
// on an agent, with optional filters.
func (c *Cluster) Recover(fw, agent string, res []*mesospb.Resource, filters *mesospb.Filters) {
	c.t.Helper()
	if a := c.agents[agent]; a != nil {
		r, err := resources.FromProtos(res)
		if err != nil {
			c.t.Fatalf("recover: %v", err)
		}
		a.Held[fw] = a.Held[fw].Subtract(r)
		if a.Held[fw].IsEmpty() {
			delete(a.Held, fw)
		}
	}
	c.Send(&allocator.Event{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{
		FrameworkId: fw, AgentId: agent, Resources: res, Filters: filters}}})
}

// Decline gives back a whole allocation; refuse < 0 means no filter.
func (c *Cluster) Decline(a *allocator.Allocation, refuse time.Duration) {
	c.t.Helper()
	var filters *mesospb.Filters
	if refuse >= 0 {
		filters = &mesospb.Filters{RefuseSeconds: proto.Float64(refuse.Seconds())}
	}
	c.Recover(a.GetFrameworkId(), a.GetAgentId(), a.GetResources(), filters)
}

// DeclineAll declines every allocation (see Decline).
func (c *Cluster) DeclineAll(allocs []*allocator.Allocation, refuse time.Duration) {
	c.t.Helper()
	for _, a := range allocs {
		c.Decline(a, refuse)
	}
}

// Held is everything fw holds on all agents (with allocation info).
func (c *Cluster) Held(fw string) resources.Resources {
	var r resources.Resources
	for _, id := range slices.Sorted(maps.Keys(c.agents)) {
		r = r.Add(c.agents[id].Held[fw])
	}
	return r
}

// NoFilter is the refuse duration Decline takes for "no filter".
const NoFilter = time.Duration(-1)
