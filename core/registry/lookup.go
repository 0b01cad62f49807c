package registry

import "github.com/gomesos/mesos/core/proto/registrypb"

// Linear lookups by agent id. A batch of operations costs far less than
// encoding the registry it then writes, so no index is kept.

func admittedIndex(reg *registrypb.Registry, id string) int {
	for i, a := range reg.GetAgents().GetAgents() {
		if a.GetInfo().GetId().GetValue() == id {
			return i
		}
	}
	return -1
}

func unreachableIndex(reg *registrypb.Registry, id string) int {
	for i, a := range reg.GetUnreachable().GetAgents() {
		if a.GetId().GetValue() == id {
			return i
		}
	}
	return -1
}

func goneIndex(reg *registrypb.Registry, id string) int {
	for i, a := range reg.GetGone().GetAgents() {
		if a.GetId().GetValue() == id {
			return i
		}
	}
	return -1
}

func agents(reg *registrypb.Registry) *registrypb.Registry_Agents {
	if reg.Agents == nil {
		reg.Agents = &registrypb.Registry_Agents{}
	}
	return reg.Agents
}

func unreachable(reg *registrypb.Registry) *registrypb.Registry_UnreachableAgents {
	if reg.Unreachable == nil {
		reg.Unreachable = &registrypb.Registry_UnreachableAgents{}
	}
	return reg.Unreachable
}

func gone(reg *registrypb.Registry) *registrypb.Registry_GoneAgents {
	if reg.Gone == nil {
		reg.Gone = &registrypb.Registry_GoneAgents{}
	}
	return reg.Gone
}
