package allocatortest

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

var basicTests = []conformanceTest{
	{"AllocatesFreeResources", testAllocatesFreeResources},
	{"AllocateFalseAllocatesNothing", testAllocateFalse},
	{"NothingToAllocateWithoutFrameworks", testNoFrameworks},
	{"EveryResourceCarriesItsRole", testRolesSet},
	{"NeverAllocatesWhatIsUsed", testNeverAllocatesUsed},
	{"NeverAllocatesTwice", testNeverTwice},
	{"RecoveredResourcesReturn", testRecovered},
	{"PartialRecoveryReturnsOnlyThat", testPartialRecovery},
	{"UnknownIdsAreTolerated", testUnknownIDs},
}

func testAllocatesFreeResources(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024;disk:1024;ports:[31000-31010]")
	c.AddFramework("f1", []string{"r"})
	got := c.Cycle()
	if len(got) == 0 {
		t.Fatal("one framework, one free agent: nothing allocated")
	}
	if !c.Agent("a1").Total.Contains(Sum(got).Unallocate()) {
		t.Errorf("allocated %s, more than the agent has", Sum(got))
	}
}

func testAllocateFalse(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	c.Flush() // fails the test if anything is allocated
	if got := c.Cycle(); len(got) == 0 {
		t.Error("nothing allocated in the cycle after a flush")
	}
}

func testNoFrameworks(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	if got := c.Cycle(); len(got) != 0 {
		t.Errorf("no frameworks, yet %d allocations", len(got))
	}
}

func testRolesSet(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("multi", []string{"x", "y/z"})
	got := c.CycleUntilQuiet(5)
	if len(got) == 0 {
		t.Fatal("nothing allocated")
	}
	for _, a := range got {
		for _, r := range a.GetResources() {
			role := r.GetAllocationInfo().GetRole()
			if r.GetAllocationInfo() == nil || (role != "x" && role != "y/z") {
				t.Errorf("resource %v allocated to role %q, not one of the framework's roles", r, role)
			}
		}
	}
}

func testNeverAllocatesUsed(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddFramework("f1", []string{"r"})
	c.AddFramework("f2", []string{"s"})
	// f1 already runs tasks using most of the agent.
	c.AddAgent("a1", "cpus:4;mem:1024;ports:[31000-31009]", Used("f1", "r", "cpus:3;mem:768;ports:[31000-31004]"))
	got := c.CycleUntilQuiet(5)
	sum := Sum(got).Unallocate()
	if Scalars(sum, "cpus") > 1 || Scalars(sum, "mem") > 256 {
		t.Errorf("allocated %s, but only cpus:1;mem:256 is free", sum)
	}
}

func testNeverTwice(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	for _, id := range []string{"a1", "a2", "a3"} {
		c.AddAgent(id, "cpus:4;mem:1024;ports:[31000-31010]")
	}
	for _, id := range []string{"f1", "f2", "f3", "f4"} {
		c.AddFramework(id, []string{"r-" + id})
	}
	first := c.Cycle()
	if len(first) == 0 {
		t.Fatal("nothing allocated")
	}
	// Nothing is given back: later cycles may only hand out what is left.
	// (The guard checks each allocation against what is held.)
	for range 3 {
		c.Cycle()
	}
	for _, a := range []string{"a1", "a2", "a3"} {
		ag := c.Agent(a)
		var held resources.Resources
		for _, r := range ag.Held {
			held = held.Add(r.Unallocate())
		}
		if !ag.Total.Contains(held) {
			t.Errorf("agent %s: frameworks hold %s, more than its total %s", a, held, ag.Total)
		}
	}
}

func testRecovered(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	first := c.CycleUntilQuiet(5)
	if len(first) == 0 {
		t.Fatal("nothing allocated")
	}
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("everything is held, yet %d more allocations", len(got))
	}
	c.DeclineAll(first, NoFilter)
	again := c.CycleUntilQuiet(5)
	if !Sum(again).Unallocate().Equal(Sum(first).Unallocate()) {
		t.Errorf("recovered %s, allocated again %s", Sum(first), Sum(again))
	}
}

func testPartialRecovery(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	first := c.Cycle()
	if len(first) != 1 {
		t.Fatalf("want one allocation, got %d", len(first))
	}
	// Give back the memory only; the cpus stay in use.
	var mem []*mesospb.Resource
	for _, r := range first[0].GetResources() {
		if r.GetName() == "mem" {
			mem = append(mem, r)
		}
	}
	if len(mem) == 0 {
		t.Skip("the allocation holds no memory")
	}
	c.Recover("f1", "a1", mem, nil)
	got := c.CycleUntilQuiet(5)
	if Scalars(Sum(got), "cpus") != 0 {
		t.Errorf("cpus are still in use, yet %s allocated again", Sum(got))
	}
}

func testUnknownIDs(t *testing.T, newAllocator NewAllocator) {
	a := newAllocator(t)
	c := NewCluster(t, a, nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	res := Parse("cpus:1").Allocate("r").Protos()
	for _, ev := range []*allocator.Event{
		{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{FrameworkId: "nope", AgentId: "a1", Resources: res}}},
		{Kind: &allocator.Event_ResourcesRecovered{ResourcesRecovered: &allocator.ResourcesRecovered{FrameworkId: "f1", AgentId: "nope", Resources: res}}},
		{Kind: &allocator.Event_AgentRemoved{AgentRemoved: &allocator.AgentRemoved{AgentId: "nope"}}},
		{Kind: &allocator.Event_AgentActivation{AgentActivation: &allocator.AgentActivation{AgentId: "nope", Active: true}}},
		{Kind: &allocator.Event_FrameworkRemoved{FrameworkRemoved: &allocator.FrameworkRemoved{FrameworkId: "nope"}}},
		{Kind: &allocator.Event_FrameworkActivation{FrameworkActivation: &allocator.FrameworkActivation{FrameworkId: "nope"}}},
		{Kind: &allocator.Event_OffersRevived{OffersRevived: &allocator.OffersRevived{FrameworkId: "nope", Roles: []string{"r"}}}},
		{Kind: &allocator.Event_OffersSuppressed{OffersSuppressed: &allocator.OffersSuppressed{FrameworkId: "nope", Roles: []string{"r"}}}},
		{Kind: &allocator.Event_InverseOfferUpdated{InverseOfferUpdated: &allocator.InverseOfferUpdated{FrameworkId: "nope", AgentId: "a1"}}},
		{Kind: &allocator.Event_UnavailabilityUpdated{UnavailabilityUpdated: &allocator.UnavailabilityUpdated{AgentId: "nope"}}},
		{Kind: &allocator.Event_AvailableConverted{AvailableConverted: &allocator.AvailableConverted{AgentId: "nope"}}},
		{Kind: &allocator.Event_AllocationConverted{AllocationConverted: &allocator.AllocationConverted{FrameworkId: "nope", AgentId: "a1"}}},
		{Kind: &allocator.Event_ResourcesRequested{ResourcesRequested: &allocator.ResourcesRequested{FrameworkId: "nope"}}},
		{},
	} {
		c.Send(ev)
	}
	if got := c.Cycle(); len(got) == 0 {
		t.Error("events naming unknown ids stopped allocation")
	}
	// The allocator still answers afterwards.
	if _, err := a.Allocate(context.Background(), &allocator.AllocateRequest{Allocate: true,
		NowUnixNanos: c.Now().UnixNano()}); err != nil {
		t.Errorf("Allocate after unknown ids: %v", err)
	}
}
