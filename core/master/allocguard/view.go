// Package allocguard is the master's check of what an allocator returns,
// whatever allocator it is (built-in, plugin or WASM): every allocation
// must be of resources that are free on an active agent, go to an active
// framework in one of its roles, never hand out one resource twice, and
// respect what the framework can receive (revocable, shared and refined
// resources). Accepted allocations pass through; each rejected one is
// returned with its reason and counted.
package allocguard

import (
	"slices"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// Agent is the master's view of one agent.
type Agent struct {
	Active bool
	// Total is everything the agent has, including revocable resources
	// and shared volumes (allocation info, if any, is ignored).
	Total resources.Resources
	// Allocated is what is offered to or used by frameworks (allocation
	// info, if any, is ignored). A shared volume in use stays offerable.
	Allocated resources.Resources
}

// Framework is the master's view of one framework.
type Framework struct {
	Active bool
	// Roles the framework is subscribed to.
	Roles []string
	// Capabilities that decide what the framework may receive.
	Revocable  bool // REVOCABLE_RESOURCES
	Shared     bool // SHARED_RESOURCES
	Refinement bool // RESERVATION_REFINEMENT
}

// FrameworkFromInfo builds a Framework from its FrameworkInfo: roles is
// FrameworkInfo.roles for MULTI_ROLE frameworks, else role (default "*").
func FrameworkFromInfo(info *mesospb.FrameworkInfo, active bool) *Framework {
	f := &Framework{Active: active}
	multi := false
	for _, c := range info.GetCapabilities() {
		switch c.GetType() {
		case mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES:
			f.Revocable = true
		case mesospb.FrameworkInfo_Capability_SHARED_RESOURCES:
			f.Shared = true
		case mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT:
			f.Refinement = true
		case mesospb.FrameworkInfo_Capability_MULTI_ROLE:
			multi = true
		}
	}
	switch {
	case multi:
		f.Roles = slices.Clone(info.GetRoles())
	case info.Role != nil:
		f.Roles = []string{info.GetRole()}
	default:
		f.Roles = []string{"*"}
	}
	return f
}

// View is what the guard needs to know of the master's state. Lookups of
// unknown ids return false.
type View interface {
	Agent(id string) (*Agent, bool)
	Framework(id string) (*Framework, bool)
}

// MapView is a View over two maps.
type MapView struct {
	Agents     map[string]*Agent
	Frameworks map[string]*Framework
}

// Agent implements View.
func (v MapView) Agent(id string) (*Agent, bool) {
	a, ok := v.Agents[id]
	return a, ok
}

// Framework implements View.
func (v MapView) Framework(id string) (*Framework, bool) {
	f, ok := v.Frameworks[id]
	return f, ok
}
