package allocatortest

import (
	"testing"

	"github.com/gomesos/mesos/modules/kinds/allocator"
)

var constraintTests = []conformanceTest{
	{"QuotaLimitsAreNeverExceeded", testQuotaLimit},
	{"QuotaLimitsOfAncestorsHold", testQuotaLimitAncestor},
	{"WhitelistedAgentsOnly", testWhitelist},
	{"MinAllocatableResources", testMinAllocatable},
	{"FrameworkMinAllocatableResources", testFrameworkMinAllocatable},
}

func testQuotaLimit(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.Send(QuotaEvent("capped", nil, map[string]float64{"cpus": 3}))
	for _, id := range []string{"a1", "a2", "a3"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("f1", []string{"capped"})
	for range 5 {
		c.Cycle()
		if got := Scalars(c.Held("f1"), "cpus"); got > 3 {
			t.Fatalf("role capped at cpus:3 holds cpus:%v", got)
		}
	}
	if Scalars(c.Held("f1"), "cpus") == 0 {
		t.Error("a capped role got nothing at all")
	}
}

func testQuotaLimitAncestor(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.Send(QuotaEvent("eng", nil, map[string]float64{"cpus": 2, "mem": 1024}))
	for _, id := range []string{"a1", "a2", "a3"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("f1", []string{"eng/web"})
	c.AddFramework("f2", []string{"eng/db"})
	for range 5 {
		c.Cycle()
		if got := Scalars(c.Held("f1").Add(c.Held("f2")), "cpus"); got > 2 {
			t.Fatalf("subroles of eng (capped at cpus:2) hold cpus:%v", got)
		}
	}
}

func testWhitelist(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:2;mem:512", Hostname("h1"))
	c.AddAgent("a2", "cpus:2;mem:512", Hostname("h2"))
	c.AddFramework("f1", []string{"r"})
	c.Send(WhitelistEvent(false, "h2"))
	got := c.CycleUntilQuiet(5)
	if len(On(got, "a1")) != 0 {
		t.Fatal("agent not on the whitelist was offered")
	}
	if len(On(got, "a2")) == 0 {
		t.Fatal("whitelisted agent not offered")
	}
	c.Send(WhitelistEvent(true))
	if len(On(c.CycleUntilQuiet(5), "a1")) == 0 {
		t.Error("whitelist lifted, agent still not offered")
	}
}

func testMinAllocatable(t *testing.T, newAllocator NewAllocator) {
	init := &allocator.InitializeRequest{MinAllocatableResources: []*allocator.ResourceQuantities{
		{Quantities: map[string]float64{"cpus": 1, "mem": 256}},
	}}
	c := NewCluster(t, newAllocator(t), init)
	c.AddAgent("small", "cpus:0.5;mem:4096")
	c.AddAgent("big", "cpus:2;mem:512")
	c.AddFramework("f1", []string{"r"})
	got := c.CycleUntilQuiet(5)
	for _, a := range got {
		r := Sum([]*allocator.Allocation{a})
		if Scalars(r, "cpus") < 1 || Scalars(r, "mem") < 256 {
			t.Errorf("allocation %s is smaller than the minimum cpus:1;mem:256", r)
		}
	}
	if len(On(got, "big")) == 0 {
		t.Error("agent above the minimum not offered")
	}
}

func testFrameworkMinAllocatable(t *testing.T, newAllocator NewAllocator) {
	c := NewCluster(t, newAllocator(t), nil)
	c.AddAgent("a1", "cpus:1;mem:512")
	c.AddFramework("picky", []string{"r"}, EditInfo(minAllocatable("r", map[string]float64{"cpus": 4})))
	if got := c.CycleUntilQuiet(5); len(got) != 0 {
		t.Fatalf("framework asked for at least cpus:4, got %s", Sum(got))
	}
	c.AddAgent("a2", "cpus:8;mem:512")
	if got := c.CycleUntilQuiet(5); len(On(got, "a2")) == 0 {
		t.Error("agent above the framework's minimum not offered")
	}
}
