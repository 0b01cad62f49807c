package plugin

import (
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/isolator/isolatortest"
)

// The kinds' conformance suites, run against the example modules as
// plugins: the same suites the built-in implementations pass.

func TestAllocatorConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	allocatortest.Run(t, func(t *testing.T) allocator.Allocator {
		inst := load(t, l, modules.Spec{Name: "binpack", Kind: modules.KindAllocator, File: bins["binpack"]})
		return inst.Impl.(allocator.Allocator)
	})
}

func TestIsolatorConformance(t *testing.T) {
	l := newTestLoader(t, Options{})
	isolatortest.Run(t, isolatortest.Fixture{New: func(t *testing.T) isolator.Isolator {
		inst := load(t, l, modules.Spec{Name: "env", Kind: modules.KindIsolator, File: bins["env"]})
		return inst.Impl.(isolator.Isolator)
	}})
}
