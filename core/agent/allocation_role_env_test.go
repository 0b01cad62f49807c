package agent

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestTaskAllocationRoleEnvironment: the command and default executors
// give each task MESOS_ALLOCATION_ROLE, the role its resources are
// allocated to, over a value the command's environment sets, as Mesos's
// executors do (services on DC/OS read it to find their role).
func TestTaskAllocationRoleEnvironment(t *testing.T) {
	m := startMaster(t)
	startAgent(t, agentConfig(t, m.addr, t.TempDir()))
	s := subscribeScheduler(t, m.addr, frameworkInfo("role-env", false))
	o := s.offer()
	check := `test "$MESOS_ALLOCATION_ROLE" = "*"`
	cmdTask := commandTask("command", check, "cpus:0.1;mem:32")
	cmdTask.Command.Environment = &mesospb.Environment{Variables: []*mesospb.Environment_Variable{{
		Name: proto.String("MESOS_ALLOCATION_ROLE"), Value: proto.String("not-the-role")}}}
	grouped := commandTask("grouped", check, "cpus:0.1;mem:32")
	for _, ti := range []*mesospb.TaskInfo{cmdTask, grouped} {
		ti.AgentId = o.GetAgentId()
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()},
		Operations: []*mesospb.Offer_Operation{
			{Type: mesospb.Offer_Operation_LAUNCH.Enum(), Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{cmdTask}}},
			launchGroupOp(defaultExecutor(s.id), grouped),
		},
	}})
	s.waitState("command", mesospb.TaskState_TASK_FINISHED)
	s.waitState("grouped", mesospb.TaskState_TASK_FINISHED)
}
