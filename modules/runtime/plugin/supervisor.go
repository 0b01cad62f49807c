package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gomesos/mesos/modules"
)

// errClosed: the instance was closed (or detached).
var errClosed = errors.New("module closed")

// supervisor keeps one module's process running: it notices when the
// process is gone, restarts it with backoff (re-feeding it through the
// kind adapter's reinit) and tells callers the module's state.
type supervisor struct {
	id     string
	ln     *launcher
	policy RestartPolicy
	log    *slog.Logger

	// reinit brings a restarted process back to where the previous one
	// was (the allocator's state, the isolator's containers). Set by the
	// kind adapter before start.
	reinit func(ctx context.Context, p *proc) error

	mu       sync.Mutex
	cur      *proc
	state    State
	changed  chan struct{} // closed and replaced on every state change
	version  int
	declared modules.Kind
	restarts int
	crashes  int
	lastErr  error
	stop     chan struct{}
	wg       sync.WaitGroup
}

func newSupervisor(ln *launcher) *supervisor {
	return &supervisor{
		id: ln.spec.ID(), ln: ln, policy: ln.opts.Restart, log: ln.log,
		state: StateStarting, changed: make(chan struct{}), stop: make(chan struct{}),
	}
}

// start starts the module's process, or reattaches to the one an earlier
// daemon left running.
func (s *supervisor) start(ctx context.Context) error {
	var p *proc
	if s.ln.detach != nil {
		p = s.tryReattach(ctx)
	}
	if p == nil {
		var rec *record
		var err error
		// Load checked the file's sha256.
		if p, rec, err = s.ln.start(ctx, false); err != nil {
			return err
		}
		s.persist(rec)
	}
	s.version, s.declared = p.version, p.declared
	s.log.Info("module plugin started", "pid", p.pid, "api_version", p.version, "reattached", p.reattached)
	s.run(p)
	return nil
}

// run makes p the current process and watches it.
func (s *supervisor) run(p *proc) {
	s.mu.Lock()
	s.cur = p
	s.setState(StateRunning)
	s.mu.Unlock()
	s.wg.Add(1)
	go s.watch(p)
}

// setState changes the state and wakes its waiters; s.mu is held.
func (s *supervisor) setState(st State) {
	s.state = st
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *supervisor) watch(p *proc) {
	defer s.wg.Done()
	select {
	case <-p.done.Done():
		s.lost(p, fmt.Errorf("plugin process %d exited", p.pid))
	case <-s.stop:
	}
}

// fail gives up on process p (if it is still the current one) because it
// failed a call in a way that leaves it unusable: it is killed and
// restarted.
func (s *supervisor) fail(p *proc, why error) {
	s.lost(p, fmt.Errorf("plugin process %d killed: %w", p.pid, why))
}

// lost handles the end of the current process p, a crash or a kill for
// failing: calls fail at once from now on, and the process is restarted
// after a backoff unless it crashed too often in a row.
func (s *supervisor) lost(p *proc, why error) {
	s.mu.Lock()
	if s.cur != p || s.state != StateRunning {
		s.mu.Unlock()
		return
	}
	s.cur = nil
	if time.Since(p.started) >= s.policy.StableAfter {
		s.crashes = 0
	}
	s.crashes++
	s.lastErr = why
	giveUp := s.policy.MaxCrashes < 0 || s.crashes > s.policy.MaxCrashes
	if giveUp {
		s.setState(StateFailed)
	} else {
		s.setState(StateRestarting)
	}
	crashes := s.crashes
	s.mu.Unlock()

	if p.done.Err() == nil {
		p.kill()
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		p.stop()
	}()
	if giveUp {
		s.log.Error("module plugin failed: not restarting it", "crashes_in_a_row", crashes, "error", why)
		return
	}
	delay := s.policy.backoff(crashes)
	s.log.Error("module plugin lost: restarting it", "crashes_in_a_row", crashes, "backoff", delay, "error", why)
	s.wg.Add(1)
	go s.restart(delay)
}

// restart starts a new process after delay, and again with a longer
// delay until one starts and takes its state back, or too many failed.
func (s *supervisor) restart(delay time.Duration) {
	defer s.wg.Done()
	for {
		select {
		case <-time.After(delay):
		case <-s.stop:
			return
		}
		p, err := s.restartOnce()
		s.mu.Lock()
		if s.state != StateRestarting {
			s.mu.Unlock()
			if p != nil {
				p.stop()
			}
			return
		}
		if err == nil {
			s.restarts++
			s.mu.Unlock()
			s.log.Info("module plugin restarted", "pid", p.pid)
			s.run(p)
			return
		}
		s.crashes++
		s.lastErr = err
		giveUp := s.crashes > s.policy.MaxCrashes
		if giveUp {
			s.setState(StateFailed)
		}
		crashes := s.crashes
		s.mu.Unlock()
		if giveUp {
			s.log.Error("module plugin failed: not restarting it", "crashes_in_a_row", crashes, "error", err)
			return
		}
		delay = s.policy.backoff(crashes)
		s.log.Error("module plugin restart failed", "crashes_in_a_row", crashes, "backoff", delay, "error", err)
	}
}

// restartOnce starts a process and re-feeds it.
func (s *supervisor) restartOnce() (*proc, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*s.ln.opts.StartTimeout)
	defer cancel()
	p, rec, err := s.ln.start(ctx, true)
	if err != nil {
		return nil, err
	}
	if p.version != s.version {
		p.stop()
		return nil, fmt.Errorf("%w: the restarted plugin speaks v%d, the module was loaded at v%d", modules.ErrAPIVersion, p.version, s.version)
	}
	if s.reinit != nil {
		if err := s.reinit(ctx, p); err != nil {
			p.stop()
			return nil, fmt.Errorf("re-feeding the restarted plugin: %w", err)
		}
	}
	s.persist(rec)
	return p, nil
}

// acquire returns the current process, or why there is none.
func (s *supervisor) acquire() (*proc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.currentLocked()
}

func (s *supervisor) currentLocked() (*proc, error) {
	switch s.state {
	case StateRunning:
		return s.cur, nil
	case StateStarting, StateRestarting:
		return nil, fmt.Errorf("%w: restarting (%v)", modules.ErrCrashed, s.lastErr)
	case StateFailed:
		return nil, fmt.Errorf("%w: failed for good after %d crashes in a row (%v)", modules.ErrCrashed, s.crashes, s.lastErr)
	}
	return nil, errClosed
}

// waitRunning waits for a running process (through restarts).
func (s *supervisor) waitRunning(ctx context.Context) (*proc, error) {
	for {
		s.mu.Lock()
		p, err := s.currentLocked()
		restarting := s.state == StateRestarting || s.state == StateStarting
		ch := s.changed
		s.mu.Unlock()
		if !restarting {
			return p, err
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// status is a snapshot for Supervised.
func (s *supervisor) status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{State: s.state, APIVersion: s.version, Restarts: s.restarts, Crashes: s.crashes, LastError: s.lastErr}
	if s.cur != nil {
		st.PID, st.Reattached = s.cur.pid, s.cur.reattached
	}
	return st
}

// close stops the process (detach: lets go of it) and the supervision.
func (s *supervisor) close(ctx context.Context, detach bool) error {
	s.mu.Lock()
	if s.state == StateClosed || s.state == StateDetached {
		s.mu.Unlock()
		return nil
	}
	p := s.cur
	s.cur = nil
	if detach {
		s.setState(StateDetached)
	} else {
		s.setState(StateClosed)
	}
	close(s.stop)
	s.mu.Unlock()

	done := make(chan struct{})
	go func() {
		defer close(done)
		if p != nil {
			if detach {
				_ = p.cc.Close()
			} else {
				p.stop()
			}
		}
		s.wg.Wait()
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("closing module %s: %w", s.id, ctx.Err())
	}
	if !detach && s.ln.detach != nil {
		if err := removeRecord(s.ln.detach.record); err != nil {
			return fmt.Errorf("closing module %s: %w", s.id, err)
		}
	}
	return nil
}
