package agent

import (
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// Tests of the status update guarantees across an agent restart that
// Mesos 1.x frameworks rely on: every update reaches the scheduler at
// least once, a resend carries the same uuid (never a new update for the
// same transition), and a task's updates come in order.

// taskUpdates acknowledges and collects every update of taskID until a
// terminal one.
func (s *testScheduler) taskUpdates(taskID string) []*mesospb.TaskStatus {
	s.t.Helper()
	var out []*mesospb.TaskStatus
	for {
		st := s.update(taskID)
		out = append(out, st)
		if isTerminal(st.GetState()) {
			return out
		}
	}
}

// finalUpdate acknowledges the task's updates until a terminal one and
// returns it: resends of earlier updates (whose acknowledgement crossed an
// agent restart) may come first, but no other terminal update.
func (s *testScheduler) finalUpdate(taskID string) *mesospb.TaskStatus {
	s.t.Helper()
	updates := s.taskUpdates(taskID)
	return updates[len(updates)-1]
}

// distinctStates reduces updates to the states of their distinct uuids, in
// the order first seen: resends of an update (at-least-once delivery)
// count once. It fails if one uuid comes with two states.
func distinctStates(t *testing.T, updates []*mesospb.TaskStatus) []mesospb.TaskState {
	t.Helper()
	seen := map[string]mesospb.TaskState{}
	var out []mesospb.TaskState
	for _, u := range updates {
		key := string(u.GetUuid())
		if st, ok := seen[key]; ok {
			if st != u.GetState() {
				t.Errorf("uuid %x came as %s and %s", u.GetUuid(), st, u.GetState())
			}
			continue
		}
		seen[key] = u.GetState()
		out = append(out, u.GetState())
	}
	return out
}

func sameStates(got []mesospb.TaskState, want ...mesospb.TaskState) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// noMoreUpdates fails if an update of taskID arrives within d.
func (s *testScheduler) noMoreUpdates(taskID string, d time.Duration) {
	s.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return
			}
			if ev.GetType() == schedulerpb.Event_UPDATE && ev.GetUpdate().GetStatus().GetTaskId().GetValue() == taskID {
				st := ev.GetUpdate().GetStatus()
				s.t.Errorf("unexpected update of %s: %s %s %q (uuid %x)", taskID, st.GetState(), st.GetReason(), st.GetMessage(), st.GetUuid())
			}
		case <-deadline:
			return
		}
	}
}

// executorRunningWith reports whether the agent has a running (subscribed)
// executor with taskID launched.
func (ta *testAgent) executorRunningWith(t *testing.T, taskID string) bool {
	var ok bool
	_ = ta.call(t.Context(), func() {
		for _, fw := range ta.frameworks {
			for _, e := range fw.executors {
				if e.state == executorRunning && e.launched[taskID] != nil {
					ok = true
				}
			}
		}
	})
	return ok
}

// TestRestartCommandTaskFinishesAfterRestart: a checkpointing framework's
// command task runs across an agent crash; its executor subscribes again
// to the new agent and the task's TASK_FINISHED, sent after the restart,
// reaches the scheduler. The scheduler sees RUNNING then FINISHED, each
// once (resends keep their uuid).
func TestRestartCommandTaskFinishesAfterRestart(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("after-restart", true))
	o := s.offer()
	s.launch(o, commandTask("late", "sleep 4", "cpus:0.1;mem:32"))
	var updates []*mesospb.TaskStatus
	for {
		st := s.update("late")
		updates = append(updates, st)
		if st.GetState() == mesospb.TaskState_TASK_RUNNING {
			break
		}
	}
	b := restartAgent(t, a, cfg)
	eventually(t, "executor subscribed again", func() bool { return b.executorRunningWith(t, "late") })
	updates = append(updates, s.taskUpdates("late")...)
	got := distinctStates(t, updates)
	if !sameStates(got, mesospb.TaskState_TASK_STARTING, mesospb.TaskState_TASK_RUNNING, mesospb.TaskState_TASK_FINISHED) &&
		!sameStates(got, mesospb.TaskState_TASK_RUNNING, mesospb.TaskState_TASK_FINISHED) {
		t.Errorf("updates %v", got)
	}
	s.noMoreUpdates("late", 3*time.Second)
	eventually(t, "executor removed", func() bool {
		var n int
		_ = b.call(t.Context(), func() { n = len(b.frameworks) })
		return n == 0
	})
	b.stop(t)
	checkNoProcesses(t, work)
}

// TestRestartTaskGroup: a task group under the default executor survives
// an agent restart; both tasks finish after it and each is reported once.
func TestRestartTaskGroup(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("group-restart", true))
	o := s.offer()
	exec := defaultExecutor(s.id)
	t1 := commandTask("g1", "sleep 4", "cpus:0.1;mem:32")
	t2 := commandTask("g2", "sleep 5", "cpus:0.1;mem:32")
	for _, ti := range []*mesospb.TaskInfo{t1, t2} {
		ti.AgentId = o.GetAgentId()
	}
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()}, Operations: []*mesospb.Offer_Operation{launchGroupOp(exec, t1, t2)},
	}})
	// Updates of both tasks interleave: collect per task.
	byTask := map[string][]*mesospb.TaskStatus{}
	running := map[string]bool{}
	for len(running) < 2 {
		ev := s.next("UPDATE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_UPDATE })
		st := ev.GetUpdate().GetStatus()
		s.ack(st)
		id := st.GetTaskId().GetValue()
		byTask[id] = append(byTask[id], st)
		if st.GetState() == mesospb.TaskState_TASK_RUNNING {
			running[id] = true
		}
		if isTerminal(st.GetState()) {
			t.Fatalf("task %s ended before the restart: %s %q", id, st.GetState(), st.GetMessage())
		}
	}
	b := restartAgent(t, a, cfg)
	eventually(t, "default executor subscribed again", func() bool { return b.executorRunningWith(t, "g1") })
	done := map[string]bool{}
	for len(done) < 2 {
		ev := s.next("UPDATE", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_UPDATE })
		st := ev.GetUpdate().GetStatus()
		s.ack(st)
		id := st.GetTaskId().GetValue()
		byTask[id] = append(byTask[id], st)
		if isTerminal(st.GetState()) {
			done[id] = true
		}
	}
	for _, id := range []string{"g1", "g2"} {
		got := distinctStates(t, byTask[id])
		if !sameStates(got, mesospb.TaskState_TASK_STARTING, mesospb.TaskState_TASK_RUNNING, mesospb.TaskState_TASK_FINISHED) &&
			!sameStates(got, mesospb.TaskState_TASK_RUNNING, mesospb.TaskState_TASK_FINISHED) {
			t.Errorf("%s: updates %v", id, got)
		}
	}
	b.stop(t)
	// The test's scheduler stays; the executor keeps running: nothing is
	// left since both tasks finished and the executor exits with them.
	checkNoProcesses(t, work)
}

// TestRestartCustomExecutor: a framework's own executor subscribes again
// after an agent restart, and the new agent can kill its task through it.
func TestRestartCustomExecutor(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("custom-restart", true))
	o := s.offer()
	s.launch(o, customExecutorTask("own", "own-exec", ""))
	s.waitState("own", mesospb.TaskState_TASK_RUNNING)
	b := restartAgent(t, a, cfg)
	eventually(t, "custom executor subscribed again", func() bool { return b.executorRunningWith(t, "own") })
	s.send(killCall("own", o.GetAgentId()))
	st := s.waitState("own", mesospb.TaskState_TASK_KILLED)
	if st.GetSource() != mesospb.TaskStatus_SOURCE_EXECUTOR {
		t.Errorf("kill reported by %s, want the executor", st.GetSource())
	}
	s.noMoreUpdates("own", 2*time.Second)
	b.stop(t)
	checkNoProcesses(t, work)
}

// TestRestartResendsUnacknowledged: an update the agent checkpointed but
// the scheduler never acknowledged is sent again by the restarted agent,
// with the same uuid; once acknowledged it is not resent, and the task's
// next update (FINISHED) only comes after it.
func TestRestartResendsUnacknowledged(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	s := subscribeScheduler(t, m.addr, frameworkInfo("unacked", true))
	o := s.offer()
	s.launch(o, commandTask("pending", "sleep 6", "cpus:0.1;mem:32"))
	var first *mesospb.TaskStatus
	for {
		st := s.updateNoAck("pending")
		if st.GetState() == mesospb.TaskState_TASK_STARTING {
			s.ack(st)
			continue
		}
		first = st
		break
	}
	if first.GetState() != mesospb.TaskState_TASK_RUNNING {
		t.Fatalf("first update %s", first.GetState())
	}
	b := restartAgent(t, a, cfg)
	again := s.updateNoAck("pending")
	if again.GetState() != mesospb.TaskState_TASK_RUNNING || string(again.GetUuid()) != string(first.GetUuid()) {
		t.Fatalf("after the restart got %s (uuid %x), want the RUNNING update %x again", again.GetState(), again.GetUuid(), first.GetUuid())
	}
	s.ack(again)
	// The retry interval is 1-2s in tests: nothing more may come until
	// the task finishes (its FINISHED is due ~6s after the launch).
	next := s.update("pending")
	for next.GetState() == mesospb.TaskState_TASK_RUNNING && string(next.GetUuid()) == string(first.GetUuid()) {
		// One resend may have crossed the acknowledgement.
		next = s.update("pending")
	}
	if next.GetState() != mesospb.TaskState_TASK_FINISHED {
		t.Errorf("after RUNNING: %s %q", next.GetState(), next.GetMessage())
	}
	s.noMoreUpdates("pending", 3*time.Second)
	b.stop(t)
	checkNoProcesses(t, work)
}
