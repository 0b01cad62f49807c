package launcher

import (
	"fmt"
	"log/slog"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The terminal's master and slave, as the supervisor inherits them.
const (
	ptyMasterFd = 7
	ptySlaveFd  = 8
)

// terminal is the supervisor's side of a container's pseudo-terminal
// (Spec.TTY): it holds the master for the container's life, copies what
// the terminal writes to the container's stdout and what the stdin FIFO
// brings to the terminal's input. Holding the master here rather than in
// the agent keeps the terminal, and the recording of its output, alive
// across agent restarts, like the rest of the container.
type terminal struct {
	master *os.File
	slave  *os.File
	input  *os.File      // the stdin FIFO's read end, nil without one
	writer *os.File      // held so that the FIFO never reads end of file
	out    chan struct{} // closed when the output copy has ended
	log    *slog.Logger
}

// inheritTerminal takes the master and slave the launcher passed. The
// master is made non-blocking (the launcher's os/exec made the shared
// file description blocking) so that its reads go through the runtime's
// poller and can be given a deadline.
func inheritTerminal(log *slog.Logger) (*terminal, error) {
	syscall.CloseOnExec(ptyMasterFd)
	syscall.CloseOnExec(ptySlaveFd)
	if err := unix.SetNonblock(ptyMasterFd, true); err != nil {
		return nil, fmt.Errorf("make the terminal's master non-blocking: %w", err)
	}
	return &terminal{
		master: os.NewFile(ptyMasterFd, "pty-master"),
		slave:  os.NewFile(ptySlaveFd, "pty-slave"),
		log:    log,
	}, nil
}

// takeInput takes the stdin FIFO's read end the launcher opened (fd; the
// spec's Stdin is its path, empty for none) and makes it non-blocking,
// for the poller. It also holds a write end, so that the FIFO never reads
// end of file: the agent that writes it may go away and the next one
// reopen it (end of input on a terminal is the ^D a client sends, not
// the end of the FIFO).
func (t *terminal) takeInput(fd int, path string) error {
	if path == "" {
		return nil
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return fmt.Errorf("make %s non-blocking: %w", path, err)
	}
	t.input = os.NewFile(uintptr(fd), path)
	wfd, err := unix.Open(path, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s for writing: %w", path, err)
	}
	t.writer = os.NewFile(uintptr(wfd), path)
	return nil
}

// stdio is what the command gets as fds 0, 1 and 2.
func (t *terminal) stdio() []uintptr {
	fd := t.slave.Fd()
	return []uintptr{fd, fd, fd}
}

// started closes our slave, now that the command has its own (the
// master reads end of file, EIO, once no process has the slave open), and
// starts the copies.
func (t *terminal) started(stdout *os.File) {
	t.slave.Close()
	t.out = make(chan struct{})
	go func() {
		defer close(t.out)
		t.copyOutput(stdout)
	}()
	if t.input != nil {
		go t.copyInput()
	}
}

// copyOutput copies the terminal's output until no process has the
// slave open. A failed write drops its data (logged once) but the master
// is drained whatever happens, so that the command never blocks on it.
func (t *terminal) copyOutput(stdout *os.File) {
	buf := make([]byte, 32<<10)
	failing := false
	for {
		n, err := t.master.Read(buf)
		if n > 0 {
			if _, werr := stdout.Write(buf[:n]); werr != nil && !failing {
				failing = true
				t.log.Error("writing the terminal's output failed; dropping it", "err", werr)
			}
		}
		if err != nil {
			return // EIO: the slave is closed everywhere (or the deadline of finish)
		}
	}
}

// copyInput writes what the stdin FIFO brings to the terminal for the
// container's life (until the terminal is gone).
func (t *terminal) copyInput() {
	buf := make([]byte, 32<<10)
	for {
		n, err := t.input.Read(buf)
		if n > 0 {
			if _, werr := t.master.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// finish waits, at most d, for the output copy to read what the
// command's processes wrote before they ended, so that the exit status
// is checkpointed (and the agent ends the container's output streams)
// only once all of it is in the stdout file. A process outside the
// container holding the slave open would keep the copy going: the
// deadline ends it.
func (t *terminal) finish(d time.Duration) {
	if t.out == nil {
		return
	}
	select {
	case <-t.out:
		return
	case <-time.After(d):
	}
	t.log.Warn("the terminal is still open after the command ended; not copying its output any more", "waited", d)
	_ = t.master.SetReadDeadline(time.Now())
	select {
	case <-t.out:
	case <-time.After(time.Second):
	}
}
