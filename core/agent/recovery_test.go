package agent

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestRestartReconnect restarts the agent while a task of a checkpointing
// framework runs: the new agent keeps the agent id, its executor
// reconnects, and the task's updates (TASK_FINISHED, sent while the agent
// was down) all reach the scheduler.
func TestRestartReconnect(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("restart", true))
	o := s.offer()
	s.launch(o, commandTask("survivor", "sleep 2; echo done", "cpus:0.1;mem:32"))
	s.waitState("survivor", mesospb.TaskState_TASK_RUNNING)
	id, port := a.agentIDForFetch(), a.port
	a.stop(t)

	// The task finishes while no agent runs.
	time.Sleep(2500 * time.Millisecond)
	cfg.Port = port
	b := startAgent(t, cfg)
	st := s.waitState("survivor", mesospb.TaskState_TASK_FINISHED)
	if st.GetMessage() != "Command exited with status 0" {
		t.Errorf("final update %q", st.GetMessage())
	}
	eventually(t, "re-registration", func() bool {
		var registered bool
		_ = b.call(t.Context(), func() { registered = b.state == stateRunning })
		return registered
	})
	if b.agentIDForFetch() != id {
		t.Errorf("agent id %s after restart, want %s", b.agentIDForFetch(), id)
	}
	b.stop(t)
	checkNoProcesses(t, work)
}

// TestRestartRunningTask restarts the agent twice while a task runs and
// then kills it through the new agent.
func TestRestartRunningTask(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("restart2", true))
	o := s.offer()
	s.launch(o, commandTask("long", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("long", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	b := startAgent(t, cfg)
	b.waitExecutorBack(t, "long")
	b.stop(t)
	c := startAgent(t, cfg)
	c.waitRegistered(t)
	s.send(killCall("long", o.GetAgentId()))
	s.waitState("long", mesospb.TaskState_TASK_KILLED)
	c.stop(t)
	checkNoProcesses(t, work)
}

// TestRestartCleanup: with --recover=cleanup a restarted agent kills what
// runs, reports it to the master, and exits; the next agent starts anew.
func TestRestartCleanup(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("cleanup", true))
	o := s.offer()
	s.launch(o, commandTask("doomed", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("doomed", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)

	cfg.Recover = RecoverCleanup
	b := startAgent(t, cfg)
	st := s.waitState("doomed", mesospb.TaskState_TASK_FAILED)
	if st.GetReason() != mesospb.TaskStatus_REASON_EXECUTOR_TERMINATED {
		t.Errorf("cleanup update: %s %q", st.GetReason(), st.GetMessage())
	}
	if err := b.wait(t); err != nil {
		t.Errorf("cleanup agent: %v", err)
	}
	if _, err := os.Lstat(b.layout.Meta().LatestAgent()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the meta latest symlink is still there: %v", err)
	}
	checkNoProcesses(t, work)
}

// TestNoCheckpointNoRecovery: tasks of a framework that does not
// checkpoint die with the agent, and the master hears they are lost.
func TestNoCheckpointNoRecovery(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("fragile", false))
	o := s.offer()
	s.launch(o, commandTask("fragile", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("fragile", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	checkNoProcesses(t, work)
	startAgent(t, cfg)
	st := s.update("fragile")
	if st.GetState() != mesospb.TaskState_TASK_LOST {
		t.Errorf("after restart: %s %q", st.GetState(), st.GetMessage())
	}
}

// TestStatusUpdateRetry: an update the scheduler does not acknowledge is
// sent again until it is.
func TestStatusUpdateRetry(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	a := startAgent(t, agentConfig(t, m.addr, work))
	s := subscribeScheduler(t, m.addr, frameworkInfo("retry", false))
	o := s.offer()
	s.launch(o, commandTask("retry", "sleep 30", "cpus:0.1;mem:32"))
	first := s.updateNoAck("retry")
	again := s.updateNoAck("retry")
	if string(again.GetUuid()) != string(first.GetUuid()) || again.GetState() != first.GetState() {
		t.Fatalf("expected the same update again, got %s after %s", again.GetState(), first.GetState())
	}
	s.ack(again)
	s.waitState("retry", mesospb.TaskState_TASK_RUNNING)
	s.send(killCall("retry", o.GetAgentId()))
	s.waitState("retry", mesospb.TaskState_TASK_KILLED)
	a.stop(t)
	checkNoProcesses(t, work)
}
