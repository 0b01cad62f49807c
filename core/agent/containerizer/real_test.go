package containerizer

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/agent/containerizer/procfs"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// realHarness runs the containerizer with the real launcher and no
// isolators.
type realHarness struct {
	t          *testing.T
	runtimeDir string
	sandbox    string
	c          *Containerizer
}

func newReal(t *testing.T) *realHarness {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	h := &realHarness{t: t, runtimeDir: t.TempDir(), sandbox: t.TempDir()}
	h.c = h.open()
	return h
}

// open makes a containerizer over the harness's runtime directory whose
// containers are destroyed when the test ends.
func (h *realHarness) open() *Containerizer {
	h.t.Helper()
	c, err := New(Options{RuntimeDir: h.runtimeDir, Launcher: launcher.New(launcher.Options{})})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, id := range c.Containers() {
			if _, err := c.Destroy(ctx, id); err != nil {
				h.t.Errorf("cleanup: %v", err)
			}
		}
		c.Close()
	})
	return c
}

func (h *realHarness) launch(id, command string, env map[string]string) {
	h.t.Helper()
	cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{Value: proto.String(command)}, Directory: h.sandbox}
	if err := h.c.Launch(context.Background(), containerID(id), LaunchRequest{Config: cfg, Environment: env}); err != nil {
		h.t.Fatalf("Launch: %v", err)
	}
}

func (h *realHarness) wait(c *Containerizer, id string) *Termination {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	term, err := c.Wait(ctx, containerID(id))
	if err != nil {
		h.t.Fatalf("Wait: %v", err)
	}
	return term
}

func (h *realHarness) file(name string) string {
	data, _ := os.ReadFile(filepath.Join(h.sandbox, name))
	return string(data)
}

func TestRealLaunchOutputAndEnvironment(t *testing.T) {
	h := newReal(t)
	h.launch("c1", `echo "sandbox=$MESOS_SANDBOX"; echo oops >&2; pwd; exit 2`, map[string]string{"MESOS_SANDBOX": h.sandbox})
	term := h.wait(h.c, "c1")
	if !term.Status.Known || !term.Status.WaitStatus.Exited() || term.Status.WaitStatus.ExitStatus() != 2 {
		t.Errorf("status = %v", term.Status)
	}
	if got, want := h.file("stdout"), "sandbox="+h.sandbox+"\n"+h.sandbox+"\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got := h.file("stderr"); got != "oops\n" {
		t.Errorf("stderr = %q", got)
	}
	if _, err := os.Stat(filepath.Join(h.runtimeDir, "containers", "c1")); !os.IsNotExist(err) {
		t.Errorf("runtime directory left: %v", err)
	}
}

func TestRealDestroyLeavesNoProcess(t *testing.T) {
	h := newReal(t)
	h.launch("c1", `sleep 100 & setsid sleep 100 & sleep 100`, nil)
	st, err := h.c.Status(context.Background(), containerID("c1"))
	if err != nil {
		t.Fatal(err)
	}
	pid := int(st.GetExecutorPid())
	deadline := time.Now().Add(5 * time.Second)
	for len(descendants(t, pid)) < 4 {
		if time.Now().After(deadline) {
			t.Fatalf("container has processes %v, want 4", descendants(t, pid))
		}
		time.Sleep(10 * time.Millisecond)
	}
	procs := descendants(t, pid)
	term, err := h.c.Destroy(context.Background(), containerID("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if term.Status.WaitStatus.Signal() != syscall.SIGKILL {
		t.Errorf("status = %v, want killed", term.Status)
	}
	for _, p := range procs {
		if q, err := procfs.Stat(p.Pid); err == nil && q.StartTicks == p.StartTicks && !q.Zombie() {
			t.Errorf("process %d (%s) survived destroy", p.Pid, p.Comm)
		}
	}
}

func descendants(t *testing.T, pid int) []procfs.Process {
	t.Helper()
	all, err := procfs.All()
	if err != nil {
		t.Fatal(err)
	}
	return procfs.Descendants(all, pid)
}

func TestRealRecoverAfterRestart(t *testing.T) {
	h := newReal(t)
	h.launch("c1", `sleep 1; exit 5`, nil)
	h.c.Close() // the agent stops

	c2 := h.open()
	if err := c2.Recover(context.Background(), AllKnown); err != nil {
		t.Fatal(err)
	}
	if s, ok := c2.State(containerID("c1")); !ok || s != StateRunning {
		t.Fatalf("recovered state = %v %v", s, ok)
	}
	term := h.wait(c2, "c1")
	if !term.Status.Known || term.Status.WaitStatus.ExitStatus() != 5 {
		t.Errorf("status after recovery = %v, want exit 5", term.Status)
	}
}

// TestRealRecoverAfterAgentExit launches from another process that exits
// at once, as an agent that dies while its task runs: the supervisor
// outlives it, and this process recovers the container, follows it and
// still learns its exit status.
func TestRealRecoverAfterAgentExit(t *testing.T) {
	h := newReal(t)
	for _, tt := range []struct {
		id, command string
		exit        int
		running     bool
	}{
		{"running", "sleep 1; exit 6", 6, true},
		{"exited", "sleep 0.2; exit 7", 7, false},
	} {
		agent := exec.Command("/proc/self/exe")
		agent.Env = append(os.Environ(), fakeAgentEnv+"="+strings.Join([]string{h.runtimeDir, h.sandbox, tt.id, tt.command}, "|"))
		if out, err := agent.CombinedOutput(); err != nil {
			t.Fatalf("fake agent: %v: %s", err, out)
		}
		if !tt.running {
			// Let it end while no agent is there.
			pid, _ := os.ReadFile(filepath.Join(h.runtimeDir, "containers", tt.id, "pid"))
			deadline := time.Now().Add(5 * time.Second)
			for {
				if _, err := os.Stat(filepath.Join(h.runtimeDir, "containers", tt.id, "status")); err == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("container of supervisor %s never ended", pid)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	if err := h.c.Recover(context.Background(), AllKnown); err != nil {
		t.Fatal(err)
	}
	if s, ok := h.c.State(containerID("running")); !ok || s != StateRunning {
		t.Errorf("running container recovered as %v %v", s, ok)
	}
	for id, want := range map[string]int{"running": 6, "exited": 7} {
		term := h.wait(h.c, id)
		if !term.Status.Known || term.Status.WaitStatus.ExitStatus() != want {
			t.Errorf("%s: status = %v, want exit %d", id, term.Status, want)
		}
	}
}

func TestRealRecoverDestroysOrphans(t *testing.T) {
	h := newReal(t)
	h.launch("orphan", `sleep 100`, nil)
	st, _ := h.c.Status(context.Background(), containerID("orphan"))
	pid := int(st.GetExecutorPid())
	h.c.Close()

	c2 := h.open()
	if err := c2.Recover(context.Background(), func(*mesospb.ContainerID) bool { return false }); err != nil {
		t.Fatal(err)
	}
	if len(c2.Containers()) != 0 {
		t.Errorf("containers after recovery: %v", c2.Containers())
	}
	if p, err := procfs.Stat(pid); err == nil && !p.Zombie() {
		t.Errorf("orphan's supervisor %d still running", pid)
	}
}
