package master

import (
	"testing"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/uuid"
)

// The allocator flags reach the allocator in its InitializeRequest.
func TestAllocatorSettingsInInitialize(t *testing.T) {
	alloc := newRecording()
	startMaster(t, func(c *Config) {
		c.Allocator = alloc
		c.FairSharingExcludedResourceNames = []string{"gpus", "fpgas"}
		c.FilterGPUResources = true
		c.MinAllocatableResources = []map[string]float64{{"cpus": 0.5, "mem": 64}, {"disk": 1}, {}}
	})
	eventually(t, "Initialize", func() bool { return alloc.initRequest() != nil })
	init := alloc.initRequest()
	if got := init.GetFairSharingExcludedResourceNames(); len(got) != 2 || got[0] != "gpus" || got[1] != "fpgas" {
		t.Errorf("excluded names %v", got)
	}
	if !init.GetFilterGpuResources() {
		t.Error("filter_gpu_resources not set")
	}
	mins := init.GetMinAllocatableResources()
	if len(mins) != 3 {
		t.Fatalf("min allocatable %v", mins)
	}
	if q := mins[0].GetQuantities(); len(q) != 2 || q["cpus"] != 0.5 || q["mem"] != 64 {
		t.Errorf("first set %v", q)
	}
	if q := mins[1].GetQuantities(); len(q) != 1 || q["disk"] != 1 {
		t.Errorf("second set %v", q)
	}
	if q := mins[2].GetQuantities(); len(q) != 0 {
		t.Errorf("empty set %v", q)
	}

	// Unset: the allocator's defaults.
	plain := newRecording()
	startMaster(t, func(c *Config) { c.Allocator = plain })
	eventually(t, "Initialize", func() bool { return plain.initRequest() != nil })
	if r := plain.initRequest(); len(r.GetMinAllocatableResources()) != 0 || len(r.GetFairSharingExcludedResourceNames()) != 0 || r.GetFilterGpuResources() {
		t.Errorf("defaults: %v", r)
	}
}

func TestHistoryLimits(t *testing.T) {
	for _, tc := range []struct{ in, want int }{{0, 50}, {KeepNone, 0}, {-7, 0}, {3, 3}} {
		c := Config{MaxCompletedFrameworks: tc.in, MaxCompletedTasksPerFramework: tc.in}
		c.setDefaults()
		wantTasks := tc.want
		if tc.in == 0 {
			wantTasks = 1000
		}
		if c.MaxCompletedFrameworks != tc.want || c.MaxCompletedTasksPerFramework != wantTasks {
			t.Errorf("%d: %d frameworks, %d tasks", tc.in, c.MaxCompletedFrameworks, c.MaxCompletedTasksPerFramework)
		}
	}
}

// With KeepNone (--max_completed_frameworks=0,
// --max_completed_tasks_per_framework=0) no history is kept.
func TestKeepNoCompletedHistory(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		c.MaxCompletedFrameworks = KeepNone
		c.MaxCompletedTasksPerFramework = KeepNone
	})
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, frameworkInfo("forgetful"))
	offer := s.nextOffer()
	s.mustSend(launchCall(offer, commandTask(t, "done", offer, "cpus:1")))
	agent.next("RUN_TASK", agentmasterpb.AgentEvent_RUN_TASK)
	agent.statusUpdate(s.id, "done", mesospb.TaskState_TASK_FINISHED, uuid.New().Bytes())
	st := s.nextUpdate("done")
	if st.GetState() != mesospb.TaskState_TASK_FINISHED {
		t.Fatalf("update %v", st)
	}
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
		AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid,
	}})
	agent.next("ACKNOWLEDGE of TASK_FINISHED", agentmasterpb.AgentEvent_ACKNOWLEDGE)
	eventually(t, "the task completed", func() bool {
		var done bool
		onLoop(t, tm, func() { done = len(tm.frameworks[s.id].tasks) == 0 })
		return done
	})
	onLoop(t, tm, func() {
		if n := len(tm.frameworks[s.id].completedTasks); n != 0 {
			t.Errorf("%d completed tasks kept", n)
		}
	})
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum()})
	eventually(t, "the framework removed", func() bool {
		var gone bool
		onLoop(t, tm, func() { gone = tm.frameworks[s.id] == nil })
		return gone
	})
	onLoop(t, tm, func() {
		if n := len(tm.completedFrameworks); n != 0 {
			t.Errorf("%d completed frameworks kept", n)
		}
	})
}
