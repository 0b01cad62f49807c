package containerizer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Errors of AttachInput.
var (
	// ErrNoInput: the container was launched without an input stream
	// (only LAUNCH_NESTED_CONTAINER_SESSION containers and containers
	// with a TTY have one here).
	ErrNoInput = errors.New("container was launched without an input stream")
	// ErrInputAttached: another client is attached to the input.
	ErrInputAttached = errors.New("another client is attached to the container's input")
	// ErrInputClosed: a client already sent end of file.
	ErrInputClosed = errors.New("the container's input was closed")
)

// stdinFIFO is the named pipe in a container's runtime directory that is
// its command's stdin when it was launched with an input stream.
const stdinFIFO = "stdin"

// input is a container's stdin stream, Mesos's I/O switchboard reduced to
// its input side: a FIFO whose write end the containerizer holds while it
// runs (so the command does not see end of file between two attached
// clients). The container's supervisor reads the FIFO and relays it to
// the command (its terminal, or the pipe that is its stdin), so that the
// command's input outlives the agent: a restarted agent opens the FIFO
// again (recoverInput). End of file, which the supervisor cannot tell
// from the agent going away, is the FIFO's end-of-file mark
// (launcher.MarkStdinEOF) made before the write end is closed.
type input struct {
	mu       sync.Mutex
	f        *os.File // the write end (opened read-write, see openInput); nil once closed
	attached bool
	tty      bool   // the command reads it through a terminal (launcher.TTY)
	dir      string // the container's runtime directory
}

// path is the FIFO's.
func (in *input) path() string { return filepath.Join(in.dir, stdinFIFO) }

// openInput makes the FIFO in dir and opens it. It is opened read-write,
// which never blocks on a FIFO, before the command opens it read-only:
// the command then never waits for a writer and sees end of file only
// once this end is closed. Non-blocking mode makes writes go through the
// runtime's poller, so that a write to a command that does not read can
// be abandoned (AttachedInput.Write's context).
func openInput(dir string) (*input, string, error) {
	path := filepath.Join(dir, stdinFIFO)
	if err := unix.Mkfifo(path, 0o600); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, "", fmt.Errorf("create stdin FIFO: %w", err)
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, "", fmt.Errorf("open stdin FIFO: %w", err)
	}
	return &input{f: os.NewFile(uintptr(fd), path), dir: dir}, path, nil
}

// close lets go of the stream (container destroyed, or agent stopping).
// It is not end of file for the command: see endOfFile.
func (in *input) close() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.f != nil {
		in.f.Close()
		in.f = nil
	}
}

// AttachedInput is one client's hold on a container's stdin. Only one
// client is attached at a time, as in Mesos.
type AttachedInput struct {
	in   *input
	once sync.Once
}

// AttachInput attaches to the stdin of a running container launched with
// LaunchRequest.Input.
func (c *Containerizer) AttachInput(id *mesospb.ContainerID) (*AttachedInput, error) {
	c.mu.Lock()
	ct := c.containers[key(id)]
	c.mu.Unlock()
	if ct == nil {
		return nil, fmt.Errorf("attach input of container %s: %w", key(id), ErrUnknownContainer)
	}
	in := ct.input
	if in == nil {
		return nil, fmt.Errorf("attach input of container %s: %w", key(id), ErrNoInput)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	switch {
	case in.f == nil:
		return nil, fmt.Errorf("attach input of container %s: %w", key(id), ErrInputClosed)
	case in.attached:
		return nil, fmt.Errorf("attach input of container %s: %w", key(id), ErrInputAttached)
	}
	in.attached = true
	_ = in.f.SetWriteDeadline(time.Time{}) // an earlier client's abandoned write set it
	return &AttachedInput{in: in}, nil
}

// Write writes data to the container's stdin, blocking while the pipe is
// full, until ctx ends.
func (a *AttachedInput) Write(ctx context.Context, data []byte) error {
	a.in.mu.Lock()
	f := a.in.f
	a.in.mu.Unlock()
	if f == nil {
		return ErrInputClosed
	}
	stop := context.AfterFunc(ctx, func() { _ = f.SetWriteDeadline(time.Now()) })
	defer stop()
	if _, err := f.Write(data); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("write to the container's stdin: %w", err)
	}
	return nil
}

// CloseInput sends end of file: the container's stdin is closed for good.
// On a terminal there is no such thing (the client sends ^D, which the
// terminal turns into end of file for its reader), so it does nothing
// there, as Mesos ignores empty data for a TTY. It fails, leaving the
// stream open, when the end of file cannot be recorded.
func (a *AttachedInput) CloseInput() error {
	if a.in.tty {
		return nil
	}
	return a.in.endOfFile()
}

// endOfFile marks the FIFO's end, after everything written (the
// supervisor relays the FIFO to its last byte, then closes the
// command's stdin), and closes the write end.
func (in *input) endOfFile() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.f == nil {
		return nil
	}
	if err := launcher.MarkStdinEOF(in.path()); err != nil {
		return fmt.Errorf("end the container's stdin: %w", err)
	}
	in.f.Close()
	in.f = nil
	return nil
}

// TTY reports whether the container's command runs on a terminal.
func (a *AttachedInput) TTY() bool { return a.in.tty }

// Resize sets the window size of the container's terminal; the command
// gets SIGWINCH. It fails with launcher.ErrNoTTY for a container without
// one.
func (a *AttachedInput) Resize(rows, columns uint32) error {
	if !a.in.tty {
		return launcher.ErrNoTTY
	}
	r, c, err := windowSize(rows, columns)
	if err != nil {
		return err
	}
	// Held while resizing: the container is not destroyed meanwhile (its
	// destroy closes the input first), so the device is still its
	// terminal and not a later one's with the same number.
	a.in.mu.Lock()
	defer a.in.mu.Unlock()
	if a.in.f == nil {
		return ErrInputClosed
	}
	return launcher.ResizeTTY(a.in.dir, r, c)
}

// Detach lets another client attach; the stdin stays open.
func (a *AttachedInput) Detach() {
	a.once.Do(func() {
		a.in.mu.Lock()
		a.in.attached = false
		a.in.mu.Unlock()
	})
}
