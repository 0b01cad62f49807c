package agent

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proctest"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Tests of what a restarted agent does when things went wrong while it
// was down (Mesos 1.x's Slave::recover and friends).

// executorPIDs are the processes below work that run the agent binary
// (the command and default executors).
func executorPIDs(work string) []int {
	var out []int
	for _, pid := range proctest.Under(work) {
		exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if exe == binaries.agent {
			out = append(out, pid)
		}
	}
	return out
}

// frameworkCount is how many frameworks the agent holds.
func (ta *testAgent) frameworkCount(t *testing.T) int {
	n := -1
	_ = ta.call(t.Context(), func() { n = len(ta.frameworks) })
	return n
}

// TestRestartExecutorDiedWhileDown: the executor and its task die while
// the agent is down; the restarted agent finds the container gone and
// fails the task with REASON_EXECUTOR_TERMINATED (Mesos's
// sendExecutorTerminatedStatusUpdate), then frees the executor.
func TestRestartExecutorDiedWhileDown(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("died", true))
	o := s.offer()
	s.launch(o, commandTask("victim", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("victim", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	killProcessesUnder(work)
	b := startAgent(t, cfg)
	st := s.finalUpdate("victim")
	if st.GetState() != mesospb.TaskState_TASK_FAILED || st.GetReason() != mesospb.TaskStatus_REASON_EXECUTOR_TERMINATED ||
		st.GetSource() != mesospb.TaskStatus_SOURCE_AGENT {
		t.Errorf("after restart: %s %s %s %q", st.GetState(), st.GetSource(), st.GetReason(), st.GetMessage())
	}
	s.noMoreUpdates("victim", 3*time.Second)
	eventually(t, "executor freed", func() bool { return b.frameworkCount(t) == 0 })
	b.stop(t)
	checkNoProcesses(t, work)
}

// TestRestartExecutorDoesNotReregister: an executor that does not
// subscribe again within --executor_reregistration_timeout is killed and
// its task failed with REASON_EXECUTOR_REREGISTRATION_TIMEOUT.
func TestRestartExecutorDoesNotReregister(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("frozen", true))
	o := s.offer()
	s.launch(o, commandTask("frozen", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("frozen", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	pids := executorPIDs(work)
	if len(pids) != 1 {
		t.Fatalf("executor processes: %v", pids)
	}
	// A stopped executor cannot subscribe again.
	if err := syscall.Kill(pids[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	cfg.ExecutorReregistrationTimeout = time.Second
	b := startAgent(t, cfg)
	// RUNNING may come again first (its acknowledgement may have crossed
	// the agent's stop).
	updates := s.taskUpdates("frozen")
	st := updates[len(updates)-1]
	if st.GetState() != mesospb.TaskState_TASK_FAILED || st.GetReason() != mesospb.TaskStatus_REASON_EXECUTOR_REREGISTRATION_TIMEOUT {
		t.Errorf("after the timeout: %s %s %q", st.GetState(), st.GetReason(), st.GetMessage())
	}
	b.waitRegistered(t)
	eventually(t, "executor freed", func() bool { return b.frameworkCount(t) == 0 })
	checkNoProcesses(t, work)
	b.stop(t)
}

// TestRestartFrameworkRemovedWhileDown: a framework torn down while its
// agent was down has its executors shut down once the agent is back (the
// master tells the re-registering agent to shut the framework down).
func TestRestartFrameworkRemovedWhileDown(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("gone", true))
	o := s.offer()
	s.launch(o, commandTask("orphan", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("orphan", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	s.teardown()
	b := startAgent(t, cfg)
	b.waitRegistered(t)
	eventually(t, "framework shut down", func() bool { return b.frameworkCount(t) == 0 })
	checkNoProcesses(t, work)
	b.stop(t)
}

// corruptFile overwrites a checkpoint with bytes no protobuf decodes.
func corruptFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte{0xff, 0xff, 0xff, 0xff}, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRestartStrictCorruptCheckpoint: with --strict a corrupt checkpoint
// stops the agent with an error naming it; with --no-strict the agent
// starts, skips the framework it cannot read (its executor, now unknown,
// is killed), and the master hears the task is lost.
func TestRestartStrictCorruptCheckpoint(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.Strict = true
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("corrupt", true))
	o := s.offer()
	s.launch(o, commandTask("corrupt", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("corrupt", mesospb.TaskState_TASK_RUNNING)
	agentDir, err := a.layout.Meta().Agent(a.agentIDForFetch())
	if err != nil {
		t.Fatal(err)
	}
	fwDir, err := agentDir.Framework(s.id)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Port = a.port
	a.stop(t)
	corruptFile(t, fwDir.InfoPath())

	b := startAgent(t, cfg)
	err = b.wait(t)
	if err == nil || !strings.Contains(err.Error(), fwDir.InfoPath()) {
		t.Errorf("strict recovery of a corrupt framework.info: %v", err)
	}
	if len(executorPIDs(work)) != 1 {
		t.Errorf("a failed strict recovery must leave the executor alone")
	}

	cfg.Strict = false
	c := startAgent(t, cfg)
	c.waitRegistered(t)
	st := s.finalUpdate("corrupt")
	if st.GetState() != mesospb.TaskState_TASK_LOST {
		t.Errorf("non-strict recovery: %s %s %q", st.GetState(), st.GetReason(), st.GetMessage())
	}
	checkNoProcesses(t, work)
	c.stop(t)
}

// TestRestartTruncatedUpdateLog: a task's update log whose last record
// was cut short (the agent died while appending) recovers in --strict
// mode, as in Mesos: the partial record is dropped and the task goes on.
func TestRestartTruncatedUpdateLog(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.Strict = true
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("truncated", true))
	o := s.offer()
	s.launch(o, commandTask("cut", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("cut", mesospb.TaskState_TASK_RUNNING)
	var path string
	_ = a.call(t.Context(), func() {
		for _, fw := range a.frameworks {
			if e := fw.executorOfTask("cut"); e != nil {
				path, _ = a.taskUpdatesPath(e, "cut")
			}
		}
	})
	// The last record is the acknowledgement of RUNNING: wait for it.
	var size int64
	eventually(t, "acknowledgement checkpointed", func() bool {
		_ = a.call(t.Context(), func() {})
		st, err := os.Stat(path)
		if err != nil {
			return false
		}
		size = st.Size()
		var acked bool
		_ = a.call(t.Context(), func() { acked = a.updates.Latest(s.id, "cut") == nil })
		return acked
	})
	cfg.Port = a.port
	a.stop(t)
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	if err := os.Truncate(path, size-3); err != nil {
		t.Fatal(err)
	}
	b := startAgent(t, cfg)
	b.waitRegistered(t)
	eventually(t, "executor subscribed again", func() bool { return b.executorRunningWith(t, "cut") })
	// The lost acknowledgement makes the agent send RUNNING again (at
	// least once); then the task is killed through the new agent.
	s.send(killCall("cut", o.GetAgentId()))
	st := s.waitState("cut", mesospb.TaskState_TASK_KILLED)
	if st.GetSource() != mesospb.TaskStatus_SOURCE_EXECUTOR {
		t.Errorf("kill from %s", st.GetSource())
	}
	b.stop(t)
	checkNoProcesses(t, work)
}

// TestRestartTerminalUnacknowledgedExecutorGone: the task finished and its
// executor exited before the agent restarted, but the scheduler had not
// acknowledged TASK_FINISHED. The restarted agent resends that update
// (same uuid) and reports nothing else for the task: the executor's end
// fails only tasks that were not already terminal.
func TestRestartTerminalUnacknowledgedExecutorGone(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("unacked-final", true))
	o := s.offer()
	s.launch(o, commandTask("quick", "sleep 1", "cpus:0.1;mem:32"))
	s.waitState("quick", mesospb.TaskState_TASK_RUNNING)
	final := s.updateNoAck("quick")
	for final.GetState() == mesospb.TaskState_TASK_RUNNING {
		s.ack(final) // a resend
		final = s.updateNoAck("quick")
	}
	if final.GetState() != mesospb.TaskState_TASK_FINISHED {
		t.Fatalf("final update %s %q", final.GetState(), final.GetMessage())
	}
	eventually(t, "executor exited", func() bool { return len(proctest.Under(work)) == 0 })
	cfg.Port = a.port
	a.stop(t)
	b := startAgent(t, cfg)
	again := s.updateNoAck("quick")
	if again.GetState() != mesospb.TaskState_TASK_FINISHED || string(again.GetUuid()) != string(final.GetUuid()) {
		t.Fatalf("after the restart: %s %s %q (uuid %x, want %x)", again.GetState(), again.GetReason(), again.GetMessage(), again.GetUuid(), final.GetUuid())
	}
	s.ack(again)
	s.noMoreUpdates("quick", 3*time.Second)
	eventually(t, "executor removed", func() bool { return b.frameworkCount(t) == 0 })
	b.stop(t)
}

// TestRestartRecoveryTimeout: executors give up on an agent that stays
// away longer than --recovery_timeout (MESOS_RECOVERY_TIMEOUT): they
// exit, and the agent, back later, fails their tasks.
func TestRestartRecoveryTimeout(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.RecoveryTimeout = 2 * time.Second
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("gave-up", true))
	o := s.offer()
	s.launch(o, commandTask("abandoned", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("abandoned", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	deadline := time.Now().Add(20 * time.Second)
	for len(proctest.Under(work)) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if left := proctest.Under(work); len(left) > 0 {
		t.Errorf("executor and task still run %s after the agent left (recovery timeout 2s): %v", 20*time.Second, left)
		killProcessesUnder(work)
	}
	b := startAgent(t, cfg)
	st := s.finalUpdate("abandoned")
	if !isTerminal(st.GetState()) || st.GetState() == mesospb.TaskState_TASK_FINISHED {
		t.Errorf("after the restart: %s %s %q", st.GetState(), st.GetReason(), st.GetMessage())
	}
	eventually(t, "executor removed", func() bool { return b.frameworkCount(t) == 0 })
	b.stop(t)
}

// TestCleanupWithoutStateExits: --recover=cleanup on an agent with nothing
// checkpointed (a fresh work directory) has nothing to kill and exits, as
// Mesos's agent does (state TERMINATING with no frameworks), instead of
// registering and running as a new agent.
func TestCleanupWithoutStateExits(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	cfg.Recover = RecoverCleanup
	a := startAgent(t, cfg)
	exited := make(chan error, 1)
	go func() { exited <- a.wait(t) }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("cleanup agent: %v", err)
		}
	case <-time.After(10 * time.Second):
		var state agentState
		_ = a.call(t.Context(), func() { state = a.state })
		t.Fatalf("a --recover=cleanup agent with nothing to clean up still runs (state %v)", state)
	}
}

// TestCleanupAgentTakesNoNewTasks: an agent in --recover=cleanup is on its
// way out (Mesos's never even registers): a task a framework launches on
// it while it waits for acknowledgements must not start.
func TestCleanupAgentTakesNoNewTasks(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("cleanup-launch", true))
	o := s.offer()
	s.launchRefusing(o, 0, commandTask("doomed", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("doomed", mesospb.TaskState_TASK_RUNNING)
	cfg.Port = a.port
	a.stop(t)
	cfg.Recover = RecoverCleanup
	b := startAgent(t, cfg)
	failed := s.updateNoAck("doomed")
	for !isTerminal(failed.GetState()) {
		// A resend whose acknowledgement crossed the agent's stop.
		s.ack(failed)
		failed = s.updateNoAck("doomed")
	}
	if failed.GetState() != mesospb.TaskState_TASK_FAILED {
		t.Fatalf("cleanup: %s", failed.GetState())
	}
	o = s.offer()
	s.launch(o, commandTask("newcomer", "sleep 60", "cpus:0.1;mem:32"))
	time.Sleep(time.Second)
	if b.executorRunningWith(t, "newcomer") || len(proctest.Under(work)) > 0 {
		t.Errorf("the cleanup agent started a new task")
	}
	s.ack(failed)
	exited := make(chan error, 1)
	go func() { exited <- b.wait(t) }()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		t.Errorf("the cleanup agent did not exit once its updates were acknowledged")
		b.stop(t)
	}
	// The agent unregistered: the master ends the task it never ran.
	if st := s.update("newcomer"); !isTerminal(st.GetState()) {
		t.Errorf("newcomer: %s %s %q", st.GetState(), st.GetReason(), st.GetMessage())
	}
	checkNoProcesses(t, work)
}
