package statusupdate

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/uuid"
)

// fakeTimers collects the manager's timers; the test fires them.
type fakeTimers struct {
	pending []*fakeTimer
}

type fakeTimer struct {
	d         time.Duration
	fn        func()
	cancelled bool
}

func (f *fakeTimers) after(d time.Duration, fn func()) func() {
	t := &fakeTimer{d: d, fn: fn}
	f.pending = append(f.pending, t)
	return func() { t.cancelled = true }
}

// fire runs every live timer and reports their durations.
func (f *fakeTimers) fire() []time.Duration {
	live := f.pending
	f.pending = nil
	var ds []time.Duration
	for _, t := range live {
		if !t.cancelled {
			ds = append(ds, t.d)
			t.fn()
		}
	}
	return ds
}

func update(task string, state mesospb.TaskState) *Update {
	return &Update{
		FrameworkId: &mesospb.FrameworkID{Value: proto.String("fw")},
		Status: &mesospb.TaskStatus{
			TaskId: &mesospb.TaskID{Value: proto.String(task)},
			State:  state.Enum(),
			Uuid:   uuid.New().Bytes(),
		},
	}
}

func newManager(t *testing.T) (*Manager, *fakeTimers, *[]*Update) {
	t.Helper()
	timers := &fakeTimers{}
	var sent []*Update
	m := New(Options{
		Forward:  func(u *Update) { sent = append(sent, u) },
		After:    timers.after,
		RetryMin: time.Second, RetryMax: 4 * time.Second,
	})
	return m, timers, &sent
}

func states(us []*Update) string {
	var out []string
	for _, u := range us {
		out = append(out, u.GetStatus().GetTaskId().GetValue()+":"+strings.TrimPrefix(u.GetStatus().GetState().String(), "TASK_"))
	}
	return strings.Join(out, ",")
}

func TestInOrderUntilAcknowledged(t *testing.T) {
	m, timers, sent := newManager(t)
	m.Resume()
	running, finished := update("t1", mesospb.TaskState_TASK_RUNNING), update("t1", mesospb.TaskState_TASK_FINISHED)
	other := update("t2", mesospb.TaskState_TASK_RUNNING)
	for _, u := range []*Update{running, finished, other} {
		if ok, err := m.Update(u, ""); !ok || err != nil {
			t.Fatalf("Update: %v %v", ok, err)
		}
	}
	if got := states(*sent); got != "t1:RUNNING,t2:RUNNING" {
		t.Fatalf("sent %s; the second update of t1 must wait for the first's ack", got)
	}
	// Unacknowledged heads are resent with backoff.
	*sent = nil
	if ds := timers.fire(); len(ds) != 2 || ds[0] != time.Second {
		t.Fatalf("retry timers %v", ds)
	}
	if got := states(*sent); got != "t1:RUNNING,t2:RUNNING" {
		t.Fatalf("resent %s", got)
	}
	*sent = nil
	for range 3 {
		timers.fire()
	}
	if ds := timers.fire(); ds[0] != 4*time.Second {
		t.Fatalf("backoff not capped at RetryMax: %v", ds)
	}
	// A wrong ack is refused; the right one moves the stream on.
	if _, err := m.Acknowledge("fw", "t1", finished.GetStatus().GetUuid()); err == nil {
		t.Fatal("ack of a non-head update accepted")
	}
	*sent = nil
	if terminal, err := m.Acknowledge("fw", "t1", running.GetStatus().GetUuid()); err != nil || terminal {
		t.Fatalf("ack: %v %v", terminal, err)
	}
	if got := states(*sent); got != "t1:FINISHED" {
		t.Fatalf("after ack sent %s", got)
	}
	if terminal, err := m.Acknowledge("fw", "t1", finished.GetStatus().GetUuid()); err != nil || !terminal {
		t.Fatalf("terminal ack: %v %v", terminal, err)
	}
	if _, err := m.Acknowledge("fw", "t1", finished.GetStatus().GetUuid()); err == nil {
		t.Fatal("the stream of a finished task must be gone")
	}
	if got := states(m.Pending()); got != "t2:RUNNING" {
		t.Fatalf("pending %s", got)
	}
}

func TestDuplicatesAndPause(t *testing.T) {
	m, timers, sent := newManager(t)
	u := update("t1", mesospb.TaskState_TASK_RUNNING)
	if ok, _ := m.Update(u, ""); !ok {
		t.Fatal("first update refused")
	}
	if ok, _ := m.Update(proto.Clone(u).(*Update), ""); ok {
		t.Fatal("duplicate accepted")
	}
	if len(*sent) != 0 || len(timers.pending) != 0 {
		t.Fatal("a paused manager sent something")
	}
	m.Resume()
	if states(*sent) != "t1:RUNNING" {
		t.Fatalf("Resume sent %s", states(*sent))
	}
	m.Pause()
	*sent = nil
	timers.fire()
	if len(*sent) != 0 {
		t.Fatal("paused manager resent")
	}
	if _, err := m.Update(&Update{Status: &mesospb.TaskStatus{}}, ""); err == nil {
		t.Fatal("update without uuid accepted")
	}
}

func TestCheckpointAndRecover(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tasks", "t1", "task.updates")
	m, _, _ := newManager(t)
	m.Resume()
	running, finished := update("t1", mesospb.TaskState_TASK_RUNNING), update("t1", mesospb.TaskState_TASK_FINISHED)
	for _, u := range []*Update{running, finished} {
		if _, err := m.Update(u, path); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Acknowledge("fw", "t1", running.GetStatus().GetUuid()); err != nil {
		t.Fatal(err)
	}
	records, err := checkpoint.ReadRecords(path)
	if err != nil || len(records) != 3 || records[2].Type != checkpoint.RecordAck {
		t.Fatalf("records %v %v", records, err)
	}
	var updates []*Update
	acks := map[string]bool{}
	for _, r := range records {
		if r.Type == checkpoint.RecordUpdate {
			updates = append(updates, r.Update)
		} else {
			acks[string(r.UUID)] = true
		}
	}
	m2, _, sent := newManager(t)
	m2.Recover("fw", "t1", path, updates, acks)
	m2.Resume()
	if states(*sent) != "t1:FINISHED" {
		t.Fatalf("recovered stream sent %s", states(*sent))
	}
	if terminal, err := m2.Acknowledge("fw", "t1", finished.GetStatus().GetUuid()); err != nil || !terminal {
		t.Fatalf("%v %v", terminal, err)
	}
	// Once the terminal update is acknowledged nothing is recovered.
	records, _ = checkpoint.ReadRecords(path)
	acks = map[string]bool{}
	for _, r := range records {
		if r.Type == checkpoint.RecordAck {
			acks[string(r.UUID)] = true
		}
	}
	m3, _, sent3 := newManager(t)
	m3.Recover("fw", "t1", path, updates, acks)
	m3.Resume()
	if len(*sent3) != 0 {
		t.Fatalf("a finished stream was recovered: %s", states(*sent3))
	}
}

func TestCleanup(t *testing.T) {
	m, timers, sent := newManager(t)
	m.Resume()
	_, _ = m.Update(update("t1", mesospb.TaskState_TASK_RUNNING), "")
	m.Cleanup("fw")
	*sent = nil
	timers.fire()
	if len(*sent) != 0 || len(m.Pending()) != 0 {
		t.Fatal("a cleaned-up framework's updates are still sent")
	}
}
