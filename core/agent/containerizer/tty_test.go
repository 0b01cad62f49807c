package containerizer

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

func ttyConfig(dir, command string, rows, columns uint32) *isolator.ContainerConfig {
	return &isolator.ContainerConfig{
		CommandInfo: &mesospb.CommandInfo{Value: proto.String(command)},
		ContainerInfo: &mesospb.ContainerInfo{
			Type: mesospb.ContainerInfo_MESOS.Enum(),
			TtyInfo: &mesospb.TTYInfo{WindowSize: &mesospb.TTYInfo_WindowSize{
				Rows: proto.Uint32(rows), Columns: proto.Uint32(columns)}},
		},
		Directory: dir,
	}
}

// waitFile polls a sandbox file until it contains want.
func (h *realHarness) waitFile(name, want string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := h.file(name)
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s = %q, waiting for %q", name, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A container whose ContainerInfo has a TTYInfo runs on a terminal of
// its window size, has an input (without asking), and takes resizes; end
// of input is ^D, not CloseInput.
func TestTTYContainer(t *testing.T) {
	h := newReal(t)
	id := containerID("tty")
	cfg := ttyConfig(h.sandbox, `tty; stty size; echo ready; x=; until [ -n "$x" ]; do read x; done; echo "got:$x"; stty size; `+
		`if read y; then echo "more:$y"; else echo eof; fi; exit 5`, 24, 80)
	if err := h.c.Launch(context.Background(), id, LaunchRequest{Config: cfg}); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	out := h.waitFile("stdout", "ready")
	if !regexp.MustCompile(`^/dev/pts/[0-9]+\r\n24 80\r\n`).MatchString(out) {
		t.Errorf("stdout %q, want the terminal and its size 24 80", out)
	}
	in, err := h.c.AttachInput(id)
	if err != nil {
		t.Fatalf("AttachInput: %v", err)
	}
	if !in.TTY() {
		t.Error("TTY() false for a container with a TTYInfo")
	}
	if err := in.Resize(30, 100); err != nil {
		t.Fatalf("Resize: %v", err)
	}
	if err := in.Resize(1<<16, 1); err == nil {
		t.Error("Resize beyond 16 bits accepted")
	}
	ctx := context.Background()
	if err := in.Write(ctx, []byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	h.waitFile("stdout", "got:hello\r\n30 100\r\n")
	in.CloseInput() // no end of file on a terminal
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(h.file("stdout"), "eof") {
		t.Fatal("CloseInput ended the terminal's input")
	}
	if err := in.Write(ctx, []byte("\x04")); err != nil {
		t.Fatal(err)
	}
	in.Detach()
	term := h.wait(h.c, "tty")
	if term.Status.WaitStatus.ExitStatus() != 5 {
		t.Errorf("termination %v, want exit status 5", term.Status)
	}
	if out := h.file("stdout"); !strings.HasSuffix(out, "eof\r\n") {
		t.Errorf("stdout %q, want eof last", out)
	}
}

// A container without a TTY refuses resizes.
func TestResizeWithoutTTY(t *testing.T) {
	h := newReal(t)
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{Value: proto.String("sleep 30")}, Directory: h.sandbox}
	id := containerID("no-tty")
	if err := h.c.Launch(context.Background(), id, LaunchRequest{Config: cfg, Input: true}); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	in, err := h.c.AttachInput(id)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Detach()
	if in.TTY() {
		t.Error("TTY() true without a TTYInfo")
	}
	if err := in.Resize(10, 10); !errors.Is(err, launcher.ErrNoTTY) {
		t.Errorf("Resize without a terminal: %v, want ErrNoTTY", err)
	}
}

// A TTYInfo with a window size a terminal cannot hold fails the launch.
func TestTTYWindowSizeOutOfRange(t *testing.T) {
	h := newReal(t)
	err := h.c.Launch(context.Background(), containerID("huge"), LaunchRequest{Config: ttyConfig(h.sandbox, "true", 1<<20, 80)})
	if err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("Launch with a window of 2^20 rows: %v, want out of range", err)
	}
}

// A terminal container's input and resizes work again after an agent
// restart: the supervisor keeps the terminal, and the next containerizer
// reopens the input.
func TestTTYInputAfterRestart(t *testing.T) {
	h := newReal(t)
	id := containerID("tty-restart")
	cfg := ttyConfig(h.sandbox, `trap 'echo winch' WINCH; echo ready; x=; until [ -n "$x" ]; do read x; done; echo "got:$x"; stty size`, 24, 80)
	if err := h.c.Launch(context.Background(), id, LaunchRequest{Config: cfg}); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	h.waitFile("stdout", "ready")
	h.c.Close() // the agent stops

	c2 := h.open()
	if err := c2.Recover(context.Background(), AllKnown); err != nil {
		t.Fatal(err)
	}
	in, err := c2.AttachInput(id)
	if err != nil {
		t.Fatalf("AttachInput after recovery: %v", err)
	}
	defer in.Detach()
	if err := in.Resize(12, 34); err != nil {
		t.Fatalf("Resize after recovery: %v", err)
	}
	h.waitFile("stdout", "winch")
	if err := in.Write(context.Background(), []byte("again\n")); err != nil {
		t.Fatal(err)
	}
	term := h.wait(c2, "tty-restart")
	if term.Status.WaitStatus.ExitStatus() != 0 {
		t.Errorf("termination %v, want exit 0", term.Status)
	}
	if out := h.file("stdout"); !strings.HasSuffix(out, "got:again\r\n12 34\r\n") {
		t.Errorf("stdout %q, want the line and the new size", out)
	}
}
