package plugin

import (
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
)

// A crashed allocator plugin is restarted with the cluster replayed: it
// knows what is held (allocates nothing twice: the guard checks every
// response), what is free, and gives back what is recovered.
func TestAllocatorReplayAfterCrash(t *testing.T) {
	l := newTestLoader(t, Options{})
	inst := load(t, l, modules.Spec{Name: "binpack", Kind: modules.KindAllocator, File: bins["binpack"]})
	a := inst.Impl.(allocator.Allocator)
	c := allocatortest.NewCluster(t, a, nil)
	for _, id := range []string{"a1", "a2", "a3"} {
		c.AddAgent(id, "cpus:4;mem:1024")
	}
	c.AddAgent("a4", "cpus:4;mem:1024", allocatortest.Used("f1", "r", "cpus:3;mem:512"))
	c.AddFramework("f1", []string{"r"})
	c.AddFramework("f2", []string{"s"})
	c.AddFramework("f3", []string{"t"})
	c.Suppress("f3", "t")
	first := c.Cycle()
	if len(first) != 4 {
		t.Fatalf("first cycle: %d allocations, want 4", len(first))
	}
	// Give back one agent's allocation; keep the others.
	c.Decline(first[0], allocatortest.NoFilter)
	c.Flush()

	pid := inst.Impl.(Supervised).PluginStatus().PID
	(&proc{pid: pid}).kill()
	waitRestarted(t, inst.Impl, 1)

	got := c.Cycle() // the guard fails the test on anything held being allocated
	if len(got) != 1 || got[0].GetAgentId() != first[0].GetAgentId() {
		t.Fatalf("after the restart: %v, want only agent %s again", got, first[0].GetAgentId())
	}
	for _, x := range got {
		if x.GetFrameworkId() == "f3" {
			t.Error("suppressed framework f3 got an offer after the restart")
		}
	}
	c.DeclineAll(first[1:], allocatortest.NoFilter)
	if again := c.CycleUntilQuiet(3); len(again) != 3 {
		t.Errorf("after recovering three allocations: %d allocations, want 3", len(again))
	}
}
