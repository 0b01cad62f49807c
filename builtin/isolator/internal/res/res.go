// Package res reads what the built-in isolators need of mesos.v1
// resources (the core's resources package is the general one).
package res

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// MB is Mesos's unit for mem and disk scalars.
const MB = 1024 * 1024

// Scalar sums the named scalar resources over all roles; ok is false when
// there is none.
func Scalar(resources []*mesospb.Resource, name string) (sum float64, ok bool) {
	for _, r := range resources {
		if r.GetName() == name && r.GetScalar() != nil {
			sum += r.GetScalar().GetValue()
			ok = true
		}
	}
	return sum, ok
}

// Revocable reports whether any of the named resources is revocable.
func Revocable(resources []*mesospb.Resource, name string) bool {
	for _, r := range resources {
		if r.GetName() == name && r.GetRevocable() != nil {
			return true
		}
	}
	return false
}

// Named returns the resources with the given name.
func Named(resources []*mesospb.Resource, name string) []*mesospb.Resource {
	var out []*mesospb.Resource
	for _, r := range resources {
		if r.GetName() == name {
			out = append(out, r)
		}
	}
	return out
}

// SandboxDisk returns the disk resources of the sandbox itself: those that
// are not persistent or mounted volumes.
func SandboxDisk(resources []*mesospb.Resource) []*mesospb.Resource {
	var out []*mesospb.Resource
	for _, r := range Named(resources, "disk") {
		if r.GetDisk().GetVolume() == nil {
			out = append(out, r)
		}
	}
	return out
}

// Key names a container as Mesos prints it: ancestors' values and its own
// joined with dots.
func Key(id *mesospb.ContainerID) string {
	if id.GetParent() != nil {
		return Key(id.GetParent()) + "." + id.GetValue()
	}
	return id.GetValue()
}
