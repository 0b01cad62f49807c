package hierarchical

import (
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/allocator"
	at "github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
	"google.golang.org/protobuf/proto"
)

// allDeclined builds a cluster in which both frameworks have declined both
// agents for an hour, so a cycle offers nothing.
func allDeclined(t *testing.T) (*at.Cluster, *HierarchicalDRF) {
	c, h := newCluster(t, nil)
	c.AddAgent("a1", agentUnit)
	c.AddAgent("a2", agentUnit)
	c.AddFramework("f1", []string{"r1"})
	c.AddFramework("f2", []string{"r2"})
	for range 4 {
		c.DeclineAll(c.Cycle(), time.Hour)
	}
	if got := c.Cycle(); len(got) != 0 {
		t.Fatalf("setup: %d allocations after declining everything", len(got))
	}
	return c, h
}

func TestMemoSkipsRefusedAgents(t *testing.T) {
	c, h := allDeclined(t)
	before := h.Stats().MemoSkips
	if got := c.Cycle(); len(got) != 0 {
		t.Fatal("allocated with everything declined")
	}
	if skips := h.Stats().MemoSkips - before; skips != 2 {
		t.Errorf("memo skipped %d agents, want 2", skips)
	}
}

func TestMemoInvalidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *at.Cluster)
	}{
		{"filters expire", func(c *at.Cluster) { c.Advance(time.Hour + time.Second) }},
		{"revive", func(c *at.Cluster) { c.Revive("f1") }},
		{"new framework", func(c *at.Cluster) { c.AddFramework("f3", []string{"r3"}) }},
		{"framework deactivated and back", func(c *at.Cluster) {
			c.SetFrameworkActive("f1", false)
			c.Flush()
			c.SetFrameworkActive("f1", true)
		}},
		{"agent grows", func(c *at.Cluster) {
			c.Send(&allocator.Event{Kind: &allocator.Event_AgentUpdated{AgentUpdated: &allocator.AgentUpdated{
				AgentId: "a1", Total: at.Parse("cpus:8;mem:2048").Protos()}}})
			c.Agent("a1").Total = at.Parse("cpus:8;mem:2048")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := allDeclined(t)
			c.Cycle() // memoized
			tc.change(c)
			if got := c.Cycle(); len(got) == 0 {
				t.Error("nothing allocated after the change")
			}
		})
	}
}

// A framework refusing everything by its minimum is offered again once it
// lowers the minimum (no filters or liveness involved).
func TestMemoMinimumLowered(t *testing.T) {
	c, h := newCluster(t, nil)
	c.AddAgent("a1", agentUnit)
	huge := map[string]*mesospb.OfferFilters{"r": {MinAllocatableResources: &mesospb.OfferFilters_MinAllocatableResources{
		Quantities: []*mesospb.OfferFilters_ResourceQuantities{{Quantities: map[string]*mesospb.Value_Scalar{
			"cpus": {Value: proto.Float64(100)}}}}}}}
	c.AddFramework("f", []string{"r"}, at.EditInfo(func(info *mesospb.FrameworkInfo) { info.OfferFilters = huge }))
	c.Cycle()
	c.Cycle()
	if h.Stats().MemoSkips != 1 {
		t.Fatalf("MemoSkips = %d, want 1", h.Stats().MemoSkips)
	}
	c.UpdateFramework("f", func(info *mesospb.FrameworkInfo) { info.OfferFilters = nil })
	if got := c.Cycle(); len(got) == 0 {
		t.Error("minimum lowered, agent still not offered")
	}
}
