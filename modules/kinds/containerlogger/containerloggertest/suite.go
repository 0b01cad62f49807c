// Package containerloggertest is the conformance suite of the
// ContainerLogger module kind: what every container logger does wherever
// it sends the output. The built-in loggers run it, and so do plugin and
// WASM loggers.
//
// The suite plays the agent: it prepares containers in temporary
// sandboxes and produces their output the way the agent would, writing
// into PATH files itself and passing FORWARD bytes to Write.
package containerloggertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
)

// Fixture is what the suite needs of a logger under test.
type Fixture struct {
	// New returns a fresh logger (a new agent's).
	New func(t *testing.T) containerlogger.ContainerLogger
	// Read, if set, returns everything the logger kept of a container's
	// stream so far, so that the suite can check that nothing was lost or
	// mixed up. Loggers that ship output elsewhere leave it nil.
	Read func(t *testing.T, c *containerlogger.Container, s containerlogger.Stream) []byte
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh logger.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"RecoverNothing", recoverNothing},
		{"Prepare", prepare},
		{"Output", output},
		{"TwoContainers", twoContainers},
		{"RecoverThenPrepare", recoverThenPrepare},
		{"RecoveredContainerKeepsLogging", recoveredKeepsLogging},
		{"WriteUnknownContainer", writeUnknown},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// NewContainer is a container with a fresh sandbox.
func NewContainer(t *testing.T, name string) *containerlogger.Container {
	return &containerlogger.Container{
		ContainerId: &mesospb.ContainerID{Value: proto.String(name)},
		ExecutorInfo: &mesospb.ExecutorInfo{
			ExecutorId:  &mesospb.ExecutorID{Value: proto.String("executor-" + name)},
			FrameworkId: &mesospb.FrameworkID{Value: proto.String("framework")},
			Command:     &mesospb.CommandInfo{Value: proto.String("sleep 1000")},
		},
		Directory: t.TempDir(),
	}
}

// stream is one prepared output stream, written as the agent would.
type stream struct {
	logger    containerlogger.ContainerLogger
	container *containerlogger.Container
	which     containerlogger.Stream
	io        *containerlogger.IO
	file      *os.File
}

func open(t *testing.T, l containerlogger.ContainerLogger, c *containerlogger.Container) (out, err *stream) {
	t.Helper()
	resp, e := l.Prepare(ctx(t), &containerlogger.PrepareRequest{Container: c})
	if e != nil {
		t.Fatalf("Prepare = %v", e)
	}
	if e := containerlogger.Check(resp); e != nil {
		t.Fatalf("Prepare's answer %v: %v", resp, e)
	}
	mk := func(which containerlogger.Stream, io *containerlogger.IO) *stream {
		s := &stream{logger: l, container: c, which: which, io: io}
		if io.GetType() == containerlogger.IO_PATH {
			f, e := os.OpenFile(io.GetPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
			if e != nil {
				t.Fatalf("open %s: %v", io.GetPath(), e)
			}
			t.Cleanup(func() { _ = f.Close() })
			s.file = f
		}
		return s
	}
	return mk(containerlogger.Stream_STDOUT, resp.GetStdout()), mk(containerlogger.Stream_STDERR, resp.GetStderr())
}

// send writes data as the process and the agent would.
func (s *stream) send(c context.Context, data []byte) error {
	if s.file != nil {
		_, err := s.file.Write(data)
		return err
	}
	for len(data) > 0 {
		n := min(len(data), containerlogger.MaxChunk)
		_, err := s.logger.Write(c, &containerlogger.WriteRequest{ContainerId: s.container.GetContainerId(), Stream: s.which, Data: data[:n]})
		if err != nil {
			return fmt.Errorf("Write: %w", err)
		}
		data = data[n:]
	}
	return nil
}

// end ends the stream as the process's exit would.
func (s *stream) end(c context.Context) error {
	if s.file != nil {
		return s.file.Close()
	}
	if _, err := s.logger.Close(c, &containerlogger.CloseRequest{ContainerId: s.container.GetContainerId(), Stream: s.which}); err != nil {
		return fmt.Errorf("Close: %w", err)
	}
	return nil
}

func (s *stream) write(t *testing.T, data []byte) {
	t.Helper()
	if err := s.send(ctx(t), data); err != nil {
		t.Fatal(err)
	}
}

func (s *stream) close(t *testing.T) {
	t.Helper()
	if err := s.end(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, f Fixture, c *containerlogger.Container, which containerlogger.Stream, want []byte) {
	t.Helper()
	if f.Read == nil {
		return
	}
	if got := f.Read(t, c, which); !bytes.Equal(got, want) {
		t.Errorf("%s of %s: got %d bytes %.80q, want %d bytes %.80q",
			containerlogger.FileName(which), c.GetContainerId().GetValue(), len(got), got, len(want), want)
	}
}

func recoverNothing(t *testing.T, f Fixture) {
	if _, err := f.New(t).Recover(ctx(t), &containerlogger.RecoverRequest{}); err != nil {
		t.Fatalf("Recover(nothing) = %v", err)
	}
}

func prepare(t *testing.T, f Fixture) {
	l := f.New(t)
	if _, err := l.Recover(ctx(t), &containerlogger.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	out, errs := open(t, l, NewContainer(t, "prepare"))
	out.close(t)
	errs.close(t)
}

func output(t *testing.T, f Fixture) {
	l := f.New(t)
	if _, err := l.Recover(ctx(t), &containerlogger.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	c := NewContainer(t, "output")
	out, errs := open(t, l, c)
	var wantOut, wantErr []byte
	for i := range 50 {
		line := fmt.Appendf(nil, "stdout line %d\n", i)
		out.write(t, line)
		wantOut = append(wantOut, line...)
		line = fmt.Appendf(nil, "stderr line %d\n", i)
		errs.write(t, line)
		wantErr = append(wantErr, line...)
	}
	// One write larger than the agent's chunk.
	big := bytes.Repeat([]byte("x"), containerlogger.MaxChunk+10)
	out.write(t, big)
	wantOut = append(wantOut, big...)
	out.close(t)
	errs.close(t)
	check(t, f, c, containerlogger.Stream_STDOUT, wantOut)
	check(t, f, c, containerlogger.Stream_STDERR, wantErr)
}

func twoContainers(t *testing.T, f Fixture) {
	l := f.New(t)
	if _, err := l.Recover(ctx(t), &containerlogger.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	a, b := NewContainer(t, "a"), NewContainer(t, "b")
	aOut, aErr := open(t, l, a)
	bOut, bErr := open(t, l, b)
	var wg sync.WaitGroup
	for _, s := range []*stream{aOut, aErr, bOut, bErr} {
		c := ctx(t)
		wg.Go(func() {
			for i := range 20 {
				if err := s.send(c, fmt.Appendf(nil, "%s %s %d\n", s.container.GetContainerId().GetValue(), containerlogger.FileName(s.which), i)); err != nil {
					t.Error(err)
					return
				}
			}
			if err := s.end(c); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, c := range []*containerlogger.Container{a, b} {
		for _, which := range []containerlogger.Stream{containerlogger.Stream_STDOUT, containerlogger.Stream_STDERR} {
			var want []byte
			for i := range 20 {
				want = fmt.Appendf(want, "%s %s %d\n", c.GetContainerId().GetValue(), containerlogger.FileName(which), i)
			}
			check(t, f, c, which, want)
		}
	}
}

func recoverThenPrepare(t *testing.T, f Fixture) {
	first := f.New(t)
	if _, err := first.Recover(ctx(t), &containerlogger.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	old := NewContainer(t, "old")
	out, errs := open(t, first, old)
	out.write(t, []byte("before restart\n"))
	out.close(t)
	errs.close(t)

	// The agent restarts: a new logger recovers the container, and a new
	// container is launched.
	second := f.New(t)
	if _, err := second.Recover(ctx(t), &containerlogger.RecoverRequest{Containers: []*containerlogger.Container{old}}); err != nil {
		t.Fatalf("Recover = %v", err)
	}
	c := NewContainer(t, "new")
	out, errs = open(t, second, c)
	out.write(t, []byte("after restart\n"))
	out.close(t)
	errs.close(t)
	check(t, f, old, containerlogger.Stream_STDOUT, []byte("before restart\n"))
	check(t, f, c, containerlogger.Stream_STDOUT, []byte("after restart\n"))
}

// recoveredKeepsLogging: a container runs on through an agent restart.
// What it writes afterwards goes where its output went before, through
// the new agent's logger (for FORWARD streams, its Write): the logger's
// Recover must rebuild whatever it keeps per container.
func recoveredKeepsLogging(t *testing.T, f Fixture) {
	first := f.New(t)
	if _, err := first.Recover(ctx(t), &containerlogger.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	c := NewContainer(t, "running")
	out, errs := open(t, first, c)
	out.write(t, []byte("out before restart\n"))
	errs.write(t, []byte("err before restart\n"))

	// The agent goes away without closing the streams: the container
	// runs on, and the next agent's logger recovers it.
	second := f.New(t)
	if _, err := second.Recover(ctx(t), &containerlogger.RecoverRequest{Containers: []*containerlogger.Container{c}}); err != nil {
		t.Fatalf("Recover = %v", err)
	}
	out.logger, errs.logger = second, second
	out.write(t, []byte("out after restart\n"))
	errs.write(t, []byte("err after restart\n"))
	out.close(t)
	errs.close(t)
	check(t, f, c, containerlogger.Stream_STDOUT, []byte("out before restart\nout after restart\n"))
	check(t, f, c, containerlogger.Stream_STDERR, []byte("err before restart\nerr after restart\n"))
}

func writeUnknown(t *testing.T, f Fixture) {
	l := f.New(t)
	if _, err := l.Recover(ctx(t), &containerlogger.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	// An error is fine; a panic or a hang is not.
	id := &mesospb.ContainerID{Value: proto.String("never-prepared")}
	_, _ = l.Write(ctx(t), &containerlogger.WriteRequest{ContainerId: id, Stream: containerlogger.Stream_STDOUT, Data: []byte("x")})
	_, _ = l.Close(ctx(t), &containerlogger.CloseRequest{ContainerId: id, Stream: containerlogger.Stream_STDOUT})
}
