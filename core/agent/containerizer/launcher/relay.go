package launcher

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// A command without a terminal that reads a stdin FIFO (Spec.Stdin, a
// session's input) does not read the FIFO itself: its stdin is a pipe
// whose only writer is the supervisor, which relays what the FIFO
// brings. The agent that writes the FIFO may go away (restart) without
// the command seeing end of file, since the command's pipe stays open;
// the supervisor then waits for the next agent to open the FIFO. End of
// file is explicit: before closing the FIFO for good, the agent creates
// the FIFO's end-of-file mark (MarkStdinEOF), and the supervisor, once
// no writer is left, closes the command's pipe if the mark is there and
// waits for the next writer otherwise. This is the input side of Mesos's
// I/O switchboard, which also outlives the agent.

// stdinEOFSuffix names a stdin FIFO's end-of-file mark (path + suffix).
const stdinEOFSuffix = ".eof"

// MarkStdinEOF records that the input of the stdin FIFO at path is over.
// Call it after the last write and before closing the write end: the
// supervisor looks for the mark once no process has the FIFO open for
// writing, and then closes the command's stdin.
func MarkStdinEOF(path string) error {
	f, err := os.OpenFile(path+stdinEOFSuffix, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("mark the end of %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("mark the end of %s: %w", path, err)
	}
	return nil
}

// StdinEOFMarked reports whether MarkStdinEOF was called for the stdin
// FIFO at path.
func StdinEOFMarked(path string) bool {
	_, err := os.Lstat(path + stdinEOFSuffix)
	return err == nil
}

// RelaysStdin reports whether the supervisor of the container whose
// runtime directory is dir relays its command's stdin from a FIFO
// (Spec.RelayStdin): its input outlives the agent, so that a restarted
// agent may reopen the FIFO and write on. False for a container launched
// before relaying existed, whose command read end of file when the agent
// that held the FIFO went away.
func RelaysStdin(dir string) bool {
	spec, err := readSpec(dir)
	return err == nil && spec.RelayStdin && spec.Stdin != ""
}

// stdinRelay is the supervisor's copy from the stdin FIFO to the
// command's stdin pipe.
type stdinRelay struct {
	path string
	fifo int      // the FIFO's current read end, non-blocking
	r    int      // the command's stdin (the pipe's read end), until started
	w    *os.File // the pipe's write end, the only one
	log  *slog.Logger
}

// newStdinRelay takes the FIFO's read end the launcher opened (fd; path
// is the FIFO) and creates the command's stdin pipe.
func newStdinRelay(fd int, path string, log *slog.Logger) (*stdinRelay, error) {
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, fmt.Errorf("make %s non-blocking: %w", path, err)
	}
	// Raw descriptors rather than os.Pipe: the command's end must stay
	// blocking (os.Pipe makes both non-blocking, for the poller), and
	// both are close-on-exec so that only the command's dup of the read
	// end (its fd 0) leaves the supervisor.
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return nil, fmt.Errorf("create the command's stdin pipe: %w", err)
	}
	return &stdinRelay{path: path, fifo: fd, r: p[0], w: os.NewFile(uintptr(p[1]), "stdin-pipe"), log: log}, nil
}

// stdin is the descriptor the command gets as fd 0.
func (s *stdinRelay) stdin() uintptr { return uintptr(s.r) }

// started closes our copy of the command's end (the command has its
// own) and starts relaying, for the container's life.
func (s *stdinRelay) started() {
	unix.Close(s.r)
	s.r = -1
	go s.run()
}

// abort closes everything when the command did not start.
func (s *stdinRelay) abort() {
	if s.r >= 0 {
		unix.Close(s.r)
	}
	s.w.Close()
	unix.Close(s.fifo)
}

// run copies the FIFO to the command until the end-of-file mark. It
// waits with poll(2) before each read: a read end opened while no
// process has the FIFO open for writing reads end of file at once, but
// polls as nothing to do until a writer comes (and goes).
func (s *stdinRelay) run() {
	defer func() {
		if s.w != nil {
			s.w.Close()
		}
	}()
	buf := make([]byte, 32<<10)
	var reopened time.Time
	for {
		if err := waitReadable(s.fifo); err != nil {
			s.log.Error("waiting for the stdin FIFO failed; closing the command's stdin", "err", err)
			return
		}
		n, err := unix.Read(s.fifo, buf)
		switch {
		case n > 0:
			s.write(buf[:n])
			continue
		case errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR):
			continue
		case err != nil:
			s.log.Error("reading the stdin FIFO failed; closing the command's stdin", "err", err)
			return
		}
		// A kernel whose poll reported a FIFO that never had a writer
		// as hung up would make this loop spin: slow it down.
		if time.Since(reopened) < 10*time.Millisecond {
			time.Sleep(100 * time.Millisecond)
		}
		// End of file: no process has the FIFO open for writing. A new
		// read end is opened before the old one is closed, so that the
		// pipe, and what a new writer may already have put in it, is
		// never dropped; and before the mark is looked at: a writer that
		// marks later opened the FIFO before the mark, and so either
		// after the new read end (whose poll then sees it) or before it
		// (still open then, or already marked).
		fd, err := unix.Open(s.path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			s.log.Error("reopening the stdin FIFO failed; closing the command's stdin", "err", err)
			return
		}
		unix.Close(s.fifo)
		s.fifo, reopened = fd, time.Now()
		if StdinEOFMarked(s.path) {
			s.drain(buf)
			return
		}
		s.log.Info("the stdin FIFO has no writer; waiting for the next one")
	}
}

// drain relays what the FIFO holds (what the last writer wrote before
// it marked the end) without waiting for more.
func (s *stdinRelay) drain(buf []byte) {
	for {
		n, err := unix.Read(s.fifo, buf)
		if n > 0 {
			s.write(buf[:n])
			continue
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		return
	}
}

// write writes to the command's stdin, blocking while the command does
// not read. Once the command closed its stdin (EPIPE) the data is
// dropped, so that writers are never stuck on a full FIFO.
func (s *stdinRelay) write(data []byte) {
	if s.w == nil {
		return
	}
	if _, err := s.w.Write(data); err != nil {
		s.log.Info("the command's stdin is closed; dropping its input", "err", err)
		s.w.Close()
		s.w = nil
	}
}

// waitReadable waits until fd has data or its last writer went away.
func waitReadable(fd int) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(fds, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		return nil
	}
}
