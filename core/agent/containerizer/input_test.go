package containerizer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// A container launched with an input stream reads what clients write, one
// client at a time, across clients, until one sends end of file.
func TestInputReachesTheCommand(t *testing.T) {
	h := newReal(t)
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{Value: proto.String("cat; echo done")}, Directory: h.sandbox}
	id := containerID("with-input")
	if err := h.c.Launch(context.Background(), id, LaunchRequest{Config: cfg, Input: true}); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	ctx := context.Background()
	first, err := h.c.AttachInput(id)
	if err != nil {
		t.Fatalf("AttachInput: %v", err)
	}
	if _, err := h.c.AttachInput(id); !errors.Is(err, ErrInputAttached) {
		t.Fatalf("second AttachInput while attached: %v, want ErrInputAttached", err)
	}
	if err := first.Write(ctx, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	first.Detach()
	// The command must not have seen end of file between the clients.
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(h.file("stdout"), "done") {
		t.Fatal("the command saw end of file when the first client detached")
	}
	second, err := h.c.AttachInput(id)
	if err != nil {
		t.Fatalf("AttachInput after Detach: %v", err)
	}
	if err := second.Write(ctx, []byte("two\n")); err != nil {
		t.Fatal(err)
	}
	second.CloseInput()
	second.Detach()
	term := h.wait(h.c, "with-input")
	if !term.Status.WaitStatus.Exited() || term.Status.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("termination %v", term.Status)
	}
	if got := h.file("stdout"); got != "one\ntwo\ndone\n" {
		t.Errorf("stdout = %q, want the input echoed and then done", got)
	}
	if _, err := h.c.AttachInput(id); !errors.Is(err, ErrUnknownContainer) {
		t.Errorf("AttachInput after the end: %v, want ErrUnknownContainer", err)
	}
}

func TestInputErrors(t *testing.T) {
	h := newReal(t)
	h.launch("no-input", "sleep 30", nil)
	if _, err := h.c.AttachInput(containerID("no-input")); !errors.Is(err, ErrNoInput) {
		t.Errorf("AttachInput without an input stream: %v, want ErrNoInput", err)
	}
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{Value: proto.String("sleep 30")}, Directory: h.sandbox}
	id := containerID("closed-input")
	if err := h.c.Launch(context.Background(), id, LaunchRequest{Config: cfg, Input: true}); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	in, err := h.c.AttachInput(id)
	if err != nil {
		t.Fatal(err)
	}
	// A command that does not read: a write fills the pipe and blocks
	// until the client gives up.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := in.Write(ctx, make([]byte, 1<<20)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("write to a command that does not read: %v, want the context's deadline", err)
	}
	in.CloseInput()
	in.Detach()
	if _, err := h.c.AttachInput(id); !errors.Is(err, ErrInputClosed) {
		t.Errorf("AttachInput after end of file: %v, want ErrInputClosed", err)
	}
}

// A container's input without a terminal outlives the agent: the command
// does not see end of file when the containerizer closes (the agent
// stops), the next one reopens the input, and its end of file reaches
// the command.
func TestInputAfterRestart(t *testing.T) {
	h := newReal(t)
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{
		Value: proto.String(`while read line; do echo "got:$line"; done; echo eof`)}, Directory: h.sandbox}
	id := containerID("input-restart")
	if err := h.c.Launch(context.Background(), id, LaunchRequest{Config: cfg, Input: true}); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	ctx := context.Background()
	in, err := h.c.AttachInput(id)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Write(ctx, []byte("before\n")); err != nil {
		t.Fatal(err)
	}
	h.waitFile("stdout", "got:before\n")
	h.c.Close() // the agent stops, its client still attached
	time.Sleep(200 * time.Millisecond)
	if out := h.file("stdout"); strings.Contains(out, "eof") {
		t.Fatalf("stdout %q: the command saw end of file when the agent stopped", out)
	}

	c2 := h.open()
	if err := c2.Recover(ctx, AllKnown); err != nil {
		t.Fatal(err)
	}
	in2, err := c2.AttachInput(id)
	if err != nil {
		t.Fatalf("AttachInput after recovery: %v", err)
	}
	if in2.TTY() {
		t.Error("TTY() true after recovery of a container without a TTYInfo")
	}
	if err := in2.Write(ctx, []byte("after\n")); err != nil {
		t.Fatal(err)
	}
	h.waitFile("stdout", "got:after\n")
	if err := in2.CloseInput(); err != nil {
		t.Fatal(err)
	}
	in2.Detach()
	term := h.wait(c2, "input-restart")
	if !term.Status.WaitStatus.Exited() || term.Status.WaitStatus.ExitStatus() != 0 {
		t.Errorf("termination %v, want exit 0", term.Status)
	}
	if got := h.file("stdout"); got != "got:before\ngot:after\neof\n" {
		t.Errorf("stdout %q, want both lines and eof", got)
	}
}

// End of file sent before an agent restart stays sent: the command sees
// it, and the next containerizer's input is closed.
func TestInputClosedBeforeRestart(t *testing.T) {
	h := newReal(t)
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{
		Value: proto.String(`cat; echo eof; sleep 30`)}, Directory: h.sandbox}
	id := containerID("closed-restart")
	if err := h.c.Launch(context.Background(), id, LaunchRequest{Config: cfg, Input: true}); err != nil {
		t.Fatalf("Launch: %v", err)
	}
	in, err := h.c.AttachInput(id)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Write(context.Background(), []byte("last\n")); err != nil {
		t.Fatal(err)
	}
	if err := in.CloseInput(); err != nil {
		t.Fatal(err)
	}
	h.waitFile("stdout", "last\neof\n")
	h.c.Close()

	c2 := h.open()
	if err := c2.Recover(context.Background(), AllKnown); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.AttachInput(id); !errors.Is(err, ErrInputClosed) {
		t.Errorf("AttachInput after recovery of a closed input: %v, want ErrInputClosed", err)
	}
}
