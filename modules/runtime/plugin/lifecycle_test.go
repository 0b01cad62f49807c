package plugin

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"google.golang.org/protobuf/proto"
)

// startHelperHost starts the test binary as a daemon loading a plugin
// and returns it with what it reported.
func startHelperHost(t *testing.T, kind modules.Kind, file, stateDir string) (*exec.Cmd, helperReport) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", "PLUGIN_TEST_KIND="+string(kind),
		"PLUGIN_TEST_FILE="+file, "PLUGIN_TEST_STATE_DIR="+stateDir)
	cmd.Stderr = t.Output()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	var r helperReport
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		t.Fatalf("helper host: %v", err)
	}
	if err := json.Unmarshal(line, &r); err != nil || r.Error != "" || r.PID == 0 {
		t.Fatalf("helper host reported %s (%v)", line, err)
	}
	return cmd, r
}

// killHost kills the daemon as a crash would (SIGKILL, no clean-up).
func killHost(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
}

// A daemon that dies leaves no plugin process behind.
func TestNoOrphanWhenTheDaemonDies(t *testing.T) {
	cmd, r := startHelperHost(t, modules.KindAllocator, bins["binpack"], "")
	if !alive(r.PID) {
		t.Fatalf("plugin %d not running", r.PID)
	}
	killHost(t, cmd)
	waitGone(t, r.PID)
}

// An isolator plugin survives an agent crash, and the next agent
// reattaches to it without losing its containers.
func TestIsolatorReattachesAfterAgentRestart(t *testing.T) {
	stateDir := t.TempDir()
	cmd, r := startHelperHost(t, modules.KindIsolator, bins["env"], stateDir)
	killHost(t, cmd)
	time.Sleep(300 * time.Millisecond) // longer than the SDK's parent polling
	if !alive(r.PID) {
		t.Fatalf("detached isolator %d died with the agent", r.PID)
	}
	t.Cleanup(func() { (&proc{pid: r.PID}).kill() })

	l := newTestLoader(t, Options{StateDir: stateDir})
	inst, err := l.Load(context.Background(), modules.Spec{Library: "lib", Name: "m", Kind: modules.KindIsolator, File: bins["env"]})
	if err != nil {
		t.Fatal(err)
	}
	st := inst.Impl.(Supervised).PluginStatus()
	if !st.Reattached || st.PID != r.PID {
		t.Fatalf("status %+v, want reattached to %d", st, r.PID)
	}
	iso := inst.Impl.(isolator.Isolator)
	c1 := &mesospb.ContainerID{Value: proto.String("c1")}
	if _, err := iso.Usage(context.Background(), &isolator.UsageRequest{ContainerId: c1}); err != nil {
		t.Errorf("Usage of the container prepared before the restart = %v", err)
	}
	// Detach leaves it running for the next agent; Close stops it.
	if err := inst.Impl.(Detacher).Detach(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !alive(r.PID) {
		t.Fatal("Detach stopped the plugin")
	}
	inst, err = l.Load(context.Background(), modules.Spec{Library: "lib", Name: "m", Kind: modules.KindIsolator, File: bins["env"]})
	if err != nil {
		t.Fatal(err)
	}
	if st := inst.Impl.(Supervised).PluginStatus(); st.PID != r.PID {
		t.Fatalf("second reattach: pid %d, want %d", st.PID, r.PID)
	}
	if err := inst.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitGone(t, r.PID)
	if m, _ := filepath.Glob(filepath.Join(stateDir, "plugin-*.json")); len(m) != 0 {
		t.Errorf("reattach records left after Close: %v", m)
	}
}

// A reattach record of a process that is gone: a new process starts.
func TestReattachToAGoneProcess(t *testing.T) {
	stateDir := t.TempDir()
	cmd, r := startHelperHost(t, modules.KindIsolator, bins["env"], stateDir)
	killHost(t, cmd)
	(&proc{pid: r.PID}).kill()
	waitGone(t, r.PID)
	l := newTestLoader(t, Options{StateDir: stateDir})
	inst := load(t, l, modules.Spec{Library: "lib", Name: "m", Kind: modules.KindIsolator, File: bins["env"]})
	if st := inst.Impl.(Supervised).PluginStatus(); st.Reattached || st.PID == r.PID {
		t.Fatalf("status %+v, want a new process", st)
	}
}

// A crashed isolator is restarted with its containers recovered, and a
// Watch in progress waits through the restart.
func TestIsolatorRestartKeepsContainers(t *testing.T) {
	l := newTestLoader(t, Options{})
	inst := load(t, l, modules.Spec{Name: "env", Kind: modules.KindIsolator, File: bins["env"]})
	iso := inst.Impl.(isolator.Isolator)
	ctx := context.Background()
	c1 := &mesospb.ContainerID{Value: proto.String("c1")}
	if _, err := iso.Recover(ctx, &isolator.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := iso.Prepare(ctx, &isolator.PrepareRequest{ContainerId: c1, Config: &isolator.ContainerConfig{Directory: t.TempDir()}}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := make(chan error, 1)
	go func() {
		_, err := iso.Watch(wctx, &isolator.WatchRequest{ContainerId: c1})
		watched <- err
	}()
	time.Sleep(100 * time.Millisecond)

	pid := inst.Impl.(Supervised).PluginStatus().PID
	(&proc{pid: pid}).kill()
	waitRestarted(t, inst.Impl, 1)
	if _, err := iso.Usage(ctx, &isolator.UsageRequest{ContainerId: c1}); err != nil {
		t.Errorf("Usage after the restart = %v: the container was not recovered", err)
	}
	select {
	case err := <-watched:
		t.Fatalf("Watch ended with the crash: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	select {
	case <-watched:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch did not end with its context")
	}
}
