package mesosgo

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gogo/protobuf/proto"
	mesos "github.com/mesos/mesos-go/api/v1/lib"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler"
	"github.com/mesos/mesos-go/api/v1/lib/scheduler/calls"
)

// The role and principal of the lib scheduler: reservations and volumes
// are made for them.
const (
	libRole      = "mesosgo"
	libPrincipal = "mesosgo-test"
)

// TestLibSchedulerProtobuf and TestLibSchedulerJSON drive our master and
// agent with a scheduler written against mesos-go's api/v1/lib, in each
// codec (JSON through capabilityFilter, see capfilter_test.go).
func TestLibSchedulerProtobuf(t *testing.T) {
	c := startCluster(t)
	runLibScenarios(t, c, c.schedulerURL(), "protobuf")
}

func TestLibSchedulerJSON(t *testing.T) {
	c := startCluster(t)
	runLibScenarios(t, c, startCapabilityFilter(t, c.masterAddr)+"/api/v1/scheduler", "json")
}

// libFrameworkInfo is a MULTI_ROLE, partition-aware framework with a
// failover timeout, as a long-running service registers.
func libFrameworkInfo(t *testing.T, codec string) *mesos.FrameworkInfo {
	capability := func(c mesos.FrameworkInfo_Capability_Type) mesos.FrameworkInfo_Capability {
		return mesos.FrameworkInfo_Capability{Type: c}
	}
	return &mesos.FrameworkInfo{
		User:            currentUser(t),
		Name:            "mesosgo-lib-" + codec,
		Roles:           []string{libRole},
		Principal:       proto.String(libPrincipal),
		FailoverTimeout: proto.Float64(300),
		Checkpoint:      proto.Bool(true),
		Capabilities: []mesos.FrameworkInfo_Capability{
			capability(mesos.FrameworkInfo_Capability_MULTI_ROLE),
			capability(mesos.FrameworkInfo_Capability_RESERVATION_REFINEMENT),
			capability(mesos.FrameworkInfo_Capability_TASK_KILLING_STATE),
			capability(mesos.FrameworkInfo_Capability_PARTITION_AWARE),
		},
	}
}

func runLibScenarios(t *testing.T, c *cluster, url, codecName string) {
	codec := codecNamed(t, codecName)
	info := libFrameworkInfo(t, codecName)
	s := subscribeLib(t, url, codec, info)
	defer func() { s.disconnect() }()
	agentID := ""

	t.Run("launch", func(t *testing.T) {
		o := s.offer(t)
		agentID = o.AgentID.Value
		s.mustCall(t, calls.Accept(calls.OfferOperations{calls.OpLaunch(
			sleeperTask(o, "sleeper-kill"), sleeperTask(o, "sleeper-keep"),
		)}.WithOffers(o.ID)).With(calls.RefuseSeconds(time.Second)))
		for _, task := range []string{"sleeper-kill", "sleeper-keep"} {
			st := s.update(t, task, mesos.TASK_RUNNING)
			if st.GetAgentID().GetValue() != agentID {
				t.Errorf("%s runs on agent %q, want %q", task, st.GetAgentID().GetValue(), agentID)
			}
		}
	})

	t.Run("reconcile explicit", func(t *testing.T) {
		s.mustCall(t, calls.Reconcile(calls.ReconcileTasks(map[string]string{
			"sleeper-kill": agentID, // known: its latest state
			"ghost-1":      agentID, // unknown on a registered agent: TASK_GONE
			"ghost-2":      "",      // unknown, agent not given: TASK_UNKNOWN
		})))
		for task, state := range map[string]mesos.TaskState{"sleeper-kill": mesos.TASK_RUNNING, "ghost-1": mesos.TASK_GONE, "ghost-2": mesos.TASK_UNKNOWN} {
			checkReconciled(t, s.update(t, task, state))
		}
	})

	t.Run("reconcile implicit", func(t *testing.T) {
		s.mustCall(t, calls.Reconcile())
		for _, task := range []string{"sleeper-kill", "sleeper-keep"} {
			checkReconciled(t, s.update(t, task, mesos.TASK_RUNNING))
		}
	})

	t.Run("kill", func(t *testing.T) {
		s.mustCall(t, calls.Kill("sleeper-kill", agentID))
		s.update(t, "sleeper-kill", mesos.TASK_KILLING)
		s.update(t, "sleeper-kill", mesos.TASK_KILLED)
		waitFor(t, eventWait, "/master/state to show sleeper-kill TASK_KILLED", func() bool {
			fw, _ := c.mustState(t).framework(s.id())
			return fw.taskStates()["sleeper-kill"] == "TASK_KILLED"
		})
	})

	t.Run("reserve, create volume, launch on it", func(t *testing.T) {
		volumeID := "volume-" + codecName
		o := s.offer(t)
		reservation := mesos.Resource_ReservationInfo{
			Type:      mesos.Resource_ReservationInfo_DYNAMIC.Enum(),
			Role:      proto.String(libRole),
			Principal: proto.String(libPrincipal),
		}
		reserved := []mesos.Resource{
			scalar(o, "cpus", 0.1, reservation), scalar(o, "mem", 32, reservation), scalar(o, "disk", 64, reservation),
		}
		volume := scalar(o, "disk", 64, reservation)
		volume.Disk = &mesos.Resource_DiskInfo{
			Persistence: &mesos.Resource_DiskInfo_Persistence{ID: volumeID, Principal: proto.String(libPrincipal)},
			Volume:      &mesos.Volume{ContainerPath: "data", Mode: mesos.RW.Enum()},
		}
		writer := mesos.TaskInfo{
			Name:      "writer",
			TaskID:    mesos.TaskID{Value: "writer"},
			AgentID:   o.AgentID,
			Resources: []mesos.Resource{reserved[0], reserved[1], volume},
			Command:   &mesos.CommandInfo{Value: proto.String("echo kept > data/proof")},
		}
		s.mustCall(t, calls.Accept(calls.OfferOperations{
			calls.OpReserve(reserved...), calls.OpCreate(volume), calls.OpLaunch(writer),
		}.WithOffers(o.ID)).With(calls.RefuseSeconds(time.Second)))
		s.update(t, "writer", mesos.TASK_FINISHED)

		// What the task wrote is in the volume, which outlives it.
		proof := filepath.Join(c.agentDir, "volumes", "roles", libRole, volumeID, "proof")
		if b, err := os.ReadFile(proof); err != nil || string(b) != "kept\n" {
			t.Errorf("the persistent volume does not hold what the task wrote: %q, %v", b, err)
		}
		// And the volume comes back in the next offer, reserved to the role.
		next := s.offer(t)
		found := false
		for _, r := range next.Resources {
			if r.GetDisk().GetPersistence().GetID() == volumeID {
				found = true
				if n := len(r.Reservations); n == 0 || r.Reservations[n-1].GetRole() != libRole {
					t.Errorf("offered volume has reservations %+v, want role %s", r.Reservations, libRole)
				}
			}
		}
		if !found {
			t.Errorf("the volume %s is not offered again: %v", volumeID, mesos.Resources(next.Resources))
		}
		s.mustCall(t, calls.Decline(next.ID).With(calls.RefuseSeconds(time.Second)))
	})

	t.Run("failover", func(t *testing.T) {
		id := s.id()
		s.disconnect() // the scheduler process goes away
		s = nil
		waitFor(t, eventWait, "the master to mark the framework inactive", func() bool {
			fw, ok := c.mustState(t).framework(id)
			return ok && !fw.Active
		})
		if got := mustFramework(t, c, id).taskStates()["sleeper-keep"]; got != "TASK_RUNNING" {
			t.Fatalf("while the scheduler is away sleeper-keep is %q, want TASK_RUNNING", got)
		}

		// A new scheduler process subscribes with the same framework id
		// within the failover timeout.
		again := proto.Clone(info).(*mesos.FrameworkInfo)
		again.ID = &mesos.FrameworkID{Value: id}
		s = subscribeLib(t, url, codec, again)
		if s.id() != id {
			t.Fatalf("re-subscribed as %s, want %s", s.id(), id)
		}
		s.mustCall(t, calls.Reconcile(calls.ReconcileTasks(map[string]string{"sleeper-keep": agentID})))
		checkReconciled(t, s.update(t, "sleeper-keep", mesos.TASK_RUNNING))
		fw := mustFramework(t, c, id)
		if !fw.Active || fw.taskStates()["sleeper-keep"] != "TASK_RUNNING" {
			t.Errorf("after failover /master/state has active=%v, tasks %v", fw.Active, fw.taskStates())
		}
	})

	t.Run("teardown", func(t *testing.T) {
		id := s.id()
		s.mustCall(t, &scheduler.Call{Type: scheduler.Call_TEARDOWN})
		waitFor(t, eventWait, "the framework to be completed with sleeper-keep killed", func() bool {
			for _, f := range c.mustState(t).Completed {
				if f.ID == id {
					return f.taskStates()["sleeper-keep"] == "TASK_KILLED"
				}
			}
			return false
		})
		waitFor(t, eventWait, "the agent to shut the framework's executors down", func() bool {
			n, err := c.agentFrameworks()
			return err == nil && n == 0
		})
	})
}

// sleeperTask is a command task that runs until it is killed.
func sleeperTask(o mesos.Offer, id string) mesos.TaskInfo {
	return mesos.TaskInfo{
		Name:      id,
		TaskID:    mesos.TaskID{Value: id},
		AgentID:   o.AgentID,
		Resources: []mesos.Resource{scalar(o, "cpus", 0.1), scalar(o, "mem", 32)},
		Command:   &mesos.CommandInfo{Value: proto.String("sleep 600")},
	}
}

// scalar is an amount of a resource out of offer o, allocated to the role
// o was made for (a MULTI_ROLE framework must say), optionally reserved.
func scalar(o mesos.Offer, name string, amount float64, reservations ...mesos.Resource_ReservationInfo) mesos.Resource {
	var allocation *mesos.Resource_AllocationInfo
	for _, r := range o.Resources {
		if r.AllocationInfo != nil {
			allocation = proto.Clone(r.AllocationInfo).(*mesos.Resource_AllocationInfo)
			break
		}
	}
	return mesos.Resource{
		Name:           name,
		Type:           mesos.SCALAR.Enum(),
		Scalar:         &mesos.Value_Scalar{Value: amount},
		AllocationInfo: allocation,
		Reservations:   reservations,
	}
}

// checkReconciled asserts that a status is a reconciliation answer: reason
// REASON_RECONCILIATION, no uuid (nothing to acknowledge).
func checkReconciled(t *testing.T, st mesos.TaskStatus) {
	t.Helper()
	if st.GetReason() != mesos.REASON_RECONCILIATION {
		t.Errorf("%s %s: reason %s, want REASON_RECONCILIATION", st.TaskID.Value, st.GetState(), st.GetReason())
	}
	if len(st.GetUUID()) != 0 {
		t.Errorf("%s %s: a reconciliation update carries a uuid", st.TaskID.Value, st.GetState())
	}
}

// mustFramework is the framework's entry in /master/state.
func mustFramework(t *testing.T, c *cluster, id string) stateFramework {
	t.Helper()
	fw, ok := c.mustState(t).framework(id)
	if !ok {
		t.Fatalf("framework %s is not in /master/state", id)
	}
	return fw
}
