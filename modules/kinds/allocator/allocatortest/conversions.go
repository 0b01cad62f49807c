package allocatortest

import (
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

var conversionTests = []conformanceTest{
	{"AvailableConvertedReservesForRole", testAvailableConverted},
	{"AllocationConvertedIsKeptThenReturned", testAllocationConverted},
}

func testAvailableConverted(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	a := c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("web", []string{"web"})
	c.Flush()
	// The operator reserves all of the agent's cpus to "db".
	from := []*mesospb.Resource{Scalar("cpus", 4)}
	to := []*mesospb.Resource{Reserved("cpus", 4, "db")}
	c.Send(&allocator.Event{Kind: &allocator.Event_AvailableConverted{AvailableConverted: &allocator.AvailableConverted{
		AgentId: "a1", From: from, To: to}}})
	a.Total = a.Total.Subtract(resources.New(from...)).Add(resources.New(to...))
	got := c.CycleUntilQuiet(5)
	if cpus := Scalars(Sum(got), "cpus"); cpus != 0 {
		t.Fatalf("cpus reserved to db went to role web: cpus:%v", cpus)
	}
	c.AddFramework("db", []string{"db"})
	got = c.CycleUntilQuiet(5)
	if Sum(For(got, "db")).ReservedToRoleSubtree("db").IsEmpty() {
		t.Error("reservation for db never offered to db")
	}
}

func testAllocationConverted(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	a := c.AddAgent("a1", "cpus:4;mem:1024")
	c.AddFramework("db", []string{"db"})
	got := c.Cycle()
	if len(got) != 1 {
		t.Fatalf("want one allocation, got %d", len(got))
	}
	// The framework reserves 2 of its offered cpus (RESERVE), then gives
	// everything back.
	from := resources.New(Scalar("cpus", 2)).Allocate("db")
	to := resources.New(Reserved("cpus", 2, "db")).Allocate("db")
	c.Send(&allocator.Event{Kind: &allocator.Event_AllocationConverted{AllocationConverted: &allocator.AllocationConverted{
		FrameworkId: "db", AgentId: "a1", From: from.Protos(), To: to.Protos()}}})
	a.Total = a.Total.Subtract(from.Unallocate()).Add(to.Unallocate())
	a.Held["db"] = a.Held["db"].Subtract(from).Add(to)
	c.Flush()
	c.Recover("db", "a1", a.Held["db"].Protos(), nil)
	c.AddFramework("web", []string{"web"})
	for range 3 {
		for _, x := range c.Cycle() {
			if x.GetFrameworkId() == "web" && !Sum([]*allocator.Allocation{x}).Reserved().IsEmpty() {
				t.Fatal("cpus reserved by db went to web")
			}
		}
	}
	if c.Held("db").ReservedToRoleSubtree("db").IsEmpty() {
		t.Error("the reservation made by db was never offered back to it")
	}
}
