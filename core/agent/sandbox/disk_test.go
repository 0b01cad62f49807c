package sandbox

import (
	"errors"
	"testing"
	"time"
)

func TestMaxAllowedAge(t *testing.T) {
	week := 7 * 24 * time.Hour
	tests := []struct {
		headroom, usage float64
		want            time.Duration
	}{
		{0.1, 0, time.Duration(float64(week) * 0.9)},
		{0.1, 0.5, time.Duration(float64(week) * 0.4)},
		{0.1, 0.9, 0},
		{0.1, 0.95, 0},
		{0, 0, week},
		{0, 1, 0},
		{1, 0, 0},
	}
	for _, tt := range tests {
		got := MaxAllowedAge(week, tt.headroom, tt.usage)
		if diff := got - tt.want; diff > time.Millisecond || diff < -time.Millisecond {
			t.Errorf("MaxAllowedAge(headroom=%v, usage=%v) = %v, want %v", tt.headroom, tt.usage, got, tt.want)
		}
	}
}

func TestDiskWatchPrunes(t *testing.T) {
	clock := newFakeClock()
	gc := NewGC(GCOptions{Clock: clock})
	defer gc.Close()
	const delay = 100 * time.Hour
	dirs := mkdirs(t, "old", "mid", "new")
	// Scheduled gc_delay ahead at different times: old 80h ago, mid 40h
	// ago, new now.
	_ = gc.Schedule(delay-80*time.Hour, dirs[0], nil)
	_ = gc.Schedule(delay-40*time.Hour, dirs[1], nil)
	_ = gc.Schedule(delay, dirs[2], nil)

	usage := 0.0
	headroom := 0.1
	w, err := NewDiskWatch(DiskWatchOptions{
		GC: gc, Clock: clock, Interval: time.Minute, Headroom: &headroom, GCDelay: delay,
		Usage: func() (float64, error) { return usage, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Start()
	defer w.Stop()

	clock.Advance(time.Minute) // 90h allowed: nothing goes
	if !exists(dirs[0]) {
		t.Fatal("old removed at low usage")
	}
	usage = 0.4 // allowed age 50h: old (80h) goes
	clock.Advance(time.Minute)
	if exists(dirs[0]) || !exists(dirs[1]) {
		t.Fatalf("at 40%%: old exists=%v mid exists=%v", exists(dirs[0]), exists(dirs[1]))
	}
	usage = 0.95 // allowed age 0: everything goes
	clock.Advance(time.Minute)
	if exists(dirs[1]) || exists(dirs[2]) {
		t.Fatal("full disk did not prune everything")
	}
}

func TestDiskWatchOptions(t *testing.T) {
	gc := NewGC(GCOptions{Clock: newFakeClock()})
	defer gc.Close()
	bad := 1.5
	if _, err := NewDiskWatch(DiskWatchOptions{GC: gc, Usage: func() (float64, error) { return 0, nil }, Headroom: &bad}); err == nil {
		t.Error("headroom 1.5 accepted")
	}
	if _, err := NewDiskWatch(DiskWatchOptions{GC: gc}); err == nil {
		t.Error("missing usage accepted")
	}
	w, err := NewDiskWatch(DiskWatchOptions{GC: gc, Usage: func() (float64, error) { return 0, errors.New("statfs failed") }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Check(); err == nil {
		t.Error("usage error not reported")
	}
}

func TestDiskUsage(t *testing.T) {
	u, err := DiskUsage(t.TempDir())
	if err != nil {
		t.Skip(err)
	}
	if u < 0 || u > 1 {
		t.Fatalf("usage %v outside [0,1]", u)
	}
}
