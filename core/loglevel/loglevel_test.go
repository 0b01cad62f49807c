package loglevel

import (
	"testing"
	"time"
)

// TestSetForReverts: a level holds for its duration, then goes back to 0
// and says so once.
func TestSetForReverts(t *testing.T) {
	var v Verbosity
	reverted := make(chan struct{}, 2)
	v.SetFor(2, 50*time.Millisecond, func() { reverted <- struct{}{} })
	if v.Level() != 2 {
		t.Fatalf("level %d right after SetFor(2)", v.Level())
	}
	select {
	case <-reverted:
	case <-time.After(10 * time.Second):
		t.Fatal("no revert")
	}
	if v.Level() != 0 {
		t.Fatalf("level %d after the revert", v.Level())
	}
}

// TestSetForReplacesEarlierRevert: a later call's level is not undone by
// the earlier call's timer.
func TestSetForReplacesEarlierRevert(t *testing.T) {
	var v Verbosity
	early := make(chan struct{}, 1)
	v.SetFor(1, 20*time.Millisecond, func() { early <- struct{}{} })
	v.SetFor(3, time.Hour, nil)
	time.Sleep(200 * time.Millisecond) // well past the first duration
	if v.Level() != 3 {
		t.Fatalf("level %d: the first call's revert undid the second", v.Level())
	}
	select {
	case <-early:
		t.Fatal("the replaced revert ran")
	default:
	}
	v.SetFor(0, 0, nil)
	if v.Level() != 0 {
		t.Fatalf("level %d after SetFor(0)", v.Level())
	}
}
