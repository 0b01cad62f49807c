package containerizer

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// forwardingLogger forwards stdout and keeps stderr in the sandbox file;
// it records what it is given.
type forwardingLogger struct {
	mu        sync.Mutex
	out       map[string]*strings.Builder // by container and stream
	closed    map[string]bool
	recovered []string
}

func newForwardingLogger() *forwardingLogger {
	return &forwardingLogger{out: map[string]*strings.Builder{}, closed: map[string]bool{}}
}

func streamKey(id *mesospb.ContainerID, s containerlogger.Stream) string {
	return key(id) + "/" + containerlogger.FileName(s)
}

func (l *forwardingLogger) Recover(_ context.Context, req *containerlogger.RecoverRequest) (*containerlogger.RecoverResponse, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range req.GetContainers() {
		l.recovered = append(l.recovered, key(c.GetContainerId()))
	}
	return &containerlogger.RecoverResponse{}, nil
}

func (l *forwardingLogger) Prepare(_ context.Context, req *containerlogger.PrepareRequest) (*containerlogger.PrepareResponse, error) {
	return &containerlogger.PrepareResponse{
		Stdout: containerlogger.Forward(),
		Stderr: containerlogger.Path(req.GetContainer().GetDirectory() + "/stderr"),
	}, nil
}

func (l *forwardingLogger) Write(_ context.Context, req *containerlogger.WriteRequest) (*containerlogger.WriteResponse, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := streamKey(req.GetContainerId(), req.GetStream())
	if l.out[k] == nil {
		l.out[k] = &strings.Builder{}
	}
	l.out[k].Write(req.GetData())
	return &containerlogger.WriteResponse{}, nil
}

func (l *forwardingLogger) Close(_ context.Context, req *containerlogger.CloseRequest) (*containerlogger.CloseResponse, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed[streamKey(req.GetContainerId(), req.GetStream())] = true
	return &containerlogger.CloseResponse{}, nil
}

// stdout is what was forwarded of a container's stdout, and whether its
// stream was closed.
func (l *forwardingLogger) stdout(id string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := streamKey(containerID(id), containerlogger.Stream_STDOUT)
	if l.out[k] == nil {
		return "", l.closed[k]
	}
	return l.out[k].String(), l.closed[k]
}

func (h *realHarness) openLogged(l containerlogger.ContainerLogger) *Containerizer {
	h.t.Helper()
	c, err := New(Options{RuntimeDir: h.runtimeDir, Launcher: launcher.New(launcher.Options{}), ContainerLogger: l})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRealForwardedOutput: a FORWARD stream reaches the logger's Write in
// order and is closed at end of file; a PATH stream goes to its file.
func TestRealForwardedOutput(t *testing.T) {
	h := newReal(t)
	l := newForwardingLogger()
	c := h.openLogged(l)
	defer c.Close()
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{
		Value: proto.String(`i=0; while [ $i -lt 5000 ]; do echo "line $i"; i=$((i+1)); done; echo oops >&2`)}, Directory: h.sandbox}
	if err := c.Launch(context.Background(), containerID("c1"), LaunchRequest{Config: cfg}); err != nil {
		t.Fatal(err)
	}
	if term := h.wait(c, "c1"); term.Status.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("status %v", term.Status)
	}
	waitFor(t, "stdout closed", func() bool { _, closed := l.stdout("c1"); return closed })
	out, _ := l.stdout("c1")
	var want strings.Builder
	for i := range 5000 {
		want.WriteString("line " + itoa(i) + "\n")
	}
	if out != want.String() {
		t.Errorf("forwarded %d bytes, want %d in order", len(out), want.Len())
	}
	if got := h.file("stderr"); got != "oops\n" {
		t.Errorf("stderr file %q", got)
	}
	if got := h.file("stdout"); got != "" {
		t.Errorf("the forwarded stdout also went to the sandbox file: %q", got)
	}
}

// TestRealForwardedOutputAcrossRestart: while no agent reads a container's
// forwarded output the container keeps running (its writes wait in the
// pipe rather than fail), and the next agent forwards what follows to its
// logger, which recovers the container first.
func TestRealForwardedOutputAcrossRestart(t *testing.T) {
	h := newReal(t)
	first := newForwardingLogger()
	c1 := h.openLogged(first)
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{
		Value: proto.String(`echo before; sleep 1; echo during; sleep 1; echo after`)}, Directory: h.sandbox}
	if err := c1.Launch(context.Background(), containerID("c1"), LaunchRequest{Config: cfg}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "before", func() bool { out, _ := first.stdout("c1"); return out == "before\n" })
	c1.Close() // the agent goes away

	time.Sleep(1500 * time.Millisecond) // "during" is written meanwhile
	second := newForwardingLogger()
	c2 := h.openLogged(second)
	defer c2.Close()
	if err := c2.Recover(context.Background(), AllKnown); err != nil {
		t.Fatal(err)
	}
	if term := h.wait(c2, "c1"); !term.Status.Known || term.Status.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("the container ended with %v (killed by a broken pipe?)", term.Status)
	}
	waitFor(t, "stdout closed", func() bool { _, closed := second.stdout("c1"); return closed })
	if out, _ := second.stdout("c1"); out != "during\nafter\n" {
		t.Errorf("forwarded after the restart: %q", out)
	}
	if len(second.recovered) != 1 || second.recovered[0] != "c1" {
		t.Errorf("the logger recovered %v", second.recovered)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{digits[i%10]}, b...)
	}
	return string(b)
}
