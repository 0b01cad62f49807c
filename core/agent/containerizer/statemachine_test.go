package containerizer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// harness is a containerizer over fakes, for the state machine alone.
type harness struct {
	t          *testing.T
	calls      *calls
	launcher   *fakeLauncher
	isolators  []*fakeIsolator
	c          *Containerizer
	runtimeDir string
	sandbox    string
	fetch      FetchFunc
}

func newHarness(t *testing.T, names ...string) *harness {
	t.Helper()
	h := &harness{t: t, calls: &calls{}, runtimeDir: t.TempDir(), sandbox: t.TempDir()}
	h.launcher = newFakeLauncher(h.calls)
	for _, n := range names {
		h.isolators = append(h.isolators, newFakeIsolator(n, h.calls))
	}
	return h
}

func (h *harness) start() *Containerizer {
	h.t.Helper()
	var named []NamedIsolator
	for _, iso := range h.isolators {
		named = append(named, NamedIsolator{Name: iso.name, Isolator: iso})
	}
	c, err := New(Options{RuntimeDir: h.runtimeDir, Isolators: named, Launcher: h.launcher, Fetch: h.fetch, WatchStopTimeout: time.Second})
	if err != nil {
		h.t.Fatal(err)
	}
	h.c = c
	h.t.Cleanup(c.Close)
	return c
}

func containerID(v string) *mesospb.ContainerID { return &mesospb.ContainerID{Value: proto.String(v)} }

func scalarResource(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

func env(vars ...string) *mesospb.Environment {
	e := &mesospb.Environment{}
	for i := 0; i+1 < len(vars); i += 2 {
		e.Variables = append(e.Variables, &mesospb.Environment_Variable{Name: proto.String(vars[i]), Value: proto.String(vars[i+1])})
	}
	return e
}

func (h *harness) config(command string) *isolator.ContainerConfig {
	return &isolator.ContainerConfig{
		CommandInfo: &mesospb.CommandInfo{Value: proto.String(command)},
		Directory:   h.sandbox,
		Resources:   []*mesospb.Resource{scalarResource("cpus", 0.5), scalarResource("mem", 64)},
	}
}

func (h *harness) launch(id string) error {
	return h.c.Launch(context.Background(), containerID(id), LaunchRequest{Config: h.config("sleep 1000")})
}

func (h *harness) wait(id string) *Termination {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	term, err := h.c.Wait(ctx, containerID(id))
	if err != nil {
		h.t.Fatalf("Wait: %v", err)
	}
	return term
}

func (h *harness) wantCalls(want ...string) {
	h.t.Helper()
	if got := h.calls.get(); !slices.Equal(got, want) {
		h.t.Errorf("calls:\n got %v\nwant %v", got, want)
	}
}

// sortedMiddle lets parallel calls come in any order.
func sortedMiddle(got []string, from, to int) []string {
	out := append([]string(nil), got...)
	slices.Sort(out[from:to])
	return out
}

func TestLaunchPipelineOrder(t *testing.T) {
	h := newHarness(t, "a", "b", "c")
	h.fetch = func(ctx context.Context, id *mesospb.ContainerID, cfg *isolator.ContainerConfig) error {
		h.calls.add("fetch")
		return nil
	}
	c := h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	if s, _ := c.State(containerID("c1")); s != StateRunning {
		t.Fatalf("state = %v, want RUNNING", s)
	}
	got := sortedMiddle(h.calls.get(), 4, 7)
	want := []string{"a:Prepare", "b:Prepare", "c:Prepare", "launcher:Fork", "a:Isolate", "b:Isolate", "c:Isolate", "fetch", "launcher:Continue"}
	if !slices.Equal(got, want) {
		t.Fatalf("calls:\n got %v\nwant %v", got, want)
	}

	// The config is checkpointed for recovery.
	cfg, err := readConfig(filepath.Join(h.runtimeDir, "containers", "c1"))
	if err != nil || cfg.GetCommandInfo().GetValue() != "sleep 1000" {
		t.Fatalf("checkpointed config = %v, %v", cfg, err)
	}

	// Destroy: kill, then cleanup in reverse order.
	h.calls = &calls{}
	h.launcher.calls = h.calls
	for _, iso := range h.isolators {
		iso.calls = h.calls
	}
	term, err := c.Destroy(context.Background(), containerID("c1"))
	if err != nil {
		t.Fatal(err)
	}
	h.wantCalls("launcher:Destroy", "c:Cleanup", "b:Cleanup", "a:Cleanup")
	if !term.Status.Known || term.Status.WaitStatus.Signal() != syscall.SIGKILL || term.Limited() {
		t.Errorf("termination = %+v", term)
	}
	if _, err := os.Stat(filepath.Join(h.runtimeDir, "containers", "c1")); !os.IsNotExist(err) {
		t.Errorf("runtime directory left behind: %v", err)
	}
	if ids := c.Containers(); len(ids) != 0 {
		t.Errorf("containers after destroy: %v", ids)
	}
	// Destroyed containers still answer Wait and Destroy.
	if again, err := c.Destroy(context.Background(), containerID("c1")); err != nil || again != term {
		t.Errorf("second Destroy = %v, %v", again, err)
	}
	if _, err := c.Wait(context.Background(), containerID("nope")); !errors.Is(err, ErrUnknownContainer) {
		t.Errorf("Wait(unknown) = %v", err)
	}
}

func TestLaunchTwice(t *testing.T) {
	h := newHarness(t, "a")
	h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	if err := h.launch("c1"); !errors.Is(err, ErrAlreadyLaunched) {
		t.Fatalf("second launch = %v, want ErrAlreadyLaunched", err)
	}
}

func TestPrepareFailureCleansUpWhatWasPrepared(t *testing.T) {
	h := newHarness(t, "a", "b", "c")
	h.isolators[1].prepareErr = errors.New("no cgroup for you")
	c := h.start()
	err := h.launch("c1")
	if err == nil || !strings.Contains(err.Error(), "prepare isolator b: no cgroup for you") {
		t.Fatalf("Launch = %v", err)
	}
	h.wantCalls("a:Prepare", "b:Prepare", "b:Cleanup", "a:Cleanup")
	term := h.wait("c1")
	if term.Status.Known || !strings.Contains(term.Message, "no cgroup for you") {
		t.Errorf("termination = %+v", term)
	}
	if len(c.Containers()) != 0 {
		t.Error("failed container still listed")
	}
}

func TestIsolateFailureKillsAndCleansUp(t *testing.T) {
	h := newHarness(t, "a", "b")
	h.isolators[0].isolateErr = errors.New("cannot write cgroup.procs")
	h.start()
	if err := h.launch("c1"); err == nil || !strings.Contains(err.Error(), "isolate isolator a") {
		t.Fatalf("Launch = %v", err)
	}
	got := sortedMiddle(h.calls.get(), 3, 5)
	want := []string{"a:Prepare", "b:Prepare", "launcher:Fork", "a:Isolate", "b:Isolate", "launcher:Destroy", "b:Cleanup", "a:Cleanup"}
	if !slices.Equal(got, want) {
		t.Fatalf("calls:\n got %v\nwant %v", got, want)
	}
	if p := h.launcher.proc(h.runtimeDir, "c1"); p.continued {
		t.Error("the command was started although isolation failed")
	}
	if st := h.c.Stats(); st.LaunchErrors != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestFetchFailureDestroys(t *testing.T) {
	h := newHarness(t, "a")
	h.fetch = func(context.Context, *mesospb.ContainerID, *isolator.ContainerConfig) error {
		return errors.New("404 on the URI")
	}
	h.start()
	if err := h.launch("c1"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("Launch = %v", err)
	}
	h.wantCalls("a:Prepare", "launcher:Fork", "a:Isolate", "launcher:Destroy", "a:Cleanup")
}

func TestForkFailureCleansUp(t *testing.T) {
	h := newHarness(t, "a", "b")
	h.launcher.forkErr = errors.New("out of pids")
	h.start()
	if err := h.launch("c1"); err == nil || !strings.Contains(err.Error(), "out of pids") {
		t.Fatalf("Launch = %v", err)
	}
	h.wantCalls("a:Prepare", "b:Prepare", "launcher:Fork", "b:Cleanup", "a:Cleanup")
}

func TestExitDestroys(t *testing.T) {
	h := newHarness(t, "a")
	h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	h.launcher.proc(h.runtimeDir, "c1").exit(syscall.WaitStatus(3 << 8))
	term := h.wait("c1")
	if !term.Status.Known || term.Status.WaitStatus.ExitStatus() != 3 || term.Limited() || term.Message != "" {
		t.Errorf("termination = %+v", term)
	}
	if got := h.calls.get(); got[len(got)-1] != "a:Cleanup" {
		t.Errorf("calls = %v, want a final cleanup", got)
	}
}

func TestLimitationDestroysWithReason(t *testing.T) {
	h := newHarness(t, "mem", "disk")
	h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	h.isolators[0].limit <- isolator.NewLimitation(mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_MEMORY,
		"Memory limit exceeded", scalarResource("mem", 64))
	term := h.wait("c1")
	if term.State == nil || *term.State != mesospb.TaskState_TASK_FAILED {
		t.Errorf("state = %v, want TASK_FAILED", term.State)
	}
	if !slices.Equal(term.Reasons, []mesospb.TaskStatus_Reason{mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_MEMORY}) {
		t.Errorf("reasons = %v", term.Reasons)
	}
	if term.Message != "Memory limit exceeded" || len(term.LimitedResources) != 1 {
		t.Errorf("termination = %+v", term)
	}
	if st := h.c.Stats(); st.Limitations != 1 {
		t.Errorf("stats = %+v", st)
	}
	calls := h.calls.get()
	if !slices.Contains(calls, "launcher:Destroy") {
		t.Errorf("processes not killed: %v", calls)
	}
	if got := calls[len(calls)-2:]; !slices.Equal(got, []string{"disk:Cleanup", "mem:Cleanup"}) {
		t.Errorf("cleanup order = %v", got)
	}
}

func TestLateLimitationIsReported(t *testing.T) {
	// The command dies of an OOM kill and its exit is seen before the OOM
	// event: the isolator reports the limitation when its watch ends.
	h := newHarness(t, "mem")
	h.isolators[0].onCancel = isolator.NewLimitation(mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_MEMORY, "OOM")
	h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	h.launcher.proc(h.runtimeDir, "c1").exit(syscall.WaitStatus(syscall.SIGKILL))
	term := h.wait("c1")
	if !term.Limited() || term.Message != "OOM" {
		t.Errorf("termination = %+v", term)
	}
}

func TestWatchFailureDestroys(t *testing.T) {
	h := newHarness(t, "a")
	h.start()
	broken := &brokenWatch{fakeIsolator: h.isolators[0]}
	h.c.isolators[0].Isolator = broken
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	term := h.wait("c1")
	if !strings.Contains(term.Message, "Failed to watch isolator a: plugin crashed") {
		t.Errorf("termination = %+v", term)
	}
}

type brokenWatch struct{ *fakeIsolator }

func (b *brokenWatch) Watch(context.Context, *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	return nil, errors.New("plugin crashed")
}

func TestDestroyWhilePreparing(t *testing.T) {
	h := newHarness(t, "a", "b")
	h.isolators[1].prepareGate = make(chan struct{})
	c := h.start()
	launched := make(chan error, 1)
	go func() { launched <- h.launch("c1") }()
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(h.calls.get(), "b:Prepare") {
		if time.Now().After(deadline) {
			t.Fatal("b never prepared")
		}
		time.Sleep(time.Millisecond)
	}
	if s, _ := c.State(containerID("c1")); s != StatePreparing {
		t.Fatalf("state = %v, want PREPARING", s)
	}
	term, err := c.Destroy(context.Background(), containerID("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := <-launched; !errors.Is(err, errDestroyed) {
		t.Errorf("Launch = %v, want errDestroyed", err)
	}
	h.wantCalls("a:Prepare", "b:Prepare", "b:Cleanup", "a:Cleanup")
	if term.Status.Known {
		t.Errorf("termination = %+v", term)
	}
}

func TestLaunchInfoMerged(t *testing.T) {
	h := newHarness(t, "a", "b")
	h.isolators[0].launchInfo = &isolator.ContainerLaunchInfo{
		Environment:     env("FROM_A", "a", "SHARED", "a", "CMD", "a"),
		CloneNamespaces: []int32{isolator.CloneNewPID, isolator.CloneNewNS},
		Mounts:          []*isolator.ContainerMountInfo{{Source: "proc", Target: "/proc", Type: "proc"}},
		PreExecCommands: []*mesospb.CommandInfo{{Value: proto.String("true")}},
	}
	h.isolators[1].launchInfo = &isolator.ContainerLaunchInfo{
		Environment:     env("SHARED", "b"),
		CloneNamespaces: []int32{isolator.CloneNewNS},
		Rlimits: &mesospb.RLimitInfo{Rlimits: []*mesospb.RLimitInfo_RLimit{{
			Type: mesospb.RLimitInfo_RLimit_RLMT_NOFILE.Enum(), Soft: proto.Uint64(10), Hard: proto.Uint64(20),
		}}},
	}
	c := h.start()
	cfg := h.config("echo hi")
	cfg.CommandInfo.Environment = env("CMD", "cmd")
	cfg.User = "nobody"
	err := c.Launch(context.Background(), containerID("c1"), LaunchRequest{
		Config:      cfg,
		Environment: map[string]string{"MESOS_SANDBOX": h.sandbox, "SHARED": "agent", "FROM_A": "agent"},
	})
	if err != nil {
		t.Fatal(err)
	}
	spec := h.launcher.spec(h.runtimeDir, "c1")
	wantEnv := []string{"CMD=cmd", "FROM_A=a", "MESOS_SANDBOX=" + h.sandbox, "PATH=" + defaultPath, "SHARED=b"}
	if !slices.Equal(spec.Env, wantEnv) {
		t.Errorf("env = %v, want %v", spec.Env, wantEnv)
	}
	if !slices.Equal(spec.Argv, []string{"/bin/sh", "-c", "echo hi"}) || spec.WorkDir != h.sandbox || spec.User != "nobody" {
		t.Errorf("spec = %+v", spec)
	}
	if spec.CloneFlags != syscall.CLONE_NEWPID|syscall.CLONE_NEWNS {
		t.Errorf("clone flags = %#x", spec.CloneFlags)
	}
	if len(spec.Mounts) != 1 || len(spec.PreExec) != 1 || len(spec.Rlimits) != 1 || spec.Rlimits[0].Resource != syscall.RLIMIT_NOFILE {
		t.Errorf("spec = %+v", spec)
	}
	if spec.Stdout != filepath.Join(h.sandbox, "stdout") || spec.Stderr != filepath.Join(h.sandbox, "stderr") {
		t.Errorf("output files = %s %s", spec.Stdout, spec.Stderr)
	}
}

func TestLaunchInfoRejected(t *testing.T) {
	cmd := &mesospb.CommandInfo{Value: proto.String("x")}
	tests := []struct {
		name  string
		infos []*isolator.ContainerLaunchInfo
		want  string
	}{
		{"two commands", []*isolator.ContainerLaunchInfo{{Command: cmd}, {Command: cmd}}, "replaces the command"},
		{"two users", []*isolator.ContainerLaunchInfo{{User: "a"}, {User: "b"}}, "sets the user"},
		{"relative working directory", []*isolator.ContainerLaunchInfo{{WorkingDirectory: "tmp"}}, "not absolute"},
		{"unknown namespace", []*isolator.ContainerLaunchInfo{{CloneNamespaces: []int32{0x80}}}, "unsupported namespace"},
		{"mount without namespace", []*isolator.ContainerLaunchInfo{{Mounts: []*isolator.ContainerMountInfo{{Target: "/x", Source: "/y", Flags: isolator.MountBind}}}}, "mount namespace"},
		{"relative mount", []*isolator.ContainerLaunchInfo{{CloneNamespaces: []int32{isolator.CloneNewNS}, Mounts: []*isolator.ContainerMountInfo{{Target: "x"}}}}, "not absolute"},
		{"secret", []*isolator.ContainerLaunchInfo{{Environment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{{
			Name: proto.String("S"), Type: mesospb.Environment_Variable_SECRET.Enum(),
		}}}}}, "secret"},
		{"non-shell pre-exec", []*isolator.ContainerLaunchInfo{{PreExecCommands: []*mesospb.CommandInfo{{Value: proto.String("x"), Shell: proto.Bool(false)}}}}, "pre-exec"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var named []namedLaunchInfo
			for i, li := range tt.infos {
				named = append(named, namedLaunchInfo{isolator: string(rune('a' + i)), info: li})
			}
			cfg := &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{Value: proto.String("true")}, Directory: "/sandbox"}
			_, err := buildSpec(cfg, nil, named)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("buildSpec = %v, want an error about %q", err, tt.want)
			}
			if i := strings.Index(err.Error(), "isolator "); tt.name != "mount without namespace" && i != 0 {
				t.Errorf("error %q does not name the isolator", err)
			}
		})
	}
}

func TestCommandArgv(t *testing.T) {
	path, argv, err := commandArgv(&mesospb.CommandInfo{Shell: proto.Bool(false), Value: proto.String("/bin/echo"), Arguments: []string{"echo", "a", "b"}})
	if err != nil || path != "/bin/echo" || !slices.Equal(argv, []string{"echo", "a", "b"}) {
		t.Errorf("commandArgv = %s %v %v", path, argv, err)
	}
	path, argv, _ = commandArgv(&mesospb.CommandInfo{Shell: proto.Bool(false), Value: proto.String("/bin/true")})
	if path != "/bin/true" || !slices.Equal(argv, []string{"/bin/true"}) {
		t.Errorf("commandArgv = %s %v", path, argv)
	}
}

func TestUsageAndStatusMerged(t *testing.T) {
	h := newHarness(t, "cpu", "mem", "broken")
	h.isolators[0].usage = &isolator.UsageResponse{Statistics: &mesospb.ResourceStatistics{CpusUserTimeSecs: proto.Float64(1.5)}}
	h.isolators[1].usage = &isolator.UsageResponse{Statistics: &mesospb.ResourceStatistics{MemRssBytes: proto.Uint64(1234)}}
	h.isolators[1].status = &isolator.StatusResponse{Status: &mesospb.ContainerStatus{CgroupInfo: &mesospb.CgroupInfo{}}}
	c := h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	u, err := c.Usage(context.Background(), containerID("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if u.GetCpusUserTimeSecs() != 1.5 || u.GetMemRssBytes() != 1234 || u.GetCpusLimit() != 0.5 ||
		u.GetMemLimitBytes() != 64<<20 || u.GetTimestamp() == 0 {
		t.Errorf("usage = %v", u)
	}
	st, err := c.Status(context.Background(), containerID("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if st.GetContainerId().GetValue() != "c1" || st.GetExecutorPid() == 0 || st.GetCgroupInfo() == nil {
		t.Errorf("status = %v", st)
	}
	if _, err := c.Usage(context.Background(), containerID("nope")); !errors.Is(err, ErrUnknownContainer) {
		t.Errorf("Usage(unknown) = %v", err)
	}
}

func TestUpdate(t *testing.T) {
	h := newHarness(t, "a", "b")
	c := h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	res := []*mesospb.Resource{scalarResource("cpus", 2), scalarResource("mem", 128)}
	if err := c.Update(context.Background(), containerID("c1"), res); err != nil {
		t.Fatal(err)
	}
	for _, iso := range h.isolators {
		if iso.updates != 1 {
			t.Errorf("%s got %d updates", iso.name, iso.updates)
		}
	}
	u, _ := c.Usage(context.Background(), containerID("c1"))
	if u.GetCpusLimit() != 2 || u.GetMemLimitBytes() != 128<<20 {
		t.Errorf("limits after update = %v", u)
	}
	cfg, _ := readConfig(filepath.Join(h.runtimeDir, "containers", "c1"))
	if v, _ := scalar(cfg.GetResources(), "mem"); v != 128 {
		t.Errorf("checkpointed mem = %v", v)
	}
}

// An update with the resources the container has (the agent's update as
// a command task's executor gets its task) leaves the checkpointed config
// alone; a change is checkpointed.
func TestUpdateWithSameResourcesKeepsTheCheckpoint(t *testing.T) {
	h := newHarness(t, "a")
	c := h.start()
	if err := h.launch("c1"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(h.runtimeDir, "containers", "c1", "config")
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := readConfig(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	same := proto.Clone(cfg).(*isolator.ContainerConfig).GetResources()
	if err := c.Update(context.Background(), containerID("c1"), same); err != nil {
		t.Fatal(err)
	}
	if h.isolators[0].updates != 1 {
		t.Errorf("isolator got %d updates, want 1", h.isolators[0].updates)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("the config was rewritten for an update that changed nothing")
	}
	more := append(same, scalarResource("disk", 10))
	if err := c.Update(context.Background(), containerID("c1"), more); err != nil {
		t.Fatal(err)
	}
	got, err := readConfig(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := scalar(got.GetResources(), "disk"); v != 10 {
		t.Errorf("checkpointed disk after a change = %v, want 10", v)
	}
}

// An update that only takes resources away (a task of the container
// ended) is checkpointed after shrinkCheckpointDelay, or at Close, and not
// at all when the container is destroyed first; the checkpoint meanwhile
// says more than the container has, never less.
func TestShrinkingUpdateIsCheckpointedLater(t *testing.T) {
	h := newHarness(t, "a")
	c := h.start()
	for _, id := range []string{"later", "destroyed", "closed"} {
		if err := h.launch(id); err != nil {
			t.Fatal(err)
		}
	}
	checkpointed := func(id string) float64 {
		t.Helper()
		cfg, err := readConfig(filepath.Join(h.runtimeDir, "containers", id))
		if err != nil || cfg == nil {
			t.Fatalf("config of %s: %v %v", id, cfg, err)
		}
		v, _ := scalar(cfg.GetResources(), "mem")
		return v
	}
	less := []*mesospb.Resource{scalarResource("cpus", 0.5), scalarResource("mem", 32)}
	start := time.Now()
	for _, id := range []string{"later", "destroyed", "closed"} {
		if err := c.Update(context.Background(), containerID(id), less); err != nil {
			t.Fatal(err)
		}
		if got := checkpointed(id); got != 64 && time.Since(start) < shrinkCheckpointDelay {
			t.Errorf("%s: checkpointed mem %v at once, want 64 until the delay", id, got)
		}
	}
	if u, _ := c.Usage(context.Background(), containerID("later")); u.GetMemLimitBytes() != 32<<20 {
		t.Errorf("mem limit after the update = %v, want 32 MiB at once", u.GetMemLimitBytes())
	}
	if _, err := c.Destroy(context.Background(), containerID("destroyed")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(shrinkCheckpointDelay + 5*time.Second)
	for checkpointed("later") != 32 {
		if time.Now().After(deadline) {
			t.Fatal("the shrinking update was never checkpointed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(h.runtimeDir, "containers", "destroyed")); !os.IsNotExist(err) {
		t.Errorf("destroyed container's runtime directory: %v, want it gone (not recreated by the late checkpoint)", err)
	}

	// Close writes what waits at once.
	more := []*mesospb.Resource{scalarResource("cpus", 0.5), scalarResource("mem", 16)}
	if err := c.Update(context.Background(), containerID("closed"), more); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if got := checkpointed("closed"); got != 16 {
		t.Errorf("checkpointed mem after Close = %v, want 16", got)
	}
}

func TestRecoverKeepsKnownAndDestroysOrphans(t *testing.T) {
	h := newHarness(t, "a", "b")
	c := h.start()
	for _, id := range []string{"keep", "orphan"} {
		if err := h.launch(id); err != nil {
			t.Fatal(err)
		}
	}
	// A launch cut short before its fork.
	if err := os.MkdirAll(filepath.Join(h.runtimeDir, "containers", "half"), 0o700); err != nil {
		t.Fatal(err)
	}
	c.Close() // the agent stops; containers keep running

	h.calls = &calls{}
	h.launcher.calls = h.calls
	for _, iso := range h.isolators {
		iso.calls = h.calls
	}
	c2 := h.start()
	err := c2.Recover(context.Background(), func(id *mesospb.ContainerID) bool { return id.GetValue() == "keep" })
	if err != nil {
		t.Fatal(err)
	}
	req := h.isolators[0].recovered
	if len(req.GetStates()) != 1 || req.GetStates()[0].GetContainerId().GetValue() != "keep" ||
		req.GetStates()[0].GetConfig().GetCommandInfo().GetValue() != "sleep 1000" || req.GetStates()[0].GetPid() == 0 {
		t.Errorf("recovered states = %v", req.GetStates())
	}
	var orphans []string
	for _, o := range req.GetOrphans() {
		orphans = append(orphans, o.GetValue())
	}
	slices.Sort(orphans)
	if !slices.Equal(orphans, []string{"half", "orphan"}) {
		t.Errorf("orphans = %v", orphans)
	}
	if ids := c2.Containers(); len(ids) != 1 || ids[0].GetValue() != "keep" {
		t.Errorf("containers after recovery = %v", ids)
	}
	if s, _ := c2.State(containerID("keep")); s != StateRunning {
		t.Errorf("state = %v", s)
	}
	if term := h.wait("orphan"); !term.Status.Known {
		t.Errorf("orphan termination = %+v", term)
	}
	// The recovered container is followed: its exit destroys it.
	h.launcher.proc(h.runtimeDir, "keep").exit(0)
	if term := h.wait("keep"); !term.Status.Known || term.Status.WaitStatus.ExitStatus() != 0 {
		t.Errorf("termination = %+v", term)
	}
}

func TestStateMoves(t *testing.T) {
	order := []State{StatePreparing, StateIsolating, StateFetching, StateRunning}
	for i, s := range order {
		for j, t2 := range order {
			if got, want := s.canMove(t2), j == i+1; got != want {
				t.Errorf("%v -> %v allowed = %v, want %v", s, t2, got, want)
			}
		}
		if !s.canMove(StateDestroying) {
			t.Errorf("%v cannot be destroyed", s)
		}
	}
	if StateDestroying.canMove(StateDestroying) || StateDestroying.canMove(StateRunning) {
		t.Error("DESTROYING is final")
	}
}

func TestRejectedLaunchInfoFailsTheLaunch(t *testing.T) {
	h := newHarness(t, "a", "b")
	for _, iso := range h.isolators {
		iso.launchInfo = &isolator.ContainerLaunchInfo{Command: &mesospb.CommandInfo{Value: proto.String("evil")}}
	}
	c := h.start()
	err := h.launch("c1")
	if err == nil || !strings.Contains(err.Error(), "isolator b: replaces the command already replaced by isolator a") {
		t.Fatalf("Launch = %v", err)
	}
	h.wantCalls("a:Prepare", "b:Prepare", "b:Cleanup", "a:Cleanup")
	if st := c.Stats(); st.RejectedLaunchInfos != 1 || st.LaunchErrors != 1 {
		t.Errorf("stats = %+v", st)
	}
}
