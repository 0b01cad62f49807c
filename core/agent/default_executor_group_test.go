package agent

import (
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// groupTerminals acknowledges every update until each of the tasks has
// ended, and returns their terminal statuses.
func groupTerminals(t *testing.T, s *testScheduler, ids ...string) map[string]*mesospb.TaskStatus {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	final := map[string]*mesospb.TaskStatus{}
	for len(final) < len(ids) {
		ev := s.next("task group updates", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_UPDATE })
		st := ev.GetUpdate().GetStatus()
		s.ack(st)
		if id := st.GetTaskId().GetValue(); want[id] && isTerminal(st.GetState()) {
			final[id] = st
		}
	}
	return final
}

// TestTaskGroupKillOfOneTaskKillsThePod is a Marathon pod's stop: the
// scheduler kills one task, which exits 0 on SIGTERM. As in Mesos 1.x,
// the task ends TASK_KILLED (not TASK_FINISHED), its TASK_KILLED takes
// the rest of the group down, and the default executor exits.
func TestTaskGroupKillOfOneTaskKillsThePod(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("pod", false))
	o := s.offer()
	exec := defaultExecutor(s.id)
	web := commandTask("web", "trap 'exit 0' TERM; while true; do sleep 0.05; done", "cpus:0.1;mem:32")
	sidecar := commandTask("sidecar", "sleep 60", "cpus:0.1;mem:32")
	for _, ti := range []*mesospb.TaskInfo{web, sidecar} {
		ti.AgentId = o.GetAgentId()
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()}, Operations: []*mesospb.Offer_Operation{launchGroupOp(exec, web, sidecar)},
	}})
	running := map[string]bool{}
	for len(running) < 2 {
		ev := s.next("TASK_RUNNING", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_UPDATE })
		st := ev.GetUpdate().GetStatus()
		s.ack(st)
		if isTerminal(st.GetState()) {
			t.Fatalf("%s ended early: %s %q", st.GetTaskId().GetValue(), st.GetState(), st.GetMessage())
		}
		if st.GetState() == mesospb.TaskState_TASK_RUNNING {
			running[st.GetTaskId().GetValue()] = true
		}
	}
	time.Sleep(300 * time.Millisecond) // let the shell set its trap
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{TaskId: web.GetTaskId(), AgentId: o.GetAgentId()}})
	final := groupTerminals(t, s, "web", "sidecar")
	if st := final["web"]; st.GetState() != mesospb.TaskState_TASK_KILLED {
		t.Errorf("web: %s %q, want TASK_KILLED", st.GetState(), st.GetMessage())
	}
	if st := final["sidecar"]; st.GetState() != mesospb.TaskState_TASK_KILLED {
		t.Errorf("sidecar: %s %q, want TASK_KILLED", st.GetState(), st.GetMessage())
	}
	s.next("executor FAILURE", func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_FAILURE && e.GetFailure().GetExecutorId().GetValue() == "default"
	})
	a.stop(t)
	checkNoProcesses(t, work)
}
