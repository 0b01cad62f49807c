package master

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestTeardownFreesExecutorResources: a framework torn down while its
// executor (here a task group's default executor) holds resources on an
// agent leaves nothing used there, so the next framework is offered the
// whole agent. (The master freed only the tasks' resources; every later
// allocation of that agent was then rejected as not free.)
func TestTeardownFreesExecutorResources(t *testing.T) {
	tm := startMaster(t, func(c *Config) { c.Allocator = hierarchical.New() })
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("group"))
	o := s.nextOffer()
	task := commandTask(t, "g1", o, "cpus:0.5;mem:64")
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()},
		Operations: []*mesospb.Offer_Operation{{
			Type: mesospb.Offer_Operation_LAUNCH_GROUP.Enum(),
			LaunchGroup: &mesospb.Offer_Operation_LaunchGroup{
				Executor: &mesospb.ExecutorInfo{
					Type:       mesospb.ExecutorInfo_DEFAULT.Enum(),
					ExecutorId: &mesospb.ExecutorID{Value: proto.String("default")},
					Resources:  commandTask(t, "x", o, "cpus:0.1;mem:32").Resources,
				},
				TaskGroup: &mesospb.TaskGroupInfo{Tasks: []*mesospb.TaskInfo{task}},
			},
		}},
	}})
	agent.next("RUN_TASK_GROUP", agentmasterpb.AgentEvent_RUN_TASK_GROUP)
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum()})
	agent.next("SHUTDOWN_FRAMEWORK", agentmasterpb.AgentEvent_SHUTDOWN_FRAMEWORK)
	eventually(t, "the framework removed", func() bool {
		var gone bool
		onLoop(t, tm, func() { gone = tm.frameworks[s.id] == nil })
		return gone
	})
	onLoop(t, tm, func() {
		for _, a := range tm.agents {
			for fw, used := range a.used {
				if !used.IsEmpty() {
					t.Errorf("framework %s still uses %s on agent %s", fw, used, a.id)
				}
			}
		}
	})
	next := subscribe(t, tm, httpapi.JSON, frameworkInfo("next"))
	var cpus float64
	for _, r := range next.nextOffer().GetResources() {
		if r.GetName() == "cpus" {
			cpus += r.GetScalar().GetValue()
		}
	}
	if cpus != 2 {
		t.Errorf("the next framework is offered %v cpus, want all 2", cpus)
	}
}
