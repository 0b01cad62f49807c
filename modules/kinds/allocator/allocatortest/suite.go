// Package allocatortest is the conformance suite of the Allocator module
// kind: behaviour every correct allocator shows whatever its policy. The
// built-in HierarchicalDRF runs it, and so do plugin and WASM allocators.
//
// Every response in the suite is also checked by the master's guard
// (core/master/allocguard) against the suite's model of the cluster, so
// any allocation of resources that are not free, to an inactive agent or
// framework, in a role the framework does not have, or of resources the
// framework cannot take, fails the test where it happens.
package allocatortest

import (
	"testing"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// NewAllocator returns a new, uninitialized allocator.
type NewAllocator func(t *testing.T) allocator.Allocator

type conformanceTest struct {
	name string
	run  func(t *testing.T, newAllocator NewAllocator)
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh allocator from newAllocator.
func Run(t *testing.T, newAllocator func(t *testing.T) allocator.Allocator) {
	for _, ct := range tests() {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, newAllocator) })
	}
}

func tests() []conformanceTest {
	var all []conformanceTest
	all = append(all, basicTests...)
	all = append(all, lifecycleTests...)
	all = append(all, filterTests...)
	all = append(all, capabilityTests...)
	all = append(all, constraintTests...)
	all = append(all, conversionTests...)
	return all
}
