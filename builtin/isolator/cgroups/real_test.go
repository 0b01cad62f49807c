package cgroups

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// testRoot is a cgroups root of the test's own, removed (with anything
// left in it) when the test ends, pass or fail.
func testRoot(t *testing.T, h *Hierarchy) string {
	t.Helper()
	root := fmt.Sprintf("gomesos-test-%d-%s", os.Getpid(), regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-"))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		for ctl := range h.Mounts {
			children, _ := h.Children(ctl, root)
			for _, c := range children {
				if err := h.Cgroup(filepath.Join(root, c)).Destroy(ctx); err != nil {
					t.Errorf("cleanup: %v", err)
				}
			}
			if err := os.Remove(filepath.Join(h.Mounts[ctl], root)); err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return root
}

// requireHierarchy skips the test when the machine cannot give version v
// of the controllers.
func requireHierarchy(t *testing.T, v Version, controllers ...string) (Mounts, *Hierarchy) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("cgroups tests need root")
	}
	m, err := ReadMounts()
	if err != nil {
		t.Fatal(err)
	}
	h, err := Resolve(m, v, controllers...)
	if err != nil {
		t.Skipf("cgroup %v %s not usable on this machine: %v", v, strings.Join(controllers, ","), err)
	}
	if h.Version != v {
		t.Skipf("cgroup %v %s not usable on this machine", v, strings.Join(controllers, ","))
	}
	return m, h
}

// startPaused starts a shell that waits for a line on stdin before it
// runs script, and kills it at the end of the test.
func startPaused(t *testing.T, script string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", "read go; "+script)
	stdin, err := cmd.StdinPipe()
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
	return cmd, stdin
}

func id(v string) *mesospb.ContainerID { return &mesospb.ContainerID{Value: proto.String(v)} }

func procCgroups(t *testing.T, pid int) string {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestRealCPUv1(t *testing.T) {
	m, h := requireHierarchy(t, V1, "cpu", "cpuacct")
	root := testRoot(t, h)
	c, err := NewCPU(CPUOptions{Options: Options{Root: root, Version: V1, Mounts: &m}, EnableCFS: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Recover(ctx, &isolator.RecoverRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Prepare(ctx, prepareReq("c1", 0.5, 64)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(h.Mounts["cpu"], root, "c1")
	for file, want := range map[string]string{"cpu.shares": "512", "cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "50000"} {
		if got := read(t, filepath.Join(dir, file)); got != want {
			t.Errorf("%s = %s, want %s", file, got, want)
		}
	}
	cmd, stdin := startPaused(t, "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 30")
	if _, err := c.Isolate(ctx, &isolator.IsolateRequest{ContainerId: id("c1"), Pid: uint64(cmd.Process.Pid)}); err != nil {
		t.Fatal(err)
	}
	if got := procCgroups(t, cmd.Process.Pid); !strings.Contains(got, ":cpu:/"+root+"/c1\n") || !strings.Contains(got, ":cpuacct:/"+root+"/c1\n") {
		t.Errorf("process cgroups:\n%s", got)
	}
	stdin.Write([]byte("go\n"))
	deadline := time.Now().Add(10 * time.Second)
	var u *mesospb.ResourceStatistics
	for {
		resp, err := c.Usage(ctx, &isolator.UsageRequest{ContainerId: id("c1")})
		if err != nil {
			t.Fatal(err)
		}
		u = resp.GetStatistics()
		if u.GetCpusUserTimeSecs()+u.GetCpusSystemTimeSecs() > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if u.GetCpusUserTimeSecs()+u.GetCpusSystemTimeSecs() == 0 || u.GetProcesses() < 1 || u.CpusNrPeriods == nil {
		t.Errorf("usage = %v", u)
	}
	if _, err := c.Update(ctx, &isolator.UpdateRequest{ContainerId: id("c1"), Resources: resources(2, 64)}); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "cpu.shares")); got != "2048" {
		t.Errorf("cpu.shares after update = %s", got)
	}
	if got := read(t, filepath.Join(dir, "cpu.cfs_quota_us")); got != "200000" {
		t.Errorf("cpu.cfs_quota_us after update = %s", got)
	}
	// Cleanup kills what is left in the cgroup and removes it.
	if _, err := c.Cleanup(ctx, &isolator.CleanupRequest{ContainerId: id("c1")}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Error("the process in the cgroup survived its cleanup")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cgroup left behind: %v", err)
	}
}

func TestRealMemv1OOM(t *testing.T) {
	m, h := requireHierarchy(t, V1, "memory")
	testMemOOM(t, V1, m, h)
}

func TestRealMemv2OOM(t *testing.T) {
	m, h := requireHierarchy(t, V2, "memory")
	testMemOOM(t, V2, m, h)
}

func testMemOOM(t *testing.T, v Version, m Mounts, h *Hierarchy) {
	root := testRoot(t, h)
	mem, err := NewMem(MemOptions{Options: Options{Root: root, Version: v, Mounts: &m}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := mem.Prepare(ctx, prepareReq("hog", 1, 64)); err != nil {
		t.Fatal(err)
	}
	limitFile := map[Version]string{V1: "memory.limit_in_bytes", V2: "memory.max"}[v]
	if got := read(t, filepath.Join(h.Mounts["memory"], root, "hog", limitFile)); got != "67108864" {
		t.Errorf("%s = %s, want 64MB", limitFile, got)
	}
	// A process that allocates and touches 200MB.
	cmd, stdin := startPaused(t, "exec dd if=/dev/zero of=/dev/null bs=200M count=1")
	if _, err := mem.Isolate(ctx, &isolator.IsolateRequest{ContainerId: id("hog"), Pid: uint64(cmd.Process.Pid)}); err != nil {
		t.Fatal(err)
	}
	watched := make(chan *isolator.WatchResponse, 1)
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	go func() {
		resp, _ := mem.Watch(wctx, &isolator.WatchRequest{ContainerId: id("hog")})
		watched <- resp
	}()
	stdin.Write([]byte("go\n"))
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("hog ended with %v, want killed by the OOM killer", err)
	}
	resp := <-watched
	l := resp.GetLimitation()
	if l == nil {
		t.Fatal("no memory limitation reported")
	}
	if l.TaskReason() != mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_MEMORY || !strings.HasPrefix(l.GetMessage(), "Memory limit exceeded: Requested: 64MB") {
		t.Errorf("limitation = %v", l)
	}
	if _, err := mem.Cleanup(ctx, &isolator.CleanupRequest{ContainerId: id("hog")}); err != nil {
		t.Fatal(err)
	}
}

func TestRealCPUv2(t *testing.T) {
	m, h := requireHierarchy(t, V2, "cpu")
	root := testRoot(t, h)
	c, err := NewCPU(CPUOptions{Options: Options{Root: root, Version: V2, Mounts: &m}, EnableCFS: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Prepare(context.Background(), prepareReq("c1", 0.5, 64)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(h.Mounts["cpu"], root, "c1")
	if got := read(t, filepath.Join(dir, "cpu.weight")); got != "50" {
		t.Errorf("cpu.weight = %s", got)
	}
	if got := read(t, filepath.Join(dir, "cpu.max")); got != "50000 100000" {
		t.Errorf("cpu.max = %s", got)
	}
	if _, err := c.Cleanup(context.Background(), &isolator.CleanupRequest{ContainerId: id("c1")}); err != nil {
		t.Fatal(err)
	}
}

// TestRealV2CgroupLifecycle runs the v2 mechanics that need no controller
// (create, attach, cgroup.kill, remove) on the machine's unified hierarchy.
func TestRealV2CgroupLifecycle(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("cgroups tests need root")
	}
	m, err := ReadMounts()
	if err != nil {
		t.Fatal(err)
	}
	if m.V2 == "" {
		t.Skip("no cgroup v2 hierarchy mounted")
	}
	// cpuacct maps to no v2 controller: nothing is enabled anywhere.
	h := &Hierarchy{Version: V2, Mounts: map[string]string{"cpuacct": m.V2}}
	root := testRoot(t, h)
	cg := h.Cgroup(filepath.Join(root, "c1"))
	if err := cg.Create(); err != nil {
		t.Fatal(err)
	}
	cmd, _ := startPaused(t, "true")
	if err := cg.Attach(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if got := procCgroups(t, cmd.Process.Pid); !strings.Contains(got, "0::/"+root+"/c1\n") {
		t.Errorf("process cgroups:\n%s", got)
	}
	procs, err := cg.Procs()
	if err != nil || !slices.Contains(procs, cmd.Process.Pid) {
		t.Errorf("Procs = %v, %v", procs, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cg.Destroy(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err == nil {
		t.Error("process survived the cgroup's destruction")
	}
	if cg.Exists() {
		t.Error("cgroup still exists")
	}
}

func TestRecoverDestroysUnknownCgroups(t *testing.T) {
	m, h := requireHierarchy(t, V1, "cpu", "cpuacct")
	root := testRoot(t, h)
	stray := h.Cgroup(filepath.Join(root, "stray"))
	kept := h.Cgroup(filepath.Join(root, "kept"))
	for _, cg := range []*Cgroup{stray, kept} {
		if err := cg.Create(); err != nil {
			t.Fatal(err)
		}
	}
	cmd, _ := startPaused(t, "true")
	if err := stray.Attach(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	c, err := NewCPU(CPUOptions{Options: Options{Root: root, Version: V1, Mounts: &m}})
	if err != nil {
		t.Fatal(err)
	}
	state := &isolator.ContainerState{ContainerId: id("kept"), Pid: 1}
	if _, err := c.Recover(context.Background(), &isolator.RecoverRequest{States: []*isolator.ContainerState{state}}); err != nil {
		t.Fatal(err)
	}
	if stray.Exists() {
		t.Error("unknown cgroup survived recovery")
	}
	if err := cmd.Wait(); err == nil {
		t.Error("process of the unknown cgroup survived")
	}
	if !kept.Exists() {
		t.Error("known container's cgroup destroyed")
	}
	if _, err := c.Usage(context.Background(), &isolator.UsageRequest{ContainerId: id("kept")}); err != nil {
		t.Errorf("usage of the recovered container: %v", err)
	}
}
