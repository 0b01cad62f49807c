package launcher

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// waitFor polls a sandbox file until it contains want.
func (f *fixture) waitFor(name, want string) string {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(filepath.Join(f.sandbox, name))
		if strings.Contains(string(data), want) {
			return string(data)
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("%s = %q, waiting for %q", name, data, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A command with a TTY runs on a fresh pseudo-terminal of the given size,
// which is its controlling terminal: what the stdin FIFO brings is its
// terminal input, a resize reaches it as SIGWINCH, and its stdout and
// stderr come out of the terminal into the stdout file.
func TestTTY(t *testing.T) {
	f := newFixture(t)
	fifo := f.stdinFIFO(t)
	// Held open like the containerizer holds it, so that the command
	// never reads end of file from the FIFO.
	in, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	spec := f.spec("/bin/sh", "-c", `trap 'echo winch' WINCH; tty; stty size; echo err >&2; `+
		`echo ready; x=; until [ -n "$x" ]; do read x; done; echo "got:$x"; stty size; exit 4`)
	spec.Stdin = fifo
	spec.TTY = &TTY{Rows: 24, Columns: 80}
	p := f.start(spec)
	out := f.waitFor("stdout", "ready")
	path, err := os.ReadFile(filepath.Join(f.dir, ttyFile))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/dev/pts/[0-9]+$`).Match(path) || !strings.HasPrefix(out, string(path)+"\r\n") {
		t.Errorf("stdout %q, want the terminal %s first", out, path)
	}
	if !strings.Contains(out, "\r\n24 80\r\n") || !strings.Contains(out, "err\r\n") {
		t.Errorf("stdout %q, want the initial size 24 80 and stderr through the terminal", out)
	}
	if err := ResizeTTY(f.dir, 30, 100); err != nil {
		t.Fatalf("ResizeTTY: %v", err)
	}
	// The trap may interrupt a read (which dash then ends empty): the
	// command reads until it has a line.
	f.waitFor("stdout", "winch")
	if _, err := in.WriteString("hello\n"); err != nil {
		t.Fatal(err)
	}
	st := wait(t, p, 10*time.Second)
	if !st.Known || st.WaitStatus.ExitStatus() != 4 {
		t.Errorf("exit status %v, want 4", st)
	}
	out = f.read("stdout")
	for _, want := range []string{"hello\r\n", "got:hello\r\n", "30 100\r\n", "winch\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout %q, want %q in it", out, want)
		}
	}
	if got := f.read("stderr"); got != "" {
		t.Errorf("stderr %q, want nothing (the terminal merges the streams)", got)
	}
}

// Closing the terminal's input with ^D (EOT) is end of file for the
// command, which then ends; what it wrote last is in the stdout file
// when the status is.
func TestTTYEndOfTransmission(t *testing.T) {
	f := newFixture(t)
	fifo := f.stdinFIFO(t)
	in, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	spec := f.spec("/bin/sh", "-c", `cat; i=0; while [ $i -lt 200 ]; do echo "line $i"; i=$((i+1)); done`)
	spec.Stdin = fifo
	spec.TTY = &TTY{}
	p := f.start(spec)
	if _, err := in.WriteString("a\n\x04"); err != nil {
		t.Fatal(err)
	}
	st := wait(t, p, 10*time.Second)
	if !st.Known || st.WaitStatus.ExitStatus() != 0 {
		t.Errorf("exit status %v, want 0", st)
	}
	if out := f.read("stdout"); !strings.HasSuffix(out, "line 199\r\n") {
		t.Errorf("stdout %q, want all of the output", out)
	}
}

// ResizeTTY of a container without a terminal says so.
func TestResizeWithoutTTY(t *testing.T) {
	if err := ResizeTTY(t.TempDir(), 1, 1); err != ErrNoTTY {
		t.Errorf("ResizeTTY without a terminal: %v, want ErrNoTTY", err)
	}
}

// The command starts with SIGHUP and SIGPIPE at their defaults, not
// ignored as the supervisor's Go runtime would leave them. (Only those
// two: a signal ignored by whatever started the test, such as signal 32,
// which Go leaves alone, is ignored in the command too, as after any
// exec.)
func TestCommandSignalDispositions(t *testing.T) {
	f := newFixture(t)
	p := f.start(f.spec("/bin/grep", "SigIgn", "/proc/self/status"))
	wait(t, p, 10*time.Second)
	got := strings.TrimSpace(strings.TrimPrefix(f.read("stdout"), "SigIgn:"))
	mask, err := strconv.ParseUint(got, 16, 64)
	if err != nil {
		t.Fatalf("command's SigIgn %q: %v", got, err)
	}
	for _, sig := range []unix.Signal{unix.SIGHUP, unix.SIGPIPE} {
		if mask&(1<<(sig-1)) != 0 {
			t.Errorf("the command ignores %v (SigIgn %s)", sig, got)
		}
	}
}
