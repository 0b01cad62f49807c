// Package isolatortest is the conformance suite of the Isolator module
// kind: what every isolator does whatever it isolates. The built-in
// isolators run it, and so do plugin and WASM isolators.
package isolatortest

import (
	"context"
	"crypto/rand"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// Fixture is what the suite needs of an isolator under test.
type Fixture struct {
	// New returns a fresh isolator (a new agent's).
	New func(t *testing.T) isolator.Isolator
	// Resources a container gets; default cpus:0.1;mem:32;disk:16.
	Resources []*mesospb.Resource
}

type conformanceTest struct {
	name string
	run  func(t *testing.T, f Fixture)
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh isolator.
func Run(t *testing.T, f Fixture) {
	if f.Resources == nil {
		f.Resources = []*mesospb.Resource{scalar("cpus", 0.1), scalar("mem", 32), scalar("disk", 16)}
	}
	for _, ct := range []conformanceTest{
		{"RecoverNothing", recoverNothing},
		{"CleanupUnknownContainer", cleanupUnknown},
		{"Lifecycle", lifecycle},
		{"WatchEndsWithItsContext", watchEnds},
		{"RecoverThenCleanup", recoverThenCleanup},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

func scalar(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

// newID is random, so isolators sharing machine-wide state (cgroups)
// never see two tests' containers collide.
func newID() *mesospb.ContainerID {
	return &mesospb.ContainerID{Value: proto.String("isolatortest-" + strings.ToLower(rand.Text()))}
}

func config(t *testing.T, f Fixture) *isolator.ContainerConfig {
	dir := t.TempDir()
	return &isolator.ContainerConfig{
		CommandInfo: &mesospb.CommandInfo{Value: proto.String("sleep 30")},
		Directory:   dir,
		Resources:   f.Resources,
	}
}

// process starts a process to isolate and kills it when the test ends.
func process(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd.Process.Pid
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func recoverNothing(t *testing.T, f Fixture) {
	iso := f.New(t)
	if _, err := iso.Recover(ctx(t), &isolator.RecoverRequest{}); err != nil {
		t.Fatalf("Recover(nothing) = %v", err)
	}
}

func cleanupUnknown(t *testing.T, f Fixture) {
	iso := f.New(t)
	if _, err := iso.Recover(ctx(t), &isolator.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := iso.Cleanup(ctx(t), &isolator.CleanupRequest{ContainerId: newID()}); err != nil {
		t.Fatalf("Cleanup of an unknown container = %v, want success", err)
	}
}

// checkLaunchInfo holds launch infos to the containerizer's rules.
func checkLaunchInfo(t *testing.T, li *isolator.ContainerLaunchInfo) {
	t.Helper()
	ns := int32(0)
	for _, n := range li.GetCloneNamespaces() {
		switch n {
		case isolator.CloneNewNS, isolator.CloneNewUTS, isolator.CloneNewIPC, isolator.CloneNewPID, isolator.CloneNewNet:
			ns |= n
		default:
			t.Errorf("launch info asks for unknown namespace %#x", n)
		}
	}
	if len(li.GetMounts()) > 0 && ns&isolator.CloneNewNS == 0 {
		t.Error("launch info has mounts but no mount namespace")
	}
	for _, m := range li.GetMounts() {
		if !filepath.IsAbs(m.GetTarget()) {
			t.Errorf("mount target %q is not absolute", m.GetTarget())
		}
	}
	if wd := li.GetWorkingDirectory(); wd != "" && !filepath.IsAbs(wd) {
		t.Errorf("working directory %q is not absolute", wd)
	}
	for _, p := range li.GetPreExecCommands() {
		if !p.GetShell() || p.GetValue() == "" {
			t.Errorf("pre-exec command %v is not a shell command", p)
		}
	}
}

func lifecycle(t *testing.T, f Fixture) {
	iso := f.New(t)
	c := ctx(t)
	if _, err := iso.Recover(c, &isolator.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	id := newID()
	cfg := config(t, f)
	resp, err := iso.Prepare(c, &isolator.PrepareRequest{ContainerId: id, Config: cfg})
	if err != nil {
		t.Fatalf("Prepare = %v", err)
	}
	t.Cleanup(func() { _, _ = iso.Cleanup(context.Background(), &isolator.CleanupRequest{ContainerId: id}) })
	checkLaunchInfo(t, resp.GetLaunchInfo())
	if _, err := iso.Isolate(c, &isolator.IsolateRequest{ContainerId: id, Pid: uint64(process(t))}); err != nil {
		t.Fatalf("Isolate = %v", err)
	}
	if _, err := iso.Update(c, &isolator.UpdateRequest{ContainerId: id, Resources: f.Resources}); err != nil {
		t.Fatalf("Update = %v", err)
	}
	if _, err := iso.Usage(c, &isolator.UsageRequest{ContainerId: id}); err != nil {
		t.Fatalf("Usage of a running container = %v", err)
	}
	if _, err := iso.Status(c, &isolator.StatusRequest{ContainerId: id}); err != nil {
		t.Fatalf("Status = %v", err)
	}
	if _, err := iso.Cleanup(c, &isolator.CleanupRequest{ContainerId: id}); err != nil {
		t.Fatalf("Cleanup = %v", err)
	}
	if _, err := iso.Cleanup(c, &isolator.CleanupRequest{ContainerId: id}); err != nil {
		t.Fatalf("second Cleanup = %v, want success", err)
	}
}

func watchEnds(t *testing.T, f Fixture) {
	iso := f.New(t)
	c := ctx(t)
	if _, err := iso.Recover(c, &isolator.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	id := newID()
	if _, err := iso.Prepare(c, &isolator.PrepareRequest{ContainerId: id, Config: config(t, f)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = iso.Cleanup(context.Background(), &isolator.CleanupRequest{ContainerId: id}) })
	if _, err := iso.Isolate(c, &isolator.IsolateRequest{ContainerId: id, Pid: uint64(process(t))}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(c)
	done := make(chan *isolator.WatchResponse, 1)
	go func() {
		resp, err := iso.Watch(wctx, &isolator.WatchRequest{ContainerId: id})
		if err != nil {
			resp = nil
		}
		done <- resp
	}()
	select {
	case resp := <-done:
		if resp.GetLimitation() != nil {
			t.Fatalf("Watch reported a limitation of an idle container: %v", resp.GetLimitation())
		}
		// Returning at once with nothing means nothing to watch: allowed.
	case <-time.After(100 * time.Millisecond):
		cancel()
		select {
		case resp := <-done:
			if resp.GetLimitation() != nil {
				t.Fatalf("Watch reported a limitation of an idle container: %v", resp.GetLimitation())
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Watch did not return after its context ended")
		}
	}
	cancel()
}

func recoverThenCleanup(t *testing.T, f Fixture) {
	first := f.New(t)
	c := ctx(t)
	if _, err := first.Recover(c, &isolator.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	id := newID()
	cfg := config(t, f)
	if _, err := first.Prepare(c, &isolator.PrepareRequest{ContainerId: id, Config: cfg}); err != nil {
		t.Fatal(err)
	}
	// The first agent's goroutines would outlive it in this process.
	t.Cleanup(func() { _, _ = first.Cleanup(context.Background(), &isolator.CleanupRequest{ContainerId: id}) })
	pid := process(t)
	if _, err := first.Isolate(c, &isolator.IsolateRequest{ContainerId: id, Pid: uint64(pid)}); err != nil {
		t.Fatal(err)
	}
	// The agent restarts: a new isolator recovers the container.
	second := f.New(t)
	state := &isolator.ContainerState{ContainerId: id, Pid: uint64(pid), Directory: cfg.GetDirectory(), Config: cfg}
	if _, err := second.Recover(c, &isolator.RecoverRequest{States: []*isolator.ContainerState{state}}); err != nil {
		t.Fatalf("Recover = %v", err)
	}
	t.Cleanup(func() { _, _ = second.Cleanup(context.Background(), &isolator.CleanupRequest{ContainerId: id}) })
	if _, err := second.Usage(c, &isolator.UsageRequest{ContainerId: id}); err != nil {
		t.Errorf("Usage of a recovered container = %v", err)
	}
	if _, err := second.Cleanup(c, &isolator.CleanupRequest{ContainerId: id}); err != nil {
		t.Fatalf("Cleanup of a recovered container = %v", err)
	}
}
