package checkpoint

import (
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

func TestRecordsTruncatePartialTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "task.updates")
	u := &agentmasterpb.AgentCall_StatusUpdate{
		FrameworkId: &mesospb.FrameworkID{Value: proto.String("fw")},
		Status:      &mesospb.TaskStatus{TaskId: &mesospb.TaskID{Value: proto.String("t")}, State: mesospb.TaskState_TASK_RUNNING.Enum(), Uuid: []byte("0123456789abcdef")},
	}
	if err := AppendRecord(path, Record{Type: RecordUpdate, Update: u}); err != nil {
		t.Fatal(err)
	}
	if err := AppendRecord(path, Record{Type: RecordAck, UUID: u.Status.Uuid}); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	good := st.Size()
	// A crash in the middle of the next append.
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	_, _ = f.Write([]byte{byte(RecordUpdate), 0, 0, 1, 0, 'x'})
	f.Close()
	recs, err := ReadRecords(path)
	if err != nil || len(recs) != 2 || !proto.Equal(recs[0].Update, u) || string(recs[1].UUID) != string(u.Status.Uuid) {
		t.Fatalf("records %v err %v", recs, err)
	}
	if st, _ := os.Stat(path); st.Size() != good {
		t.Fatalf("partial record not truncated: %d bytes, want %d", st.Size(), good)
	}
}

func TestRecover(t *testing.T) {
	layout := sandbox.Layout{WorkDir: t.TempDir()}
	st, err := Recover(layout, true)
	if err != nil || st.Agent != nil {
		t.Fatalf("empty work dir: %+v %v", st, err)
	}
	meta := layout.Meta()
	agent, err := sandbox.CreateAgent(meta, "A-S0")
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(agent.InfoPath(), &mesospb.AgentInfo{Hostname: proto.String("h"), Id: &mesospb.AgentID{Value: proto.String("A-S0")}}); err != nil {
		t.Fatal(err)
	}
	fw, _ := agent.Framework("F-0000")
	_ = Write(fw.InfoPath(), &mesospb.FrameworkInfo{User: proto.String("u"), Name: proto.String("n"), Checkpoint: proto.Bool(true)})
	ex, _ := fw.Executor("e1")
	_ = Write(ex.InfoPath(), &mesospb.ExecutorInfo{ExecutorId: &mesospb.ExecutorID{Value: proto.String("e1")}})
	run, err := sandbox.CreateRun(meta, sandbox.Run{AgentID: "A-S0", FrameworkID: "F-0000", ExecutorID: "e1", ContainerID: "c1"}, "")
	if err != nil {
		t.Fatal(err)
	}
	task, _ := run.Task("t1")
	_ = Write(task.InfoPath(), &mesospb.Task{Name: proto.String("t1")})
	_ = AppendRecord(task.UpdatesPath(), Record{Type: RecordAck, UUID: []byte("u1")})
	// A framework whose info was never written is skipped.
	_ = os.MkdirAll(filepath.Join(agent.FrameworksDir(), "F-0001"), 0o755)

	st, err = Recover(layout, true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Agent == nil || st.Agent.ID != "A-S0" || len(st.Agent.Frameworks) != 1 {
		t.Fatalf("agent %+v", st.Agent)
	}
	e := st.Agent.Frameworks["F-0000"].Executors["e1"]
	if e == nil || e.Latest != "c1" || e.Runs["c1"] == nil || e.Runs["c1"].Completed {
		t.Fatalf("executor %+v", e)
	}
	ts := e.Runs["c1"].Tasks["t1"]
	if ts == nil || ts.Info.GetName() != "t1" || !ts.Acks["u1"] {
		t.Fatalf("task %+v", ts)
	}
	// A corrupt checkpoint fails strict recovery and is skipped otherwise.
	_ = os.WriteFile(task.InfoPath(), []byte{0xff, 0xff, 0xff}, 0o644)
	if _, err := Recover(layout, true); err == nil {
		t.Fatal("strict recovery accepted a corrupt task")
	}
	st, err = Recover(layout, false)
	if err != nil || len(st.Errors) != 1 {
		t.Fatalf("non-strict: %v %v", st.Errors, err)
	}
}
