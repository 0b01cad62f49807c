package sandbox

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Mesos's defaults for the disk watcher.
const (
	DefaultDiskWatchInterval = time.Minute // --disk_watch_interval
	DefaultGCDiskHeadroom    = 0.1         // --gc_disk_headroom
)

// MaxAllowedAge is how old a scheduled sandbox may get at a given disk
// usage (a fraction in [0,1]), as Mesos's Slave::age:
// gc_delay * max(0, 1 - gc_disk_headroom - usage). A fuller disk keeps
// sandboxes for less time; at 1 - headroom they go at once.
func MaxAllowedAge(gcDelay time.Duration, headroom, usage float64) time.Duration {
	f := 1 - headroom - usage
	if f <= 0 {
		return 0
	}
	if f >= 1 {
		return gcDelay
	}
	return time.Duration(float64(gcDelay) * f)
}

// DiskWatch checks the disk usage of the work directory every interval and
// prunes the collector so that no sandbox outlives MaxAllowedAge.
type DiskWatch struct {
	gc       *GC
	clock    Clock
	log      *slog.Logger
	interval time.Duration
	headroom float64
	delay    time.Duration
	usage    func() (float64, error)

	mu      sync.Mutex
	timer   Timer
	stopped bool
}

// DiskWatchOptions configure a DiskWatch; zero values take Mesos's defaults.
type DiskWatchOptions struct {
	GC       *GC           // required
	Clock    Clock         // SystemClock
	Logger   *slog.Logger  // discard
	Interval time.Duration // --disk_watch_interval
	// Headroom is --gc_disk_headroom, in [0,1]; nil means the default.
	Headroom *float64
	GCDelay  time.Duration // --gc_delay
	// Usage reports the used fraction of the disk; DiskUsage(work_dir)
	// is the usual choice.
	Usage func() (float64, error) // required
}

// NewDiskWatch checks the options; Start begins the periodic checks.
func NewDiskWatch(opts DiskWatchOptions) (*DiskWatch, error) {
	if opts.GC == nil || opts.Usage == nil {
		return nil, errors.New("disk watch needs a garbage collector and a usage function")
	}
	w := &DiskWatch{
		gc: opts.GC, clock: opts.Clock, log: opts.Logger, interval: opts.Interval,
		headroom: DefaultGCDiskHeadroom, delay: opts.GCDelay, usage: opts.Usage,
	}
	if opts.Headroom != nil {
		w.headroom = *opts.Headroom
	}
	if w.headroom < 0 || w.headroom > 1 {
		return nil, fmt.Errorf("invalid gc_disk_headroom %v: must be within [0.0, 1.0]", w.headroom)
	}
	if w.clock == nil {
		w.clock = SystemClock{}
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	if w.interval <= 0 {
		w.interval = DefaultDiskWatchInterval
	}
	if w.delay <= 0 {
		w.delay = DefaultGCDelay
	}
	return w, nil
}

// Check measures the disk once and prunes every path due within
// gc_delay - MaxAllowedAge: since paths are scheduled gc_delay ahead, those
// are the ones older than the allowed age. It returns that age.
func (w *DiskWatch) Check() (time.Duration, error) {
	usage, err := w.usage()
	if err != nil {
		w.log.Error("Failed to get disk usage", "error", err)
		return 0, fmt.Errorf("disk usage: %w", err)
	}
	age := MaxAllowedAge(w.delay, w.headroom, usage)
	w.log.Info("Current disk usage", "percent", fmt.Sprintf("%.2f", 100*usage), "max_allowed_age", age)
	w.gc.Prune(w.delay - age)
	return age, nil
}

// Start runs Check every interval until Stop.
func (w *DiskWatch) Start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || w.timer != nil {
		return
	}
	w.timer = w.clock.AfterFunc(w.interval, w.tick)
}

// Stop ends the periodic checks.
func (w *DiskWatch) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
}

func (w *DiskWatch) tick() {
	_, _ = w.Check()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return
	}
	w.timer = w.clock.AfterFunc(w.interval, w.tick)
}
