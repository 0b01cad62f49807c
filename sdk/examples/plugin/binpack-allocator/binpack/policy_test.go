package binpack

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
)

func initWith(params map[string]string) *allocator.InitializeRequest {
	return &allocator.InitializeRequest{Parameters: params}
}

func TestFullestAgentFirst(t *testing.T) {
	c := allocatortest.NewCluster(t, New(), initWith(map[string]string{ParamMaxAgentsPerFramework: "1"}))
	c.AddAgent("empty", "cpus:4;mem:1024")
	c.AddAgent("busy", "cpus:4;mem:1024", allocatortest.Used("f0", "r0", "cpus:3;mem:768"))
	c.AddAgent("half", "cpus:4;mem:1024", allocatortest.Used("f0", "r0", "cpus:2;mem:256"))
	c.AddFramework("f1", []string{"r"})
	got := c.Cycle()
	if len(got) != 1 || got[0].GetAgentId() != "busy" {
		t.Fatalf("want one offer of the fullest agent, got %v", got)
	}
	got = c.Cycle()
	if len(got) != 1 || got[0].GetAgentId() != "half" {
		t.Fatalf("want the next fullest agent, got %v", got)
	}
}

func TestMaxAgentsPerFramework(t *testing.T) {
	c := allocatortest.NewCluster(t, New(), initWith(map[string]string{ParamMaxAgentsPerFramework: "2"}))
	for _, id := range []string{"a1", "a2", "a3", "a4", "a5"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("f1", []string{"r"})
	c.AddFramework("f2", []string{"s"})
	got := c.Cycle()
	if n := len(allocatortest.For(got, "f1")); n != 2 {
		t.Errorf("f1 got %d agents, want 2", n)
	}
	if n := len(allocatortest.For(got, "f2")); n != 2 {
		t.Errorf("f2 got %d agents, want 2", n)
	}
}

func TestRoundRobinSpreadsAgents(t *testing.T) {
	c := allocatortest.NewCluster(t, New(), nil)
	for _, id := range []string{"a1", "a2", "a3", "a4"} {
		c.AddAgent(id, "cpus:2;mem:512")
	}
	c.AddFramework("f1", []string{"r"})
	c.AddFramework("f2", []string{"s"})
	got := c.Cycle()
	if len(allocatortest.For(got, "f1")) != 2 || len(allocatortest.For(got, "f2")) != 2 {
		t.Errorf("want two agents each, got %v", got)
	}
}

func TestBadParameter(t *testing.T) {
	_, err := New().Initialize(context.Background(), initWith(map[string]string{ParamMaxAgentsPerFramework: "many"}))
	if err == nil {
		t.Fatal("Initialize accepted max_agents_per_framework=many")
	}
}

func TestAllocateBeforeInitialize(t *testing.T) {
	if _, err := New().Allocate(context.Background(), &allocator.AllocateRequest{Allocate: true}); err == nil {
		t.Fatal("Allocate before Initialize succeeded")
	}
}
