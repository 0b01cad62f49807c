package sandbox

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// DefaultGCDelay is Mesos's --gc_delay default: how long a finished
// executor's sandbox is kept.
const DefaultGCDelay = 7 * 24 * time.Hour

// GC removes directories at scheduled times (Mesos's GarbageCollector).
// The agent schedules a sandbox when its executor terminates and
// unschedules it if the directory is wanted again.
type GC struct {
	clock  Clock
	log    *slog.Logger
	remove func(string) error

	mu       sync.Mutex
	entries  map[string]*gcEntry
	timer    Timer
	timerAt  time.Time
	timerGen uint64
	closed   bool
}

type gcEntry struct {
	path string
	at   time.Time
	done []func(error)
}

// GCOptions configure a GC. Zero values take defaults.
type GCOptions struct {
	Clock  Clock        // SystemClock
	Logger *slog.Logger // discard
	// Remove deletes one scheduled path; os.RemoveAll by default.
	Remove func(path string) error
}

// NewGC makes an idle collector.
func NewGC(opts GCOptions) *GC {
	g := &GC{clock: opts.Clock, log: opts.Logger, remove: opts.Remove, entries: map[string]*gcEntry{}}
	if g.clock == nil {
		g.clock = SystemClock{}
	}
	if g.log == nil {
		g.log = slog.New(slog.DiscardHandler)
	}
	if g.remove == nil {
		g.remove = os.RemoveAll
	}
	return g
}

// ErrUnscheduled is passed to the callbacks of a path that was unscheduled
// (or still pending when the collector closed).
var ErrUnscheduled = errors.New("garbage collection unscheduled")

// Schedule removes path once d has passed and then calls done (if not nil)
// with the outcome. Scheduling a path again moves its removal time, keeping
// the callbacks (Mesos unschedules and schedules again).
func (g *GC) Schedule(d time.Duration, path string, done func(error)) error {
	if d < 0 {
		d = 0
	}
	clean := filepath.Clean(path)
	if !filepath.IsAbs(clean) || clean == "/" {
		return fmt.Errorf("refusing to garbage collect %q: not an absolute path below /", path)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errors.New("garbage collector closed")
	}
	e := g.entries[clean]
	isNew := e == nil
	if isNew {
		e = &gcEntry{path: clean}
		g.entries[clean] = e
	}
	was := e.at
	e.at = g.clock.Now().Add(d)
	if done != nil {
		e.done = append(e.done, done)
	}
	g.log.Info("Scheduling path for gc", "path", clean, "in", d)
	// The earliest time only needs looking for again (a walk of every
	// entry: sandboxes stay scheduled for a week, one per executor) when
	// this path comes before the timer or was the one it waited for.
	if g.timer == nil || e.at.Before(g.timerAt) || (!isNew && !was.After(g.timerAt)) {
		g.rearmLocked()
	}
	return nil
}

// ScheduleByAge schedules a path that has existed since modified: it goes
// delay after that time, at once if that is past (as Mesos does for the
// sandboxes it finds on recovery).
func (g *GC) ScheduleByAge(delay time.Duration, path string, modified time.Time, done func(error)) error {
	return g.Schedule(delay-g.clock.Now().Sub(modified), path, done)
}

// Unschedule cancels the removal of path; its callbacks get ErrUnscheduled.
// It reports whether the path was scheduled.
func (g *GC) Unschedule(path string) bool {
	g.mu.Lock()
	e := g.entries[filepath.Clean(path)]
	if e != nil {
		delete(g.entries, e.path)
		if g.timer == nil || !e.at.After(g.timerAt) { // it may have been the earliest
			g.rearmLocked()
		}
	}
	g.mu.Unlock()
	if e == nil {
		return false
	}
	g.log.Info("Unscheduling path from gc", "path", e.path)
	for _, done := range e.done {
		done(ErrUnscheduled)
	}
	return true
}

// Prune removes now every path due within d (Mesos's prune, driven by the
// disk watcher) and reports how many it removed.
func (g *GC) Prune(d time.Duration) int {
	return g.collect(g.clock.Now().Add(d))
}

// Scheduled lists the pending paths and their removal times.
func (g *GC) Scheduled() map[string]time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make(map[string]time.Time, len(g.entries))
	for p, e := range g.entries {
		out[p] = e.at
	}
	return out
}

// Close stops the timer; pending paths stay on disk and their callbacks
// get ErrUnscheduled.
func (g *GC) Close() {
	g.mu.Lock()
	g.closed = true
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	pending := g.entries
	g.entries = map[string]*gcEntry{}
	g.mu.Unlock()
	for _, e := range pending {
		for _, done := range e.done {
			done(ErrUnscheduled)
		}
	}
}

// collect removes every entry due at or before deadline.
func (g *GC) collect(deadline time.Time) int {
	g.mu.Lock()
	var due []*gcEntry
	for p, e := range g.entries {
		if !e.at.After(deadline) {
			due = append(due, e)
			delete(g.entries, p)
		}
	}
	g.rearmLocked()
	g.mu.Unlock()

	sort.Slice(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, e := range due {
		err := g.remove(e.path)
		if err != nil {
			err = fmt.Errorf("garbage collect %s: %w", e.path, err)
			g.log.Warn("Failed to delete directory", "path", e.path, "error", err)
		} else {
			g.log.Info("Deleted directory", "path", e.path)
		}
		for _, done := range e.done {
			done(err)
		}
	}
	return len(due)
}

// rearmLocked points the timer at the earliest removal time.
func (g *GC) rearmLocked() {
	if g.closed {
		return
	}
	var next time.Time
	for _, e := range g.entries {
		if next.IsZero() || e.at.Before(next) {
			next = e.at
		}
	}
	if g.timer != nil && next.Equal(g.timerAt) {
		return
	}
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	g.timerAt = next
	if next.IsZero() {
		return
	}
	g.timerGen++
	gen := g.timerGen
	g.timer = g.clock.AfterFunc(next.Sub(g.clock.Now()), func() { g.fire(gen) })
}

// fire is the timer's callback; a timer replaced meanwhile does nothing.
func (g *GC) fire(gen uint64) {
	g.mu.Lock()
	if gen != g.timerGen || g.closed {
		g.mu.Unlock()
		return
	}
	g.timer = nil
	g.timerAt = time.Time{}
	g.mu.Unlock()
	g.collect(g.clock.Now())
}
