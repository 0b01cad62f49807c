package launcher

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// stdinFIFO makes the fixture's container directory and a stdin FIFO in
// it, as the containerizer does for a container with an input.
func (f *fixture) stdinFIFO(t *testing.T) string {
	t.Helper()
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(f.dir, "stdin")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	return fifo
}

// stdinFixture starts a command reading a stdin FIFO the test writes as
// the agent does: opened read-write before the fork.
func stdinFixture(t *testing.T, script string) (*fixture, Process, string, *os.File) {
	t.Helper()
	f := newFixture(t)
	fifo := f.stdinFIFO(t)
	w := openWriter(t, fifo)
	spec := f.spec("/bin/sh", "-c", script)
	spec.Stdin = fifo
	p := f.start(spec)
	return f, p, fifo, w
}

func openWriter(t *testing.T, fifo string) *os.File {
	t.Helper()
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func waitStdout(t *testing.T, f *fixture, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(f.read("stdout"), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stdout %q, waiting for %q", f.read("stdout"), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The writer of the stdin FIFO going away (the agent stopping) is not end
// of file for the command: the supervisor relays what the next writer
// writes, until one marks the end. The spec says the supervisor relays.
func TestStdinOutlivesItsWriter(t *testing.T) {
	f, p, fifo, w := stdinFixture(t, `while read line; do echo "got:$line"; done; echo eof`)
	if !RelaysStdin(f.dir) {
		t.Error("RelaysStdin false for a spec with a Stdin and no TTY")
	}
	if _, err := w.WriteString("one\n"); err != nil {
		t.Fatal(err)
	}
	w.Close() // the agent stops
	waitStdout(t, f, "got:one\n")
	time.Sleep(200 * time.Millisecond)
	if out := f.read("stdout"); strings.Contains(out, "eof") {
		t.Fatalf("stdout %q: the command saw end of file when its writer went away", out)
	}
	select {
	case <-p.Done():
		t.Fatal("the command ended when its writer went away")
	default:
	}

	// Twice: the supervisor waits for each next writer.
	w = openWriter(t, fifo)
	if _, err := w.WriteString("two\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	waitStdout(t, f, "got:two\n")

	w = openWriter(t, fifo)
	if _, err := w.WriteString("three\n"); err != nil {
		t.Fatal(err)
	}
	if err := MarkStdinEOF(fifo); err != nil {
		t.Fatal(err)
	}
	w.Close()
	st := wait(t, p, 10*time.Second)
	if !st.Known || st.WaitStatus.ExitStatus() != 0 {
		t.Errorf("exit status %v, want 0", st)
	}
	if got := f.read("stdout"); got != "got:one\ngot:two\ngot:three\neof\n" {
		t.Errorf("stdout %q, want the three lines and eof", got)
	}
	// The supervisor waited for a writer at most once per writer that
	// went, without spinning: after the first (the test waits 200 ms
	// there), and after the second unless the third came before the
	// supervisor saw the second go.
	log, err := os.ReadFile(filepath.Join(f.dir, supervisorLog))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(log), "has no writer"); n < 1 || n > 2 {
		t.Errorf("supervisor waited for a writer %d times, want 1 or 2:\n%s", n, log)
	}
}

// A writer that comes, marks the end without writing and goes while the
// supervisor waits for a writer ends the command's input: the poll of
// the reopened FIFO sees it come and go.
func TestStdinEndOfFileFromTheNextWriter(t *testing.T) {
	f, p, fifo, w := stdinFixture(t, `cat; echo eof`)
	if _, err := w.WriteString("before\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	waitStdout(t, f, "before\n")
	time.Sleep(100 * time.Millisecond) // the supervisor waits for a writer
	w = openWriter(t, fifo)
	if err := MarkStdinEOF(fifo); err != nil {
		t.Fatal(err)
	}
	w.Close()
	wait(t, p, 10*time.Second)
	if got := f.read("stdout"); got != "before\neof\n" {
		t.Errorf("stdout %q, want the line and eof", got)
	}
}

// A command that stops reading its stdin does not leave the writer stuck
// on a full FIFO: the supervisor drops the input it can no longer
// deliver.
func TestStdinAfterTheCommandClosedIt(t *testing.T) {
	f, p, fifo, w := stdinFixture(t, `exec 0<&-; echo closed; sleep 30`)
	waitStdout(t, f, "closed\n")
	done := make(chan error, 1)
	go func() {
		_, err := w.Write(make([]byte, 1<<20))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a write to the FIFO of a command that closed its stdin blocks")
	}
	if err := MarkStdinEOF(fifo); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.l.Destroy(ctx, p); err != nil {
		t.Fatal(err)
	}
}

// A spec without a Stdin, or with a TTY (whose supervisor relays the
// FIFO to the terminal its own way), is not marked as relayed.
func TestRelaysStdinOnlyForAPlainStdin(t *testing.T) {
	f := newFixture(t)
	f.start(f.spec("/bin/true"))
	if RelaysStdin(f.dir) {
		t.Error("RelaysStdin true without a Stdin")
	}
	if RelaysStdin(filepath.Join(f.dir, "missing")) {
		t.Error("RelaysStdin true without a spec")
	}
}
