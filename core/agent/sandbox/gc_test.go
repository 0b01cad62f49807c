package sandbox

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type results struct {
	mu   sync.Mutex
	errs map[string][]error
}

func (r *results) done(path string) func(error) {
	return func(err error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.errs == nil {
			r.errs = map[string][]error{}
		}
		r.errs[path] = append(r.errs[path], err)
	}
}

func (r *results) get(path string) []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.errs[path]
}

func mkdirs(t *testing.T, names ...string) []string {
	t.Helper()
	root := t.TempDir()
	var out []string
	for _, n := range names {
		p := filepath.Join(root, n)
		if err := os.MkdirAll(filepath.Join(p, "inner"), 0o755); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestGCRemovesAfterDelay(t *testing.T) {
	clock := newFakeClock()
	gc := NewGC(GCOptions{Clock: clock})
	defer gc.Close()
	dirs := mkdirs(t, "a", "b")
	var r results
	if err := gc.Schedule(time.Hour, dirs[0], r.done(dirs[0])); err != nil {
		t.Fatal(err)
	}
	if err := gc.Schedule(2*time.Hour, dirs[1], r.done(dirs[1])); err != nil {
		t.Fatal(err)
	}
	clock.Advance(59 * time.Minute)
	if !exists(dirs[0]) || len(r.get(dirs[0])) != 0 {
		t.Fatal("removed early")
	}
	clock.Advance(time.Minute)
	if exists(dirs[0]) || !exists(dirs[1]) {
		t.Fatalf("after 1h: a exists=%v b exists=%v", exists(dirs[0]), exists(dirs[1]))
	}
	if errs := r.get(dirs[0]); len(errs) != 1 || errs[0] != nil {
		t.Fatalf("callback of a: %v", errs)
	}
	clock.Advance(time.Hour)
	if exists(dirs[1]) {
		t.Fatal("b not removed after 2h")
	}
	if n := len(gc.Scheduled()); n != 0 {
		t.Fatalf("%d paths still scheduled", n)
	}
	if clock.pending() != 0 {
		t.Fatalf("%d timers pending with nothing scheduled", clock.pending())
	}
}

func TestGCRescheduleAndUnschedule(t *testing.T) {
	clock := newFakeClock()
	gc := NewGC(GCOptions{Clock: clock})
	defer gc.Close()
	dirs := mkdirs(t, "a", "b")
	var r results
	_ = gc.Schedule(time.Hour, dirs[0], r.done(dirs[0]))
	_ = gc.Schedule(3*time.Hour, dirs[0], nil) // moves a later
	_ = gc.Schedule(time.Hour, dirs[1], r.done(dirs[1]))
	if !gc.Unschedule(dirs[1]) {
		t.Fatal("Unschedule(b) = false")
	}
	if gc.Unschedule(dirs[1]) {
		t.Fatal("second Unschedule(b) = true")
	}
	if errs := r.get(dirs[1]); len(errs) != 1 || !errors.Is(errs[0], ErrUnscheduled) {
		t.Fatalf("callback of b: %v", errs)
	}
	clock.Advance(2 * time.Hour)
	if !exists(dirs[0]) || !exists(dirs[1]) {
		t.Fatal("a rescheduled to 3h or b unscheduled was removed at 2h")
	}
	clock.Advance(time.Hour)
	if exists(dirs[0]) {
		t.Fatal("a not removed at 3h")
	}
}

func TestGCRefusesRoot(t *testing.T) {
	gc := NewGC(GCOptions{Clock: newFakeClock()})
	defer gc.Close()
	for _, p := range []string{"/", "", "relative/dir", "/.."} {
		if err := gc.Schedule(0, p, nil); err == nil {
			t.Errorf("Schedule(%q) accepted", p)
		}
	}
}

func TestGCScheduleByAge(t *testing.T) {
	clock := newFakeClock()
	gc := NewGC(GCOptions{Clock: clock})
	defer gc.Close()
	dirs := mkdirs(t, "old", "young")
	_ = gc.ScheduleByAge(time.Hour, dirs[0], clock.Now().Add(-2*time.Hour), nil)
	_ = gc.ScheduleByAge(time.Hour, dirs[1], clock.Now().Add(-30*time.Minute), nil)
	clock.Advance(0)
	if exists(dirs[0]) {
		t.Error("old directory not removed at once")
	}
	clock.Advance(29 * time.Minute)
	if !exists(dirs[1]) {
		t.Error("young directory removed early")
	}
	clock.Advance(time.Minute)
	if exists(dirs[1]) {
		t.Error("young directory not removed on time")
	}
}

func TestGCRemoveFailureReported(t *testing.T) {
	clock := newFakeClock()
	boom := errors.New("boom")
	gc := NewGC(GCOptions{Clock: clock, Remove: func(string) error { return boom }})
	defer gc.Close()
	var r results
	_ = gc.Schedule(time.Second, "/nonexistent/x", r.done("x"))
	clock.Advance(time.Second)
	if errs := r.get("x"); len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Fatalf("callback: %v", errs)
	}
}

func TestGCCloseCancels(t *testing.T) {
	clock := newFakeClock()
	gc := NewGC(GCOptions{Clock: clock})
	dirs := mkdirs(t, "a")
	var r results
	_ = gc.Schedule(time.Hour, dirs[0], r.done(dirs[0]))
	gc.Close()
	clock.Advance(2 * time.Hour)
	if !exists(dirs[0]) {
		t.Fatal("removed after Close")
	}
	if errs := r.get(dirs[0]); len(errs) != 1 || !errors.Is(errs[0], ErrUnscheduled) {
		t.Fatalf("callback: %v", errs)
	}
	if err := gc.Schedule(0, dirs[0], nil); err == nil {
		t.Fatal("Schedule after Close accepted")
	}
}

func TestGCWithSystemClock(t *testing.T) {
	gc := NewGC(GCOptions{})
	defer gc.Close()
	dirs := mkdirs(t, "a")
	done := make(chan error, 1)
	_ = gc.Schedule(10*time.Millisecond, dirs[0], func(err error) { done <- err })
	select {
	case err := <-done:
		if err != nil || exists(dirs[0]) {
			t.Fatalf("err=%v exists=%v", err, exists(dirs[0]))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("not collected")
	}
}
