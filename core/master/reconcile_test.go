package master

import (
	"io"
	"log/slog"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// After a master failover, a task on an agent the registry admitted but
// that has not re-registered yet gets no answer (Mesos's "transitionary
// agent" case); a task on an agent nobody knows gets one.
func TestReconcileWaitsForTransitionaryAgents(t *testing.T) {
	m, err := New(Config{IP: "127.0.0.1", Port: 5050, Allocator: newFirstFit(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	m.recoveredAgents = map[string]*mesospb.AgentInfo{"recovering": {Hostname: proto.String("h")}}
	sub := newSubscriber("s")
	fw := &framework{id: "fw", info: frameworkInfo("f"), sub: sub, tasks: map[string]*task{}}
	ref := func(task, agent string) *schedulerpb.Call_Reconcile_Task {
		return &schedulerpb.Call_Reconcile_Task{TaskId: &mesospb.TaskID{Value: proto.String(task)}, AgentId: agentIDProto(agent)}
	}
	m.reconcile(fw, []*schedulerpb.Call_Reconcile_Task{ref("waits", "recovering"), ref("lost", "nobody")})
	var answered []string
	for len(sub.events) > 0 {
		ev := (<-sub.events).(*schedulerpb.Event)
		answered = append(answered, ev.GetUpdate().GetStatus().GetTaskId().GetValue())
	}
	if len(answered) != 1 || answered[0] != "lost" {
		t.Fatalf("answered %v, want only the task on the unknown agent", answered)
	}
}

// A known task is restated with Mesos's reconciliation message, not the
// message of its latest status; health, check and container status and
// the executor carry over.
func TestLatestStatusSaysReconciliation(t *testing.T) {
	check := &mesospb.CheckStatusInfo{Type: mesospb.CheckInfo_COMMAND.Enum()}
	last := &mesospb.TaskStatus{
		TaskId:          &mesospb.TaskID{Value: proto.String("t1")},
		State:           mesospb.TaskState_TASK_UNREACHABLE.Enum(),
		Source:          mesospb.TaskStatus_SOURCE_AGENT.Enum(),
		Reason:          mesospb.TaskStatus_REASON_AGENT_REMOVED.Enum(),
		Message:         proto.String("agent missed 3 pings"),
		Uuid:            []byte("0123456789abcdef"),
		Data:            []byte("data"),
		Healthy:         proto.Bool(true),
		CheckStatus:     check,
		ContainerStatus: &mesospb.ContainerStatus{ExecutorPid: proto.Uint32(42)},
		UnreachableTime: &mesospb.TimeInfo{Nanoseconds: proto.Int64(7)},
	}
	tk := &task{id: "t1", info: &mesospb.Task{
		TaskId:     &mesospb.TaskID{Value: proto.String("t1")},
		AgentId:    agentIDProto("a1"),
		ExecutorId: &mesospb.ExecutorID{Value: proto.String("e1")},
		State:      mesospb.TaskState_TASK_UNREACHABLE.Enum(),
		Statuses:   []*mesospb.TaskStatus{last},
	}}
	s := latestStatus(tk, 1234.5)
	switch {
	case s.GetMessage() != "Reconciliation: Latest task state":
		t.Errorf("message %q", s.GetMessage())
	case s.GetReason() != mesospb.TaskStatus_REASON_RECONCILIATION || s.GetSource() != mesospb.TaskStatus_SOURCE_MASTER:
		t.Errorf("reason %v source %v", s.GetReason(), s.GetSource())
	case s.GetState() != mesospb.TaskState_TASK_UNREACHABLE || s.GetTaskId().GetValue() != "t1" || s.GetAgentId().GetValue() != "a1":
		t.Errorf("state/ids: %v", s)
	case len(s.GetUuid()) != 0 || len(s.GetData()) != 0:
		t.Errorf("uuid or data carried over: %v", s)
	case s.GetTimestamp() != 1234.5:
		t.Errorf("timestamp %v", s.GetTimestamp())
	case s.GetExecutorId().GetValue() != "e1" || !s.GetHealthy() || !proto.Equal(s.GetCheckStatus(), check) ||
		s.GetContainerStatus().GetExecutorPid() != 42 || s.GetUnreachableTime().GetNanoseconds() != 7:
		t.Errorf("carried-over fields: %v", s)
	}
	if last.GetMessage() != "agent missed 3 pings" {
		t.Errorf("the task's own status changed: %v", last)
	}
	// A task with no status yet is restated all the same.
	tk.info.Statuses = nil
	if s := latestStatus(tk, 1); s.GetMessage() != "Reconciliation: Latest task state" || s.GetState() != mesospb.TaskState_TASK_UNREACHABLE {
		t.Errorf("no statuses: %v", s)
	}
}
