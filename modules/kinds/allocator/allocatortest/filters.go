package allocatortest

import (
	"testing"
	"time"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

var filterTests = []conformanceTest{
	{"DeclineFilterHoldsUntilExpiry", testFilterExpiry},
	{"DeclineFilterIsPerAgent", testFilterPerAgent},
	{"DeclineWithoutFilterIsReoffered", testNoFilter},
	{"ZeroRefuseSecondsInstallsNoFilter", testZeroRefuse},
	{"SuppressAndRevive", testSuppressRevive},
	{"SuppressedAtSubscription", testSuppressedAtSubscription},
	{"ReviveClearsFilters", testReviveClearsFilters},
	{"SuppressIsPerRole", testSuppressPerRole},
}

func testFilterExpiry(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil) // allocation interval 1 s
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	first := c.Cycle()
	if len(first) == 0 {
		t.Fatal("nothing allocated")
	}
	c.DeclineAll(first, 10*time.Second)
	for _, step := range []time.Duration{0, time.Second, 8 * time.Second} {
		c.Advance(step)
		if got := c.Cycle(); len(got) != 0 {
			t.Fatalf("%v after declining for 10s: allocated again", c.Now().Sub(Epoch))
		}
	}
	c.Advance(2 * time.Second) // 11 s after the decline
	if got := c.Cycle(); len(got) == 0 {
		t.Error("filter expired, yet nothing allocated")
	}
}

func testFilterPerAgent(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	first := c.Cycle()
	c.DeclineAll(first, time.Hour)
	c.AddAgent("a2", "cpus:4;mem:1024")
	got := c.CycleUntilQuiet(5)
	if len(On(got, "a1")) != 0 {
		t.Error("declined agent offered again within the filter")
	}
	if len(On(got, "a2")) == 0 {
		t.Error("a filter on one agent kept another from being offered")
	}
}

func testNoFilter(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	c.DeclineAll(c.Cycle(), NoFilter)
	if got := c.Cycle(); len(got) == 0 {
		t.Error("declined without filters: not offered again")
	}
}

func testZeroRefuse(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	c.DeclineAll(c.Cycle(), 0)
	if got := c.Cycle(); len(got) == 0 {
		t.Error("declined with refuse_seconds 0: not offered again")
	}
}

func testSuppressRevive(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	c.Suppress("f1", "r")
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("suppressed framework: %d allocations", len(got))
	}
	c.Revive("f1", "r")
	if got := c.Cycle(); len(got) == 0 {
		t.Error("revived framework: nothing allocated")
	}
}

func testSuppressedAtSubscription(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"}, SuppressedRoles("r"))
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("framework subscribed suppressed: %d allocations", len(got))
	}
	c.Revive("f1")
	if got := c.Cycle(); len(got) == 0 {
		t.Error("revived (all roles): nothing allocated")
	}
}

func testReviveClearsFilters(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	c.DeclineAll(c.Cycle(), time.Hour)
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("filtered for an hour, yet %d allocations", len(got))
	}
	c.Revive("f1", "r")
	if got := c.Cycle(); len(got) == 0 {
		t.Error("revive did not clear the filter")
	}
}

func testSuppressPerRole(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("f1", []string{"x", "y"})
	c.Suppress("f1", "x")
	got := c.CycleUntilQuiet(5)
	if len(got) == 0 {
		t.Fatal("one role suppressed, the other not: nothing allocated")
	}
	for _, a := range got {
		if roleOf(a) == "x" {
			t.Errorf("allocated to suppressed role x")
		}
	}
}

// roleOf is the role of an allocation's first resource.
func roleOf(a *allocator.Allocation) string {
	if len(a.GetResources()) == 0 {
		return ""
	}
	return a.GetResources()[0].GetAllocationInfo().GetRole()
}
