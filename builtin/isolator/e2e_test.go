package isolator_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	builtin "github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/builtin/isolator/cgroups"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/containerizer/launcher"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

func TestMain(m *testing.M) {
	containerizer.MaybeRunHelper()
	os.Exit(m.Run())
}

// agent is a containerizer with built-in isolators over real processes and
// cgroups, torn down (containers, cgroups) when the test ends.
type agent struct {
	t          *testing.T
	names      []string
	opts       builtin.Options
	runtimeDir string
	sandbox    string
	c          *containerizer.Containerizer
}

func newAgent(t *testing.T, opts builtin.Options, names ...string) *agent {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	opts.CgroupsRoot = fmt.Sprintf("gomesos-test-%d-%s", os.Getpid(), regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))
	a := &agent{t: t, names: names, opts: opts, runtimeDir: t.TempDir(), sandbox: t.TempDir()}
	t.Cleanup(a.removeCgroupRoot)
	a.c = a.open()
	return a
}

// open makes a containerizer and its isolators, as an agent start does.
func (a *agent) open() *containerizer.Containerizer {
	a.t.Helper()
	var isolators []containerizer.NamedIsolator
	for _, n := range a.names {
		iso, err := builtin.New(n, a.opts)
		if errors.Is(err, cgroups.ErrUnavailable) {
			a.t.Skipf("%s unavailable on this machine: %v", n, err)
		}
		if err != nil {
			a.t.Fatal(err)
		}
		isolators = append(isolators, containerizer.NamedIsolator{Name: n, Isolator: iso})
	}
	c, err := containerizer.New(containerizer.Options{RuntimeDir: a.runtimeDir, Isolators: isolators, Launcher: launcher.New(launcher.Options{})})
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for _, id := range c.Containers() {
			if _, err := c.Destroy(ctx, id); err != nil {
				a.t.Errorf("cleanup: %v", err)
			}
		}
		c.Close()
	})
	return c
}

// removeCgroupRoot removes the test's cgroups root from every hierarchy,
// killing whatever a failed test left there.
func (a *agent) removeCgroupRoot() {
	m, err := cgroups.ReadMounts()
	if err != nil {
		return
	}
	dirs := map[string]bool{}
	for _, p := range m.V1 {
		dirs[p] = true
	}
	if m.V2 != "" {
		dirs[m.V2] = true
	}
	for mount := range dirs {
		root := filepath.Join(mount, a.opts.CgroupsRoot)
		entries, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			h := &cgroups.Hierarchy{Version: cgroups.V1, Mounts: map[string]string{"any": mount}}
			if mount == m.V2 {
				h.Version = cgroups.V2
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := h.Cgroup(filepath.Join(a.opts.CgroupsRoot, e.Name())).Destroy(ctx); err != nil {
				a.t.Errorf("cleanup: %v", err)
			}
			cancel()
		}
		if err := os.Remove(root); err != nil {
			a.t.Errorf("cleanup: %v", err)
		}
	}
}

func scalar(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
}

func cid(v string) *mesospb.ContainerID { return &mesospb.ContainerID{Value: proto.String(v)} }

func (a *agent) config(command string, resources ...*mesospb.Resource) *isolator.ContainerConfig {
	return &isolator.ContainerConfig{CommandInfo: &mesospb.CommandInfo{Value: proto.String(command)}, Directory: a.sandbox, Resources: resources}
}

func (a *agent) launch(id string, cfg *isolator.ContainerConfig) {
	a.t.Helper()
	if err := a.c.Launch(context.Background(), cid(id), containerizer.LaunchRequest{Config: cfg}); err != nil {
		a.t.Fatalf("Launch: %v", err)
	}
}

func (a *agent) wait(id string) *containerizer.Termination {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	term, err := a.c.Wait(ctx, cid(id))
	if err != nil {
		a.t.Fatalf("Wait: %v", err)
	}
	return term
}

func (a *agent) stdout() string {
	data, _ := os.ReadFile(filepath.Join(a.sandbox, "stdout"))
	return string(data)
}

func (a *agent) stderr() string {
	data, _ := os.ReadFile(filepath.Join(a.sandbox, "stderr"))
	return string(data)
}

// cgroupDir is the container's cgroup for a controller, whichever version
// the isolator picked.
func (a *agent) cgroupDir(controller, id string) string {
	m, err := cgroups.ReadMounts()
	if err != nil {
		a.t.Fatal(err)
	}
	mount := m.V1[controller]
	if a.opts.CgroupsVersion == cgroups.V2 || mount == "" {
		mount = m.V2
	}
	return filepath.Join(mount, a.opts.CgroupsRoot, id)
}

// waitProcs waits until a cgroup holds at least n processes (Launch
// returns before the command has forked) and returns them.
func waitProcs(t *testing.T, dir string, n int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		procs := readFile(t, filepath.Join(dir, "cgroup.procs"))
		if len(strings.Fields(procs)) >= n {
			return procs
		}
		if time.Now().After(deadline) {
			t.Fatalf("cgroup %s holds %q, want %d processes", dir, procs, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

func TestMemoryHogEndsWithMemoryLimitation(t *testing.T) {
	for _, v := range []cgroups.Version{cgroups.V1, cgroups.V2} {
		t.Run(v.String(), func(t *testing.T) {
			a := newAgent(t, builtin.Options{CgroupsVersion: v}, "cgroups/mem", "posix/cpu")
			// dd allocates its 200MB block and fills it from /dev/zero.
			a.launch("hog", a.config("dd if=/dev/zero of=/dev/null bs=200M count=1", scalar("cpus", 0.5), scalar("mem", 64)))
			term := a.wait("hog")
			if term.State == nil || *term.State != mesospb.TaskState_TASK_FAILED {
				t.Errorf("state = %v, want TASK_FAILED", term.State)
			}
			if len(term.Reasons) != 1 || term.Reasons[0] != mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_MEMORY {
				t.Errorf("reasons = %v, want REASON_CONTAINER_LIMITATION_MEMORY", term.Reasons)
			}
			if !strings.HasPrefix(term.Message, "Memory limit exceeded: Requested: 64MB") {
				t.Errorf("message = %q", term.Message)
			}
			if !term.Status.Known || term.Status.WaitStatus.Signal() != syscall.SIGKILL {
				t.Errorf("status = %v, want killed", term.Status)
			}
			if _, err := os.Stat(a.cgroupDir("memory", "hog")); !os.IsNotExist(err) {
				t.Errorf("memory cgroup left behind: %v", err)
			}
		})
	}
}

func TestCPUSharesAsMesosComputesThem(t *testing.T) {
	a := newAgent(t, builtin.Options{CgroupsEnableCFS: true}, "cgroups/cpu")
	a.launch("c1", a.config("sleep 30", scalar("cpus", 0.5), scalar("mem", 32)))
	dir := a.cgroupDir("cpu", "c1")
	if got := readFile(t, filepath.Join(dir, "cpu.shares")); got != "512" {
		t.Errorf("cpu.shares = %s, want 512", got)
	}
	if got := readFile(t, filepath.Join(dir, "cpu.cfs_quota_us")); got != "50000" {
		t.Errorf("cpu.cfs_quota_us = %s, want 50000", got)
	}
	// The container's processes are in it.
	st, err := a.c.Status(context.Background(), cid("c1"))
	if err != nil {
		t.Fatal(err)
	}
	procs := waitProcs(t, dir, 2)
	if !strings.Contains("\n"+procs+"\n", fmt.Sprintf("\n%d\n", st.GetExecutorPid())) || len(strings.Fields(procs)) < 2 {
		t.Errorf("cgroup.procs = %q, want the supervisor %d and its command", procs, st.GetExecutorPid())
	}
	if err := a.c.Update(context.Background(), cid("c1"), []*mesospb.Resource{scalar("cpus", 1.5), scalar("mem", 32)}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(dir, "cpu.shares")); got != "1536" {
		t.Errorf("cpu.shares after update = %s, want 1536", got)
	}
	u, err := a.c.Usage(context.Background(), cid("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if u.GetCpusLimit() != 1.5 || u.CpusUserTimeSecs == nil || u.GetProcesses() < 2 {
		t.Errorf("usage = %v", u)
	}
	if _, err := a.c.Destroy(context.Background(), cid("c1")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cpu cgroup left behind: %v", err)
	}
}

func TestPIDNamespace(t *testing.T) {
	a := newAgent(t, builtin.Options{}, "namespaces/pid")
	a.launch("c1", a.config(`echo $PPID; ls /proc | grep -c '^[0-9]'`))
	term := a.wait("c1")
	if term.Status.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("status = %v; stderr %q", term.Status, a.stderr())
	}
	f := strings.Fields(a.stdout())
	if len(f) != 2 || f[0] != "1" {
		t.Fatalf("stdout = %q, want the command's parent to be pid 1", a.stdout())
	}
	if n := f[1]; len(n) > 1 {
		t.Errorf("the container sees %s processes", n)
	}
}

func TestSharedFilesystemVolumes(t *testing.T) {
	a := newAgent(t, builtin.Options{}, "filesystem/shared")
	private := t.TempDir() // becomes the container's own, from sandbox/tmp
	readOnly := t.TempDir()
	hostDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(hostDir, "hello"), []byte("from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := a.config(fmt.Sprintf(`echo mine > %[1]s/file && cat %[2]s/hello && if touch %[2]s/new 2>/dev/null; then exit 9; fi`, private, readOnly))
	cfg.ContainerInfo = &mesospb.ContainerInfo{
		Type: mesospb.ContainerInfo_MESOS.Enum(),
		Volumes: []*mesospb.Volume{
			{ContainerPath: proto.String(private), HostPath: proto.String("tmp"), Mode: mesospb.Volume_RW.Enum()},
			{ContainerPath: proto.String(readOnly), HostPath: proto.String(hostDir), Mode: mesospb.Volume_RO.Enum()},
		},
	}
	a.launch("c1", cfg)
	term := a.wait("c1")
	if term.Status.WaitStatus.ExitStatus() != 0 {
		t.Fatalf("status = %v; stderr %q", term.Status, a.stderr())
	}
	if got := a.stdout(); got != "from the host\n" {
		t.Errorf("stdout = %q", got)
	}
	if got := readFile(t, filepath.Join(a.sandbox, "tmp", "file")); got != "mine" {
		t.Errorf("sandbox/tmp/file = %q", got)
	}
	if _, err := os.Stat(filepath.Join(private, "file")); !os.IsNotExist(err) {
		t.Errorf("the container wrote to the host's %s: %v", private, err)
	}
	if _, err := os.Stat(filepath.Join(hostDir, "new")); !os.IsNotExist(err) {
		t.Errorf("the container wrote into a read-only volume: %v", err)
	}
}

func TestDiskQuotaEnforced(t *testing.T) {
	a := newAgent(t, builtin.Options{EnforceContainerDiskQuota: true, ContainerDiskWatchInterval: 50 * time.Millisecond}, "posix/disk")
	a.launch("c1", a.config("dd if=/dev/zero of=big bs=1M count=4 2>/dev/null; sleep 30", scalar("disk", 1)))
	term := a.wait("c1")
	if len(term.Reasons) != 1 || term.Reasons[0] != mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_DISK {
		t.Errorf("reasons = %v", term.Reasons)
	}
	if !strings.HasPrefix(term.Message, "Disk usage (") || !strings.HasSuffix(term.Message, "exceeds quota (1MB)") {
		t.Errorf("message = %q", term.Message)
	}
	if term.State == nil || *term.State != mesospb.TaskState_TASK_FAILED {
		t.Errorf("state = %v", term.State)
	}
}

func TestPosixUsage(t *testing.T) {
	a := newAgent(t, builtin.Options{}, "posix/cpu", "posix/mem", "posix/disk")
	a.launch("c1", a.config(`i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; echo data > f; sleep 30`, scalar("cpus", 1), scalar("mem", 64), scalar("disk", 10)))
	deadline := time.Now().Add(20 * time.Second)
	for {
		u, err := a.c.Usage(context.Background(), cid("c1"))
		if err != nil {
			t.Fatal(err)
		}
		if u.GetCpusUserTimeSecs() > 0 && u.GetMemRssBytes() > 0 && u.GetDiskLimitBytes() == 10<<20 && u.DiskUsedBytes != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("usage = %v", u)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRecoverWithCgroups(t *testing.T) {
	a := newAgent(t, builtin.Options{}, "cgroups/cpu", "cgroups/mem")
	a.launch("c1", a.config("sleep 30", scalar("cpus", 0.25), scalar("mem", 48)))
	waitProcs(t, a.cgroupDir("memory", "c1"), 2)
	a.c.Close() // the agent stops; isolators and containerizer are gone

	a.c = a.open()
	if err := a.c.Recover(context.Background(), containerizer.AllKnown); err != nil {
		t.Fatal(err)
	}
	u, err := a.c.Usage(context.Background(), cid("c1"))
	if err != nil {
		t.Fatal(err)
	}
	if u.GetProcesses() < 2 || u.GetMemTotalBytes() == 0 || u.GetCpusLimit() != 0.25 {
		t.Errorf("usage after recovery = %v", u)
	}
	if err := a.c.Update(context.Background(), cid("c1"), []*mesospb.Resource{scalar("cpus", 1), scalar("mem", 96)}); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(a.cgroupDir("cpu", "c1"), "cpu.shares")); got != "1024" {
		t.Errorf("cpu.shares after recovery and update = %s", got)
	}
	if _, err := a.c.Destroy(context.Background(), cid("c1")); err != nil {
		t.Fatal(err)
	}
	for _, ctl := range []string{"cpu", "memory"} {
		if _, err := os.Stat(a.cgroupDir(ctl, "c1")); !os.IsNotExist(err) {
			t.Errorf("%s cgroup left behind: %v", ctl, err)
		}
	}
}
