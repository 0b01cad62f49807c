package executors

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/proto/executorlitepb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// These tests hold the command executor to Mesos 1.x's
// src/launcher/executor.cpp and src/checks: which updates a health check,
// a check and a kill produce, and what they carry.

func commandTask(id, command string) *mesospb.TaskInfo {
	return &mesospb.TaskInfo{
		Name: proto.String(id), TaskId: &mesospb.TaskID{Value: proto.String(id)}, AgentId: &mesospb.AgentID{Value: proto.String("a")},
		Command: &mesospb.CommandInfo{Value: proto.String(command)},
	}
}

func launch(task *mesospb.TaskInfo) *executorpb.Event {
	return &executorpb.Event{Type: executorpb.Event_LAUNCH.Enum(), Launch: &executorpb.Event_Launch{Task: task}}
}

func killEvent(id string, grace time.Duration) *executorpb.Event {
	ev := &executorpb.Event{Type: executorpb.Event_KILL.Enum(), Kill: &executorpb.Event_Kill{TaskId: &mesospb.TaskID{Value: proto.String(id)}}}
	if grace >= 0 {
		ev.Kill.KillPolicy = &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(grace))}}
	}
	return ev
}

// untilTerminal collects updates up to and including the terminal one.
func untilTerminal(t *testing.T, f *fakeAgent) []*mesospb.TaskStatus {
	t.Helper()
	var all []*mesospb.TaskStatus
	for {
		st := f.next(t)
		all = append(all, st)
		switch st.GetState() {
		case mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_KILLED:
			return all
		}
	}
}

func quickHealthCheck(command string, consecutive uint32) *mesospb.HealthCheck {
	return &mesospb.HealthCheck{
		Type:         mesospb.HealthCheck_COMMAND.Enum(),
		Command:      &mesospb.CommandInfo{Value: proto.String(command)},
		DelaySeconds: proto.Float64(0), IntervalSeconds: proto.Float64(0.1), TimeoutSeconds: proto.Float64(5),
		GracePeriodSeconds: proto.Float64(0), ConsecutiveFailures: proto.Uint32(consecutive),
	}
}

// A task that ends with exit 0 on SIGTERM was still killed: Mesos's
// command executor reports TASK_KILLED (it tests `killed` before the exit
// status), as Marathon expects of a graceful stop.
func TestCommandExecutorKilledTaskThatExitsZeroIsKilled(t *testing.T) {
	f := newFakeAgent(t)
	runExecutor(t, f, execmode.Command)
	f.events <- launch(commandTask("t", "trap 'exit 0' TERM; while true; do sleep 0.05; done"))
	f.wantState(t, mesospb.TaskState_TASK_RUNNING)
	time.Sleep(300 * time.Millisecond) // let the shell set its trap
	f.events <- killEvent("t", 5*time.Second)
	f.wantState(t, mesospb.TaskState_TASK_KILLING)
	st := f.next(t)
	if st.GetState() != mesospb.TaskState_TASK_KILLED || st.GetMessage() != "Command exited with status 0" {
		t.Errorf("got %s %q, want TASK_KILLED \"Command exited with status 0\"", st.GetState(), st.GetMessage())
	}
}

// consecutive_failures failed health checks kill the task: TASK_RUNNING
// updates with healthy=false and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED,
// then TASK_KILLING (from scratch: no healthy) and TASK_KILLED with
// healthy=false and no reason (Mesos leaves a reason as a TODO).
func TestCommandExecutorHealthCheckFailuresKillTheTask(t *testing.T) {
	f := newFakeAgent(t)
	runExecutor(t, f, execmode.Command)
	task := commandTask("t", "sleep 30")
	task.HealthCheck = quickHealthCheck("exit 1", 2)
	f.events <- launch(task)
	all := untilTerminal(t, f)
	var states []string
	for _, st := range all {
		states = append(states, st.GetState().String())
	}
	want := "TASK_STARTING TASK_RUNNING TASK_RUNNING TASK_RUNNING TASK_KILLING TASK_KILLED"
	if strings.Join(states, " ") != want {
		t.Fatalf("updates %v, want %s", states, want)
	}
	if all[0].Healthy != nil || all[1].Healthy != nil {
		t.Errorf("STARTING/RUNNING carry healthy: %v %v", all[0].Healthy, all[1].Healthy)
	}
	for _, st := range all[2:4] {
		if st.Healthy == nil || st.GetHealthy() || st.GetReason() != mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED {
			t.Errorf("health update: healthy %v reason %s", st.Healthy, st.GetReason())
		}
	}
	if all[4].Healthy != nil {
		t.Errorf("TASK_KILLING carries healthy=%v; Mesos builds it from scratch", all[4].GetHealthy())
	}
	killed := all[5]
	if killed.Healthy == nil || killed.GetHealthy() || killed.Reason != nil || killed.GetMessage() != "Command terminated with signal Terminated" {
		t.Errorf("TASK_KILLED: healthy %v reason %v message %q", killed.Healthy, killed.Reason, killed.GetMessage())
	}
}

// A healthy task killed by its scheduler ends without `healthy`: only a
// kill by the health check says how the task ended.
func TestCommandExecutorHealthyTaskKilledHasNoHealth(t *testing.T) {
	f := newFakeAgent(t)
	runExecutor(t, f, execmode.Command)
	task := commandTask("t", "sleep 30")
	task.HealthCheck = quickHealthCheck("true", 3)
	f.events <- launch(task)
	f.wantState(t, mesospb.TaskState_TASK_RUNNING)
	st := f.wantState(t, mesospb.TaskState_TASK_RUNNING)
	if st.Healthy == nil || !st.GetHealthy() || st.GetReason() != mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED {
		t.Fatalf("first success: healthy %v reason %s", st.Healthy, st.GetReason())
	}
	// Later successes are not reported.
	time.Sleep(400 * time.Millisecond)
	f.events <- killEvent("t", -1)
	for _, st := range untilTerminal(t, f) {
		if st.GetState() == mesospb.TaskState_TASK_RUNNING {
			t.Errorf("a later success was reported: %v", st)
		}
		if st.Healthy != nil {
			t.Errorf("%s carries healthy=%v", st.GetState(), st.GetHealthy())
		}
		if st.GetState() == mesospb.TaskState_TASK_KILLED && st.GetMessage() != "Command terminated with signal Terminated" {
			t.Errorf("TASK_KILLED message %q", st.GetMessage())
		}
	}
}

// A task with a check has a check_status in every update (empty until a
// result), one TASK_RUNNING update per change of the result with
// REASON_TASK_CHECK_STATUS_UPDATED, and from-scratch updates (KILLING,
// the terminal one) carry the empty status again.
func TestCommandExecutorCheckStatusUpdates(t *testing.T) {
	f := newFakeAgent(t)
	runExecutor(t, f, execmode.Command)
	task := commandTask("t", "sleep 30")
	task.Check = &mesospb.CheckInfo{
		Type:         mesospb.CheckInfo_COMMAND.Enum(),
		Command:      &mesospb.CheckInfo_Command{Command: &mesospb.CommandInfo{Value: proto.String("exit 3")}},
		DelaySeconds: proto.Float64(0), IntervalSeconds: proto.Float64(0.1), TimeoutSeconds: proto.Float64(5),
	}
	f.events <- launch(task)
	empty := &mesospb.CheckStatusInfo{Type: mesospb.CheckInfo_COMMAND.Enum(), Command: &mesospb.CheckStatusInfo_Command{}}
	for _, want := range []mesospb.TaskState{mesospb.TaskState_TASK_STARTING, mesospb.TaskState_TASK_RUNNING} {
		st := f.next(t)
		if st.GetState() != want || !proto.Equal(st.GetCheckStatus(), empty) {
			t.Errorf("%s: check_status %v, want the empty COMMAND one", st.GetState(), st.GetCheckStatus())
		}
	}
	st := f.next(t)
	if st.GetState() != mesospb.TaskState_TASK_RUNNING || st.GetReason() != mesospb.TaskStatus_REASON_TASK_CHECK_STATUS_UPDATED ||
		st.GetCheckStatus().GetCommand().ExitCode == nil || st.GetCheckStatus().GetCommand().GetExitCode() != 3 {
		t.Fatalf("check result: %v", st)
	}
	time.Sleep(500 * time.Millisecond) // several more, unchanged, results
	f.events <- killEvent("t", -1)
	for _, st := range untilTerminal(t, f) {
		if st.GetState() == mesospb.TaskState_TASK_RUNNING {
			t.Errorf("an unchanged check result was reported: %v", st)
			continue
		}
		if !proto.Equal(st.GetCheckStatus(), empty) {
			t.Errorf("%s: check_status %v, want the empty COMMAND one", st.GetState(), st.GetCheckStatus())
		}
	}
}

// A second kill with a shorter grace period counts from the first kill
// (Mesos's killGracePeriodStart): 6s then, a second later, 1s escalate to
// SIGKILL at once.
func TestCommandExecutorShorterKillCountsFromTheFirst(t *testing.T) {
	f := newFakeAgent(t)
	runExecutor(t, f, execmode.Command)
	f.events <- launch(commandTask("t", "trap '' TERM; while true; do sleep 0.05; done"))
	f.wantState(t, mesospb.TaskState_TASK_RUNNING)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	f.events <- killEvent("t", 6*time.Second)
	f.wantState(t, mesospb.TaskState_TASK_KILLING)
	time.Sleep(time.Second - time.Since(start))
	f.events <- killEvent("t", time.Second)
	st := f.wantState(t, mesospb.TaskState_TASK_KILLED)
	if took := time.Since(start); took > 1700*time.Millisecond {
		t.Errorf("SIGKILL after %s, want about 1s (the second kill's grace from the first)", took)
	}
	if st.GetMessage() != "Command terminated with signal Killed" {
		t.Errorf("message %q", st.GetMessage())
	}
}

// max_completion_time kills without TASK_KILLING, and the task fails with
// REASON_MAX_COMPLETION_TIME_REACHED even when it exits 0 on SIGTERM.
func TestCommandExecutorMaxCompletionTime(t *testing.T) {
	f := newFakeAgent(t)
	runExecutor(t, f, execmode.Command)
	task := commandTask("t", "trap 'exit 0' TERM; while true; do sleep 0.05; done")
	task.MaxCompletionTime = &mesospb.DurationInfo{Nanoseconds: proto.Int64(int64(700 * time.Millisecond))}
	f.events <- launch(task)
	all := untilTerminal(t, f)
	for _, st := range all {
		if st.GetState() == mesospb.TaskState_TASK_KILLING {
			t.Errorf("TASK_KILLING sent for max_completion_time")
		}
	}
	last := all[len(all)-1]
	if last.GetState() != mesospb.TaskState_TASK_FAILED || last.GetReason() != mesospb.TaskStatus_REASON_MAX_COMPLETION_TIME_REACHED {
		t.Errorf("got %s %s %q", last.GetState(), last.GetReason(), last.GetMessage())
	}
}

// timeout_seconds 0 is no timeout (Mesos's checkers), not an immediate one.
func TestProbeZeroTimeoutIsNoTimeout(t *testing.T) {
	p := &probe{kind: executorlitepb.CheckInfo_COMMAND, command: &executorlitepb.CommandInfo{Value: proto.String("sleep 0.2")}}
	if r := p.run(context.Background(), 0); !r.ok {
		t.Errorf("zero timeout: %+v", r)
	}
	if r := p.run(context.Background(), 50*time.Millisecond); r.ok || r.err == nil || r.err.Error() != "command timed out" {
		t.Errorf("short timeout: %+v", r)
	}
}

// HTTP probes: 2xx and 3xx pass, 4xx/5xx fail with the status code kept;
// https is probed without verifying the certificate, as Mesos's `curl -k`.
func TestHTTPProbe(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	for _, tc := range []struct {
		scheme string
		srv    *httptest.Server
	}{{"http", httptest.NewServer(mux)}, {"https", httptest.NewTLSServer(mux)}} {
		defer tc.srv.Close()
		port := uint32(tc.srv.Listener.Addr().(*net.TCPAddr).Port)
		hc := &executorlitepb.HealthCheck{Type: executorlitepb.HealthCheck_HTTP.Enum(),
			Http: &executorlitepb.HealthCheck_HTTPCheckInfo{Scheme: proto.String(tc.scheme), Port: proto.Uint32(port), Path: proto.String("/ok")}}
		p, err := healthProbe(hc, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		if r := p.run(context.Background(), 5*time.Second); !r.ok || r.status == nil || *r.status != 204 {
			t.Errorf("%s /ok: %+v", tc.scheme, r)
		}
		p.path = "/bad"
		if r := p.run(context.Background(), 5*time.Second); r.ok || r.status == nil || *r.status != 503 {
			t.Errorf("%s /bad: %+v", tc.scheme, r)
		}
	}
}

// shell=false runs value with arguments as the whole argv, no shell.
func TestCommandProbeWithoutShell(t *testing.T) {
	ci := &executorlitepb.CheckInfo{Type: executorlitepb.CheckInfo_COMMAND.Enum(), Command: &executorlitepb.CheckInfo_Command{
		Command: &executorlitepb.CommandInfo{Shell: proto.Bool(false), Value: proto.String("/bin/sh"), Arguments: []string{"sh", "-c", "exit $0", "7"}}}}
	p, err := checkProbe(ci, nil, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := p.run(context.Background(), 5*time.Second)
	if r.exitCode == nil || *r.exitCode != 7 {
		t.Errorf("exit code %v, err %v", r.exitCode, r.err)
	}
}
