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

func runningUpdate(id string) *agentmasterpb.AgentCall_StatusUpdate {
	return &agentmasterpb.AgentCall_StatusUpdate{
		FrameworkId: &mesospb.FrameworkID{Value: proto.String("F-0000")},
		Status: &mesospb.TaskStatus{TaskId: &mesospb.TaskID{Value: proto.String("t1")},
			State: mesospb.TaskState_TASK_RUNNING.Enum(), Uuid: []byte(id)},
	}
}

// TestRecoverCorruptUpdateLogIsTruncated: a corrupt record in a task's
// update log is an error (--strict) or skipped (--no-strict) and, as in
// Mesos (TaskState::recover "always truncate the file to contain only
// valid updates"), the log is cut back to its valid records. Otherwise
// what the recovered agent appends (new updates, acknowledgements) would
// sit behind the corrupt bytes and be lost at the next recovery: acked
// updates would be resent, and new ones forgotten.
func TestRecoverCorruptUpdateLogIsTruncated(t *testing.T) {
	for _, strict := range []bool{true, false} {
		layout := sandbox.Layout{WorkDir: t.TempDir()}
		meta := layout.Meta()
		agent, err := sandbox.CreateAgent(meta, "A-S0")
		if err != nil {
			t.Fatal(err)
		}
		_ = Write(agent.InfoPath(), &mesospb.AgentInfo{Hostname: proto.String("h")})
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
		path := task.UpdatesPath()
		if err := AppendRecord(path, Record{Type: RecordUpdate, Update: runningUpdate("u1")}); err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(path)
		valid := st.Size()
		// A whole record of an unknown type: corrupt, not cut short.
		f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		_, _ = f.Write([]byte{9, 0, 0, 0, 2, 'z', 'z'})
		f.Close()

		_, err = Recover(layout, strict)
		if strict && err == nil {
			t.Fatal("strict recovery accepted a corrupt update log")
		}
		if !strict {
			if err != nil {
				t.Fatal(err)
			}
		}
		if st, _ := os.Stat(path); st.Size() != valid {
			t.Fatalf("strict=%v: update log is %d bytes after recovery, want the %d valid ones", strict, st.Size(), valid)
		}
		// The recovered agent acknowledges u1; the next recovery sees it.
		if err := AppendRecord(path, Record{Type: RecordAck, UUID: []byte("u1")}); err != nil {
			t.Fatal(err)
		}
		state, err := Recover(layout, strict)
		if err != nil || len(state.Errors) != 0 {
			t.Fatalf("strict=%v: second recovery: %v %v", strict, err, state.Errors)
		}
		ts := state.Agent.Frameworks["F-0000"].Executors["e1"].Runs["c1"].Tasks["t1"]
		if len(ts.Updates) != 1 || !ts.Acks["u1"] {
			t.Fatalf("strict=%v: second recovery: updates %v acks %v", strict, ts.Updates, ts.Acks)
		}
	}
}

// FuzzReadRecords: any bytes in an update log give records and maybe an
// error, never a panic, and leave the file holding exactly the valid
// records it returned.
func FuzzReadRecords(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed")
	_ = AppendRecord(seed, Record{Type: RecordUpdate, Update: runningUpdate("0123456789abcdef")})
	_ = AppendRecord(seed, Record{Type: RecordAck, UUID: []byte("0123456789abcdef")})
	data, _ := os.ReadFile(seed)
	f.Add(data)
	f.Add([]byte{9, 0, 0, 0, 2, 'z', 'z'})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{1, 0, 0, 0, 3, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "task.updates")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		recs, _ := ReadRecords(path)
		// Reading again what is left gives the same records, cleanly.
		again, err := ReadRecords(path)
		if err != nil {
			t.Fatalf("second read of the truncated log: %v", err)
		}
		if len(again) != len(recs) {
			t.Fatalf("second read: %d records, first %d", len(again), len(recs))
		}
	})
}
