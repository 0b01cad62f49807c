package launcher

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// Process is a container's first process: its supervisor.
type Process interface {
	// Pid is the supervisor's pid on the host.
	Pid() int
	// StartTicks is the supervisor's start time (see procfs.Process); with
	// the pid it tells the supervisor from a later process with its pid.
	StartTicks() uint64
	// Continue lets a freshly forked supervisor run the command. Until
	// then it waits, so that it can be isolated first.
	Continue() error
	// Done is closed when the supervisor has exited.
	Done() <-chan struct{}
	// ExitStatus is how the command ended; valid once Done is closed.
	ExitStatus() ExitStatus
}

// process is the Process of this package's launcher.
type process struct {
	dir   string
	pid   int
	start uint64

	mu     sync.Mutex
	sync   *os.File // the write end of the go-ahead pipe; nil once used
	status ExitStatus
	// clean: the supervisor exited normally and left no process behind.
	clean bool

	done chan struct{}
}

func (p *process) Pid() int              { return p.pid }
func (p *process) StartTicks() uint64    { return p.start }
func (p *process) Done() <-chan struct{} { return p.done }

func (p *process) ExitStatus() ExitStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

func (p *process) Continue() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sync == nil {
		return errors.New("supervisor already continued or not started by this launcher")
	}
	_, err := p.sync.Write([]byte{1})
	closeErr := p.sync.Close()
	p.sync = nil
	if err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("signal supervisor %d to start the command: %w", p.pid, err)
	}
	return nil
}

// abort closes the go-ahead pipe without a go-ahead: the supervisor exits
// without running the command.
func (p *process) abort() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sync != nil {
		p.sync.Close()
		p.sync = nil
	}
}

// finish records the exit status and closes Done. The checkpointed status
// (written by the supervisor) wins over fallback, which is what we saw of
// the supervisor itself.
func (p *process) finish(fallback ExitStatus) {
	st, clean, err := readStatus(p.dir)
	if err != nil || !st.Known {
		st, clean = fallback, false
	}
	p.mu.Lock()
	p.status = st
	p.clean = clean
	p.mu.Unlock()
	p.abort()
	close(p.done)
}

// endedClean reports whether the supervisor has exited and left nothing
// running: its status file says it killed and reaped every descendant,
// and while it lived every orphan of the container was its descendant
// (it is a child subreaper).
func (p *process) endedClean() bool {
	select {
	case <-p.done:
	default:
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clean
}
