package agent

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestMasterRestart: the agent keeps retrying while its master is away
// and re-registers with the new one, with its id and its running task,
// whose last update reaches the resubscribed scheduler.
func TestMasterRestart(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("failover", false))
	o := s.offer()
	s.launch(o, commandTask("steady", "sleep 3", "cpus:0.1;mem:32"))
	s.waitState("steady", mesospb.TaskState_TASK_RUNNING)
	id := a.agentIDForFetch()
	m.stop()
	eventually(t, "the agent to notice", func() bool {
		var disconnected bool
		_ = a.call(t.Context(), func() { disconnected = a.state == stateDisconnected })
		return disconnected
	})
	time.Sleep(500 * time.Millisecond)
	m2 := startMasterAt(t, m.addr)
	info := frameworkInfo("failover", false)
	info.Id = &mesospb.FrameworkID{Value: proto.String(s.id)}
	a.waitRegistered(t)
	if a.agentIDForFetch() != id {
		t.Errorf("agent id changed from %s to %s", id, a.agentIDForFetch())
	}
	s2 := subscribeScheduler(t, m2.addr, info)
	st := s2.waitState("steady", mesospb.TaskState_TASK_FINISHED)
	if st.GetAgentId().GetValue() != id {
		t.Errorf("update from agent %s", st.GetAgentId().GetValue())
	}
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestExecutorRegistrationTimeout: an executor that never subscribes is
// destroyed after --executor_registration_timeout and its task fails.
func TestExecutorRegistrationTimeout(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.ExecutorRegistrationTimeout = 500 * time.Millisecond
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("mute", false))
	o := s.offer()
	s.launch(o, &mesospb.TaskInfo{
		Name:      proto.String("mute"),
		TaskId:    &mesospb.TaskID{Value: proto.String("mute")},
		Resources: mustResources("cpus:0.1;mem:32"),
		Executor: &mesospb.ExecutorInfo{
			ExecutorId: &mesospb.ExecutorID{Value: proto.String("mute")},
			Command:    &mesospb.CommandInfo{Value: proto.String("sleep 30")},
			Resources:  mustResources("cpus:0.1;mem:32"),
		},
	})
	st := s.waitState("mute", mesospb.TaskState_TASK_FAILED)
	if st.GetReason() != mesospb.TaskStatus_REASON_EXECUTOR_REGISTRATION_TIMEOUT || st.GetMessage() != "Executor did not register within 500ms" {
		t.Errorf("update %s %q", st.GetReason(), st.GetMessage())
	}
	s.next("executor FAILURE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_FAILURE })
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestHealthChecks: a healthy command check is reported; a failing HTTP
// check kills the task after its consecutive failures.
func TestHealthChecks(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("health", false))
	o := s.offer()
	healthy := commandTask("healthy", "sleep 30", "cpus:0.1;mem:32")
	healthy.HealthCheck = &mesospb.HealthCheck{
		Type:            mesospb.HealthCheck_COMMAND.Enum(),
		Command:         &mesospb.CommandInfo{Value: proto.String("test -d $MESOS_SANDBOX")},
		DelaySeconds:    proto.Float64(0),
		IntervalSeconds: proto.Float64(0.2),
	}
	healthy.Check = &mesospb.CheckInfo{
		Type:            mesospb.CheckInfo_TCP.Enum(),
		Tcp:             &mesospb.CheckInfo_Tcp{Port: proto.Uint32(1)},
		DelaySeconds:    proto.Float64(0),
		IntervalSeconds: proto.Float64(0.2),
	}
	sick := commandTask("sick", "sleep 30", "cpus:0.1;mem:32")
	sick.HealthCheck = &mesospb.HealthCheck{
		Type:                mesospb.HealthCheck_HTTP.Enum(),
		Http:                &mesospb.HealthCheck_HTTPCheckInfo{Port: proto.Uint32(1), Path: proto.String("/health")},
		DelaySeconds:        proto.Float64(0),
		IntervalSeconds:     proto.Float64(0.1),
		TimeoutSeconds:      proto.Float64(1),
		GracePeriodSeconds:  proto.Float64(0),
		ConsecutiveFailures: proto.Uint32(2),
	}
	sick.KillPolicy = &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(0)}}
	s.launch(o, healthy, sick)

	sawHealthy, sawCheck := false, false
	for !sawHealthy || !sawCheck {
		st := s.update("healthy")
		if st.GetHealthy() && st.GetReason() == mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED {
			sawHealthy = true
		}
		if st.GetReason() == mesospb.TaskStatus_REASON_TASK_CHECK_STATUS_UPDATED && st.GetCheckStatus().GetTcp().Succeeded != nil {
			if st.GetCheckStatus().GetTcp().GetSucceeded() {
				t.Errorf("TCP check of a closed port succeeded")
			}
			sawCheck = true
		}
		if isTerminal(st.GetState()) {
			t.Fatalf("healthy task ended: %s %q", st.GetState(), st.GetMessage())
		}
	}
	st := s.waitState("sick", mesospb.TaskState_TASK_KILLED)
	if st.Healthy == nil || st.GetHealthy() {
		t.Errorf("killed unhealthy task: healthy %v", st.Healthy)
	}
	s.send(killCall("healthy", o.GetAgentId()))
	s.waitState("healthy", mesospb.TaskState_TASK_KILLED)
	a.stop(t)
	checkNoProcesses(t, work)
}

// TestMarkedGone: an agent the operator marks gone is shut down by the
// master: its tasks are killed and Run returns; a restart registers anew.
func TestMarkedGone(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("gone", true))
	o := s.offer()
	s.launch(o, commandTask("victim", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("victim", mesospb.TaskState_TASK_RUNNING)
	id := a.agentIDForFetch()
	resp := postProto(t, "http://"+m.addr+"/api/v1", &masterpb.Call{
		Type:          masterpb.Call_MARK_AGENT_GONE.Enum(),
		MarkAgentGone: &masterpb.Call_MarkAgentGone{AgentId: &mesospb.AgentID{Value: proto.String(id)}},
	}, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		t.Fatalf("MARK_AGENT_GONE: %s", resp.Status)
	}
	if err := a.wait(t); !errors.Is(err, errShutdown) {
		t.Errorf("Run returned %v", err)
	}
	checkNoProcesses(t, work)
	cfg.Port = a.port
	b := startAgent(t, cfg)
	eventually(t, "registration as a new agent", func() bool {
		var newID string
		_ = b.call(t.Context(), func() {
			if b.state == stateRunning {
				newID = b.agentID()
			}
		})
		return newID != "" && newID != id
	})
	b.stop(t)
}
