package agent

import (
	"math"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/qos"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules"
)

// TestOversubscription, end to end with a real master and its
// HierarchicalDRF allocator: the fixed estimator makes 2 revocable cpus
// that the agent reports; a framework with REVOCABLE_RESOURCES is offered
// them and launches a task on them; a framework without the capability
// is never offered any; then the load QoS controller, its load source
// faked, sees the load rise and the agent kills the revocable task's
// executor: the framework hears TASK_GONE (it is partition-aware) with
// REASON_CONTAINER_PREEMPTED, as Mesos reports it.
func TestOversubscription(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	var load atomic.Value
	load.Store(0.1)
	cfg := agentConfig(t, m.addr, work)
	cfg.Catalog = testCatalog(t, entry(modules.KindQoSController, "org_example_load", func(p map[string]string) (any, error) {
		lc, err := qos.ParseLoadParams(p)
		if err != nil {
			return nil, err
		}
		lc.Logger = testLogger(t)
		lc.LoadAverage = func() (qos.Load, error) {
			l := load.Load().(float64)
			return qos.Load{One: l, Five: l, Fifteen: l}, nil
		}
		return qos.NewLoadController(lc)
	}))
	cfg.Modules = manifestOf(t, builtinLib("builtin",
		mod("fixed", "ResourceEstimator", "resources", "cpus:2"),
		mod("org_example_load", "QoSController", "load_threshold_5min", "4"),
	))
	cfg.ResourceEstimator = "fixed"
	cfg.QoSController = "org_example_load"
	cfg.OversubscribedResourcesInterval = 100 * time.Millisecond
	a := startAgent(t, cfg)

	info := frameworkInfo("revocable", false)
	info.Capabilities = append(info.Capabilities,
		&mesospb.FrameworkInfo_Capability{Type: mesospb.FrameworkInfo_Capability_REVOCABLE_RESOURCES.Enum()},
		&mesospb.FrameworkInfo_Capability{Type: mesospb.FrameworkInfo_Capability_PARTITION_AWARE.Enum()})
	s := subscribeScheduler(t, m.addr, info)
	var o *mesospb.Offer
	for o == nil {
		next := s.offer()
		if revocableCPUs(next) == 2 {
			o = next
			break
		}
		s.decline(next, 0)
	}
	task := &mesospb.TaskInfo{
		Name:      proto.String("revocable"),
		TaskId:    &mesospb.TaskID{Value: proto.String("revocable")},
		Command:   &mesospb.CommandInfo{Value: proto.String("sleep 60"), Shell: proto.Bool(true)},
		Resources: append(pick(o, "cpus", true, 0.5), pick(o, "mem", false, 32)...),
	}
	// What is left of the agent goes to the other framework.
	s.launchRefusing(o, 60, task)
	s.waitState("revocable", mesospb.TaskState_TASK_RUNNING)

	// Another framework, without the capability, is offered what is left
	// of the agent but never its revocable cpus.
	other := subscribeScheduler(t, m.addr, frameworkInfo("plain", false))
	deadline := time.Now().Add(time.Second)
	offers := 0
	for time.Now().Before(deadline) {
		next := other.offer()
		offers++
		if n := revocableCPUs(next); n != 0 {
			t.Fatalf("a framework without REVOCABLE_RESOURCES was offered %g revocable cpus", n)
		}
		other.decline(next, 0.2)
	}
	if offers == 0 {
		t.Error("the plain framework got no offer")
	}
	metrics := metricsOf(t, a)
	if metrics["slave/cpus_revocable_total"] != 2 || metrics["slave/cpus_revocable_used"] != 0.5 {
		t.Errorf("revocable cpus: total %v, used %v", metrics["slave/cpus_revocable_total"], metrics["slave/cpus_revocable_used"])
	}

	// The load rises: the QoS controller has the revocable executor killed.
	load.Store(10.0)
	st := s.update("revocable")
	if st.GetState() != mesospb.TaskState_TASK_GONE || st.GetReason() != mesospb.TaskStatus_REASON_CONTAINER_PREEMPTED ||
		st.GetMessage() != qosMessage || st.GetSource() != mesospb.TaskStatus_SOURCE_AGENT {
		t.Errorf("preempted task: %s %s %q from %s", st.GetState(), st.GetReason(), st.GetMessage(), st.GetSource())
	}
	metrics = metricsOf(t, a)
	if metrics["slave/executors_preempted"] != 1 {
		t.Errorf("slave/executors_preempted = %v", metrics["slave/executors_preempted"])
	}
	for _, name := range []string{"modules/builtin/fixed/Oversubscribable/calls", "modules/builtin/org_example_load/Corrections/calls"} {
		if metrics[name] == 0 {
			t.Errorf("%s = 0", name)
		}
	}
	mods := modulesOf(t, a)
	if mods["fixed"].Kind != "ResourceEstimator" || mods["org_example_load"].Kind != "QoSController" {
		t.Errorf("/modules: %+v", mods)
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// revocableCPUs is how many revocable cpus an offer holds.
func revocableCPUs(o *mesospb.Offer) float64 {
	n, _ := resources.New(o.GetResources()...).Revocable().SumScalar("cpus")
	return n.Float()
}

// pick takes amount of the named scalar from an offer, revocable or not.
func pick(o *mesospb.Offer, name string, revocable bool, amount float64) []*mesospb.Resource {
	for _, r := range o.GetResources() {
		if r.GetName() == name && (r.GetRevocable() != nil) == revocable && r.GetScalar().GetValue() >= amount {
			c := proto.CloneOf(r)
			c.Scalar.Value = proto.Float64(math.Round(amount*1000) / 1000)
			return []*mesospb.Resource{c}
		}
	}
	return nil
}

// decline declines an offer, filtering the agent for refuse seconds.
func (s *testScheduler) decline(o *mesospb.Offer, refuse float64) {
	s.t.Helper()
	s.send(&schedulerpb.Call{
		Type: schedulerpb.Call_DECLINE.Enum(),
		Decline: &schedulerpb.Call_Decline{
			OfferIds: []*mesospb.OfferID{o.GetId()},
			Filters:  &mesospb.Filters{RefuseSeconds: proto.Float64(refuse)},
		},
	})
}
