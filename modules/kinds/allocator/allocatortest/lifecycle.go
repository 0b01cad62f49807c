package allocatortest

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

var lifecycleTests = []conformanceTest{
	{"InactiveAgentGetsNothing", testInactiveAgent},
	{"InactiveFrameworkGetsNothing", testInactiveFramework},
	{"RemovedAgentIsNeverAllocated", testRemovedAgent},
	{"RemovedFrameworkResourcesReturn", testRemovedFramework},
	{"FrameworkAddedLaterGetsOffers", testFrameworkAddedLater},
	{"DroppedRoleGetsNothing", testDroppedRole},
}

func testInactiveAgent(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024", InactiveAgent())
	c.AddAgent("a2", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	for _, a := range c.CycleUntilQuiet(5) {
		if a.GetAgentId() == "a1" {
			t.Fatal("allocated from an inactive agent")
		}
	}
	c.SetAgentActive("a1", true)
	if got := On(c.CycleUntilQuiet(5), "a1"); len(got) == 0 {
		t.Error("reactivated agent: nothing allocated from it")
	}
	// Deactivated, with everything given back: nothing comes from it (the
	// guard rejects allocations on inactive agents).
	c.SetAgentActive("a2", false)
	for fw, held := range c.Agent("a2").Held {
		c.Recover(fw, "a2", held.Protos(), nil)
	}
	c.CycleUntilQuiet(5)
}

func testInactiveFramework(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"}, InactiveFramework())
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("inactive framework: %d allocations", len(got))
	}
	c.SetFrameworkActive("f1", true)
	got := c.Cycle()
	if len(got) == 0 {
		t.Fatal("reactivated framework: nothing allocated")
	}
	// Deactivated while holding resources: it keeps them but gets no more.
	c.SetFrameworkActive("f1", false)
	c.AddAgent("a2", "cpus:4;mem:1024")
	if got := c.Cycle(); len(got) != 0 {
		t.Errorf("deactivated framework: %d allocations", len(got))
	}
}

func testRemovedAgent(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddAgent("a2", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	first := c.CycleUntilQuiet(5)
	c.DeclineAll(first, NoFilter)
	c.RemoveAgent("a1") // the guard rejects anything on a1 from now on
	got := c.CycleUntilQuiet(5)
	if len(On(got, "a2")) == 0 {
		t.Error("nothing allocated from the remaining agent")
	}
}

func testRemovedFramework(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("f1", []string{"r"})
	if got := c.CycleUntilQuiet(5); len(got) == 0 {
		t.Fatal("nothing allocated")
	}
	c.RemoveFramework("f1")
	c.AddFramework("f2", []string{"r"})
	got := c.CycleUntilQuiet(5)
	if len(For(got, "f2")) == 0 {
		t.Error("resources of a removed framework were not given to another")
	}
}

func testFrameworkAddedLater(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:4;mem:1024")
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("no framework, yet %d allocations", len(got))
	}
	c.AddFramework("f1", []string{"r"})
	if got := c.Cycle(); len(got) == 0 {
		t.Error("framework added later: nothing allocated")
	}
}

func testDroppedRole(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddFramework("f1", []string{"old", "new"})
	c.Flush()
	c.UpdateFramework("f1", func(info *mesospb.FrameworkInfo) { info.Roles = []string{"new"} })
	for _, id := range []string{"a1", "a2", "a3"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	got := c.CycleUntilQuiet(5)
	if len(got) == 0 {
		t.Fatal("nothing allocated")
	}
	for _, a := range got {
		for _, r := range a.GetResources() {
			if r.GetAllocationInfo().GetRole() != "new" {
				t.Errorf("allocated to role %q after the framework left it", r.GetAllocationInfo().GetRole())
			}
		}
	}
}
