package allocatortest

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

var capabilityTests = []conformanceTest{
	{"RevocableOnlyToCapableFrameworks", testRevocable},
	{"SharedOnlyToCapableFrameworks", testShared},
	{"RefinedReservationsOnlyToCapableFrameworks", testRefined},
	{"GPUAgentsOnlyToGPUFrameworks", testGPU},
	{"ReservedOnlyToTheirRole", testReserved},
}

func testRevocable(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:2;mem:512", ExtraResources(Revocable("cpus", 4)))
	c.AddFramework("plain", []string{"r"})
	got := c.CycleUntilQuiet(5)
	if rev := Sum(got).Revocable(); !rev.IsEmpty() {
		t.Fatalf("revocable %s given to a framework without REVOCABLE_RESOURCES", rev)
	}
	c.AddFramework("capable", []string{"s"}, Capabilities(mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES))
	got = c.CycleUntilQuiet(5)
	if Sum(For(got, "capable")).Revocable().IsEmpty() {
		t.Error("revocable resources never offered to a capable framework")
	}
}

func testShared(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:2;mem:512", ExtraResources(SharedVolume("r", "vol1", 100)))
	c.AddFramework("plain", []string{"r"})
	c.AddFramework("capable", []string{"r"}, Capabilities(mesospb.FrameworkInfo_Capability_SHARED_RESOURCES))
	offered := false
	// Everything is declined after each cycle, so both frameworks get
	// their turn; a shared volume alone is below the minimum allocatable
	// resources, so it comes along with cpus and memory.
	for range 6 {
		got := c.Cycle()
		if sh := Sum(For(got, "plain")).Shared(); !sh.IsEmpty() {
			t.Fatalf("shared %s given to a framework without SHARED_RESOURCES", sh)
		}
		offered = offered || !Sum(For(got, "capable")).Shared().IsEmpty()
		c.DeclineAll(got, NoFilter)
	}
	if !offered {
		t.Error("shared volume never offered to a capable framework")
	}
}

func testRefined(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:1;mem:128", ExtraResources(Reserved("cpus", 2, "eng", "eng/web")))
	c.AddFramework("old", []string{"eng/web"})
	got := c.CycleUntilQuiet(5)
	for x := range Sum(got).All() {
		if x.HasRefinedReservations() {
			t.Fatalf("refined reservation %s given to a framework without RESERVATION_REFINEMENT", x)
		}
	}
	c.AddFramework("new", []string{"eng/web"}, Capabilities(mesospb.FrameworkInfo_Capability_RESERVATION_REFINEMENT))
	got = c.CycleUntilQuiet(5)
	found := false
	for x := range Sum(For(got, "new")).All() {
		found = found || x.HasRefinedReservations()
	}
	if !found {
		t.Error("refined reservation never offered to a capable framework")
	}
}

func testGPU(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), &allocator.InitializeRequest{FilterGpuResources: true})
	c.AddAgent("gpu", "cpus:4;mem:1024;gpus:2")
	c.AddAgent("cpu", "cpus:4;mem:1024")
	c.AddFramework("plain", []string{"r"})
	got := c.CycleUntilQuiet(5)
	if len(On(got, "gpu")) != 0 {
		t.Fatal("GPU agent offered to a framework without GPU_RESOURCES")
	}
	if len(On(got, "cpu")) == 0 {
		t.Fatal("agent without GPUs not offered")
	}
	c.AddFramework("gpu-capable", []string{"s"}, Capabilities(mesospb.FrameworkInfo_Capability_GPU_RESOURCES))
	got = c.CycleUntilQuiet(5)
	if len(On(For(got, "gpu-capable"), "gpu")) == 0 {
		t.Error("GPU agent never offered to a GPU_RESOURCES framework")
	}
}

func testReserved(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:1;mem:128;cpus(eng):3;mem(eng):512", ExtraResources(Reserved("disk", 100, "ops")))
	c.AddFramework("other", []string{"web"})
	got := c.CycleUntilQuiet(5)
	if r := Sum(got).Reserved(); !r.IsEmpty() {
		t.Fatalf("reserved %s given to role web", r)
	}
	c.AddFramework("eng", []string{"eng/frontend"})
	got = c.CycleUntilQuiet(5)
	engGot := Sum(For(got, "eng"))
	for x := range engGot.All() {
		if x.IsReserved() && !x.IsAllocatableTo("eng/frontend") {
			t.Errorf("%s given to role eng/frontend", x)
		}
	}
	if engGot.ReservedToRoleSubtree("eng").IsEmpty() {
		t.Error("resources reserved to eng never offered to its subrole eng/frontend")
	}
}
