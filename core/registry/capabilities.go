package registry

import (
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

// Minimum capabilities: operations that write something an older master
// would misread record the capability it takes, and a master lacking one
// refuses to recover from the registry (Mesos 1.8+).

func capabilityName(c mesospb.MasterInfo_Capability_Type) string { return c.String() }

func hasMinimumCapability(reg *registrypb.Registry, c mesospb.MasterInfo_Capability_Type) bool {
	name := capabilityName(c)
	return slices.ContainsFunc(reg.MinimumCapabilities, func(m *registrypb.Registry_MinimumCapability) bool {
		return m.GetCapability() == name
	})
}

// addMinimumCapability records c once; it reports whether it was added.
func addMinimumCapability(reg *registrypb.Registry, c mesospb.MasterInfo_Capability_Type) bool {
	if hasMinimumCapability(reg, c) {
		return false
	}
	reg.MinimumCapabilities = append(reg.MinimumCapabilities,
		&registrypb.Registry_MinimumCapability{Capability: proto.String(capabilityName(c))})
	return true
}

// removeMinimumCapability drops c; it reports whether it was there.
func removeMinimumCapability(reg *registrypb.Registry, c mesospb.MasterInfo_Capability_Type) bool {
	name := capabilityName(c)
	n := len(reg.MinimumCapabilities)
	reg.MinimumCapabilities = slices.DeleteFunc(reg.MinimumCapabilities, func(m *registrypb.Registry_MinimumCapability) bool {
		return m.GetCapability() == name
	})
	return len(reg.MinimumCapabilities) != n
}

// MissingCapabilities lists the minimum capabilities of reg that info does
// not advertise (Mesos's Master::missingMinimumCapabilities).
func MissingCapabilities(info *mesospb.MasterInfo, reg *registrypb.Registry) []string {
	have := map[string]bool{}
	for _, c := range info.GetCapabilities() {
		have[c.GetType().String()] = true
	}
	var missing []string
	for _, m := range reg.GetMinimumCapabilities() {
		if name := m.GetCapability(); !have[name] && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
	}
	return missing
}
