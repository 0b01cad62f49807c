package sandbox

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// The timer always waits for the earliest scheduled path, and only one
// timer is pending, whatever order paths are scheduled, moved and
// unscheduled in (Schedule skips the walk of every entry when the earliest
// cannot have changed).
func TestGCTimerFollowsEarliest(t *testing.T) {
	clock := newFakeClock()
	gc := NewGC(GCOptions{Clock: clock, Remove: func(string) error { return nil }})
	defer gc.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		path := "/gc-test/" + strconv.Itoa(rng.IntN(30))
		if rng.IntN(4) == 0 {
			gc.Unschedule(path)
		} else if err := gc.Schedule(time.Duration(1+rng.IntN(100))*time.Minute, path, nil); err != nil {
			t.Fatal(err)
		}
		if rng.IntN(50) == 0 {
			clock.Advance(time.Duration(rng.IntN(30)) * time.Minute)
		}
		var earliest time.Time
		for _, at := range gc.Scheduled() {
			if earliest.IsZero() || at.Before(earliest) {
				earliest = at
			}
		}
		gc.mu.Lock()
		timerAt := gc.timerAt
		gc.mu.Unlock()
		if !timerAt.Equal(earliest) {
			t.Fatalf("step %d: timer at %v, earliest path due at %v", i, timerAt, earliest)
		}
		want := 0
		if !earliest.IsZero() {
			want = 1
		}
		if n := clock.pending(); n != want {
			t.Fatalf("step %d: %d timers pending, want %d", i, n, want)
		}
	}
}
