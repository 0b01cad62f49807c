package master

import (
	"net/http"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
)

// TestMultiRoleQuotaAcrossRolesOfOneFramework: one framework in a (quota
// limit 2 cpus) and b (guarantee 1 cpu) on four 1-cpu agents: a is never
// offered more than its limit, b gets its guarantee, and nothing is left
// unoffered.
func TestMultiRoleQuotaAcrossRolesOfOneFramework(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	for range 4 {
		multiRoleAgent(t, tm, "cpus:1;mem:128")
	}
	update := callOf(masterpb.Call_UPDATE_QUOTA)
	update.UpdateQuota = &masterpb.Call_UpdateQuota{QuotaConfigs: []*quotapb.QuotaConfig{{
		Role:   proto.String("a"),
		Limits: map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(2)}},
	}, {
		Role:       proto.String("b"),
		Guarantees: map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(1)}},
	}}}
	mustDo(t, tm, httpapi.JSON, update, http.StatusOK)
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"a", "b"}))

	cpus := offeredCPUsByRole(s, time.Second)
	if cpus["a"] > 2 {
		t.Errorf("a was offered %v cpus, over its limit of 2", cpus["a"])
	}
	if cpus["b"] < 1 {
		t.Errorf("b was offered %v cpus, under its guarantee of 1", cpus["b"])
	}
	if cpus["a"]+cpus["b"] != 4 {
		t.Errorf("offered a:%v b:%v, want all 4 cpus offered", cpus["a"], cpus["b"])
	}
}

// TestMultiRoleParentQuotaLimitsSubrole: a quota limit on c bounds what
// c/d (a subrole) is offered, as Mesos counts a subtree against its
// ancestors' limits.
func TestMultiRoleParentQuotaLimitsSubrole(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	for range 3 {
		multiRoleAgent(t, tm, "cpus:1;mem:128")
	}
	update := callOf(masterpb.Call_UPDATE_QUOTA)
	update.UpdateQuota = &masterpb.Call_UpdateQuota{QuotaConfigs: []*quotapb.QuotaConfig{{
		Role:   proto.String("c"),
		Limits: map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(1)}},
	}}}
	mustDo(t, tm, httpapi.JSON, update, http.StatusOK)
	s := subscribe(t, tm, httpapi.JSON, multiRoleFramework("mr", []string{"c/d", "e"}))
	cpus := offeredCPUsByRole(s, time.Second)
	if cpus["c/d"] != 1 || cpus["e"] != 2 {
		t.Errorf("offered c/d:%v e:%v, want 1 (c's limit) and 2", cpus["c/d"], cpus["e"])
	}
}

// offeredCPUsByRole sums the cpus offered to the framework in each role
// over a while.
func offeredCPUsByRole(s *testScheduler, over time.Duration) map[string]float64 {
	cpus := map[string]float64{}
	deadline := time.After(over)
	for {
		select {
		case ev := <-s.events.events:
			for _, o := range ev.GetOffers().GetOffers() {
				cpus[o.GetAllocationInfo().GetRole()] += scalarOf(o, "cpus", "")
			}
		case <-deadline:
			return cpus
		}
	}
}
