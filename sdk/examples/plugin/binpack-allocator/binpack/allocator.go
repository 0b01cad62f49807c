package binpack

import (
	"context"
	"errors"
	"time"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Allocator is the bin-packing allocator. Like every allocator it is
// called from one goroutine at a time; it does not lock.
type Allocator struct {
	opts        options
	initialized bool
	now         time.Time

	agents     map[string]*agent
	frameworks map[string]*framework
	// whitelist holds the hostnames offers may come from; nil: all.
	whitelist map[string]bool
	quota     quotaBook
	// cycles counts allocation cycles; it rotates the framework order.
	cycles int
}

var _ allocator.Allocator = (*Allocator)(nil)

// New returns an uninitialized bin-packing allocator.
func New() *Allocator {
	return &Allocator{
		agents:     map[string]*agent{},
		frameworks: map[string]*framework{},
		quota:      newQuotaBook(),
	}
}

// Initialize implements allocator.Allocator.
func (a *Allocator) Initialize(_ context.Context, req *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	opts, err := parseOptions(req)
	if err != nil {
		return nil, err
	}
	a.opts = opts
	for _, q := range req.GetQuotas() {
		a.quota.set(q)
	}
	a.initialized = true
	return &allocator.InitializeResponse{}, nil
}

// Allocate implements allocator.Allocator.
func (a *Allocator) Allocate(_ context.Context, req *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	if !a.initialized {
		return nil, errors.New("binpack: Allocate before Initialize")
	}
	a.now = time.Unix(0, req.GetNowUnixNanos())
	for _, ev := range req.GetEvents() {
		a.apply(ev)
	}
	if !req.GetAllocate() {
		return &allocator.AllocateResponse{}, nil
	}
	return &allocator.AllocateResponse{Allocations: a.cycle()}, nil
}

// apply applies one event. Events naming unknown agents or frameworks are
// ignored: the master and the allocator race, as in Mesos.
func (a *Allocator) apply(ev *allocator.Event) {
	switch k := ev.GetKind().(type) {
	case *allocator.Event_AgentAdded:
		a.addAgent(k.AgentAdded)
	case *allocator.Event_AgentUpdated:
		a.updateAgent(k.AgentUpdated)
	case *allocator.Event_AgentRemoved:
		a.removeAgent(k.AgentRemoved.GetAgentId())
	case *allocator.Event_AgentActivation:
		if ag := a.agents[k.AgentActivation.GetAgentId()]; ag != nil {
			ag.active = k.AgentActivation.GetActive()
		}
	case *allocator.Event_FrameworkAdded:
		a.addFramework(k.FrameworkAdded)
	case *allocator.Event_FrameworkUpdated:
		if f := a.frameworks[k.FrameworkUpdated.GetFrameworkId()]; f != nil {
			f.update(k.FrameworkUpdated.GetInfo(), k.FrameworkUpdated.GetSuppressedRoles())
		}
	case *allocator.Event_FrameworkRemoved:
		a.removeFramework(k.FrameworkRemoved.GetFrameworkId())
	case *allocator.Event_FrameworkActivation:
		if f := a.frameworks[k.FrameworkActivation.GetFrameworkId()]; f != nil {
			f.active = k.FrameworkActivation.GetActive()
		}
	case *allocator.Event_ResourcesRecovered:
		a.recoverResources(k.ResourcesRecovered)
	case *allocator.Event_AllocationConverted:
		a.convertAllocation(k.AllocationConverted)
	case *allocator.Event_AvailableConverted:
		a.convertAvailable(k.AvailableConverted)
	case *allocator.Event_OffersSuppressed:
		if f := a.frameworks[k.OffersSuppressed.GetFrameworkId()]; f != nil {
			f.suppress(k.OffersSuppressed.GetRoles())
		}
	case *allocator.Event_OffersRevived:
		if f := a.frameworks[k.OffersRevived.GetFrameworkId()]; f != nil {
			f.revive(k.OffersRevived.GetRoles())
		}
	case *allocator.Event_QuotaUpdated:
		a.quota.set(k.QuotaUpdated.GetConfig())
	case *allocator.Event_WhitelistUpdated:
		a.setWhitelist(k.WhitelistUpdated)
	}
	// Weights, unavailability, inverse offers and resource requests do not
	// change what this policy does.
}

func (a *Allocator) setWhitelist(e *allocator.WhitelistUpdated) {
	if e.GetAll() {
		a.whitelist = nil
		return
	}
	a.whitelist = make(map[string]bool, len(e.GetHostnames()))
	for _, h := range e.GetHostnames() {
		a.whitelist[h] = true
	}
}
