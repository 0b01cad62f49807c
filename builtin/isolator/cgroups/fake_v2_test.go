package cgroups

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// fakeV2 is a directory laid out like a cgroup v2 hierarchy whose new
// cgroups get the files the kernel would create, so the v2 code paths run
// where the machine has no v2 controllers.
func fakeV2(t *testing.T, controllers string) (string, func(*Hierarchy)) {
	t.Helper()
	root := t.TempDir()
	write := func(dir, name, value string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(value), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(root, "cgroup.controllers", controllers+"\n")
	write(root, "cgroup.subtree_control", "")
	mkdir := func(dir string) error {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return err
		}
		for name, value := range map[string]string{
			"cgroup.controllers": controllers, "cgroup.subtree_control": "", "cgroup.procs": "", "cgroup.threads": "",
			"cpu.weight": "100", "cpu.max": "max 100000",
			"cpu.stat":   "usage_usec 3000000\nuser_usec 2000000\nsystem_usec 1000000\nnr_periods 7\nnr_throttled 2\nthrottled_usec 500000\n",
			"memory.max": "max", "memory.low": "0", "memory.current": "4096", "memory.swap.current": "0", "memory.peak": "8192",
			"memory.stat":   "anon 1024\nfile 2048\nfile_mapped 512\nunevictable 0\n",
			"memory.events": "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
		} {
			write(dir, name, value)
		}
		return nil
	}
	return root, func(h *Hierarchy) { h.mkdir = mkdir }
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

func prepareReq(id string, cpus, mem float64) *isolator.PrepareRequest {
	return &isolator.PrepareRequest{
		ContainerId: &mesospb.ContainerID{Value: proto.String(id)},
		Config:      &isolator.ContainerConfig{Resources: resources(cpus, mem), Directory: "/sandbox"},
	}
}

func resources(cpus, mem float64) []*mesospb.Resource {
	scalar := func(n string, v float64) *mesospb.Resource {
		return &mesospb.Resource{Name: proto.String(n), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
	}
	return []*mesospb.Resource{scalar("cpus", cpus), scalar("mem", mem)}
}

func TestCPUv2Files(t *testing.T) {
	root, fake := fakeV2(t, "cpu memory")
	for _, cfs := range []bool{false, true} {
		c, err := NewCPU(CPUOptions{Options: Options{Version: V2, Mounts: &Mounts{V2: root}, Root: "mesos"}, EnableCFS: cfs})
		if err != nil {
			t.Fatal(err)
		}
		fake(c.h)
		id := "cfs-" + map[bool]string{false: "off", true: "on"}[cfs]
		if _, err := c.Prepare(context.Background(), prepareReq(id, 0.5, 64)); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(root, "mesos", id)
		if got := read(t, filepath.Join(dir, "cpu.weight")); got != "50" {
			t.Errorf("cpu.weight = %s, want 50", got)
		}
		wantMax := map[bool]string{false: "max 100000", true: "50000 100000"}[cfs]
		if got := read(t, filepath.Join(dir, "cpu.max")); got != wantMax {
			t.Errorf("cpu.max = %q, want %q", got, wantMax)
		}
		_, err = c.Update(context.Background(), &isolator.UpdateRequest{ContainerId: prepareReq(id, 0, 0).ContainerId, Resources: resources(3, 64)})
		if err != nil {
			t.Fatal(err)
		}
		if got := read(t, filepath.Join(dir, "cpu.weight")); got != "300" {
			t.Errorf("cpu.weight after update = %s, want 300", got)
		}
		u, err := c.Usage(context.Background(), &isolator.UsageRequest{ContainerId: prepareReq(id, 0, 0).ContainerId})
		if err != nil {
			t.Fatal(err)
		}
		s := u.GetStatistics()
		if s.GetCpusUserTimeSecs() != 2 || s.GetCpusSystemTimeSecs() != 1 || s.GetCpusNrPeriods() != 7 ||
			s.GetCpusNrThrottled() != 2 || s.GetCpusThrottledTimeSecs() != 0.5 {
			t.Errorf("usage = %v", s)
		}
	}
	// The cpu controller was enabled for the children of the root and of
	// mesos/.
	if got := read(t, filepath.Join(root, "cgroup.subtree_control")); got != "+cpu" {
		t.Errorf("root subtree_control = %q", got)
	}
	if got := read(t, filepath.Join(root, "mesos", "cgroup.subtree_control")); got != "+cpu" {
		t.Errorf("mesos subtree_control = %q", got)
	}
}

func TestMemv2FilesAndOOM(t *testing.T) {
	root, fake := fakeV2(t, "cpu memory")
	m, err := NewMem(MemOptions{Options: Options{Version: V2, Mounts: &Mounts{V2: root}}, OOMPollInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	fake(m.h)
	ctx := context.Background()
	req := prepareReq("c1", 1, 64)
	if _, err := m.Prepare(ctx, req); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "mesos", "c1")
	if got := read(t, filepath.Join(dir, "memory.max")); got != "67108864" {
		t.Errorf("memory.max = %s", got)
	}
	if got := read(t, filepath.Join(dir, "memory.low")); got != "67108864" {
		t.Errorf("memory.low = %s", got)
	}
	// Lowering keeps the hard limit, raising moves it; soft always moves.
	update := func(mem float64) {
		t.Helper()
		if _, err := m.Update(ctx, &isolator.UpdateRequest{ContainerId: req.ContainerId, Resources: resources(1, mem)}); err != nil {
			t.Fatal(err)
		}
	}
	update(16)
	if got := read(t, filepath.Join(dir, "memory.max")); got != "67108864" {
		t.Errorf("memory.max after lowering = %s", got)
	}
	if got := read(t, filepath.Join(dir, "memory.low")); got != "33554432" {
		t.Errorf("memory.low after lowering to 16MB = %s, want the 32MB minimum", got)
	}
	update(128)
	if got := read(t, filepath.Join(dir, "memory.max")); got != "134217728" {
		t.Errorf("memory.max after raising = %s", got)
	}

	u, err := m.Usage(ctx, &isolator.UsageRequest{ContainerId: req.ContainerId})
	if err != nil {
		t.Fatal(err)
	}
	if s := u.GetStatistics(); s.GetMemTotalBytes() != 4096 || s.GetMemRssBytes() != 1024 || s.GetMemCacheBytes() != 2048 {
		t.Errorf("usage = %v", s)
	}

	watched := make(chan *isolator.WatchResponse, 1)
	go func() {
		resp, _ := m.Watch(ctx, &isolator.WatchRequest{ContainerId: req.ContainerId})
		watched <- resp
	}()
	if err := os.WriteFile(filepath.Join(dir, "memory.events"), []byte("oom 1\noom_kill 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case resp := <-watched:
		l := resp.GetLimitation()
		if l.TaskReason() != mesospb.TaskStatus_REASON_CONTAINER_LIMITATION_MEMORY ||
			!strings.Contains(l.GetMessage(), "Memory limit exceeded: Requested: 128MB Maximum Used: 8KB") {
			t.Errorf("limitation = %v", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no limitation after an OOM kill")
	}
}

func TestMemv2LateOOMOnCancel(t *testing.T) {
	root, fake := fakeV2(t, "memory")
	m, err := NewMem(MemOptions{Options: Options{Version: V2, Mounts: &Mounts{V2: root}}, OOMPollInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	fake(m.h)
	req := prepareReq("c1", 1, 64)
	if _, err := m.Prepare(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "mesos", "c1", "memory.events"), []byte("oom_kill 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	resp, err := m.Watch(ctx, &isolator.WatchRequest{ContainerId: req.ContainerId})
	if err != nil || resp.GetLimitation() == nil {
		t.Fatalf("Watch after cancel = %v, %v; want the OOM", resp, err)
	}
}

func TestV2IsolatorsShareTheContainerCgroup(t *testing.T) {
	root, fake := fakeV2(t, "cpu memory")
	opts := Options{Version: V2, Mounts: &Mounts{V2: root}}
	c, err := NewCPU(CPUOptions{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMem(MemOptions{Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	fake(c.h)
	fake(m.h)
	ctx := context.Background()
	if _, err := c.Prepare(ctx, prepareReq("c1", 1, 64)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Prepare(ctx, prepareReq("c1", 1, 64)); err != nil {
		t.Fatalf("second isolator on the same v2 cgroup: %v", err)
	}
	dir := filepath.Join(root, "mesos", "c1")
	if read(t, filepath.Join(dir, "cpu.weight")) != "100" || read(t, filepath.Join(dir, "memory.max")) != "67108864" {
		t.Error("limits not written to the shared cgroup")
	}
	if got := read(t, filepath.Join(root, "cgroup.subtree_control")); got != "+memory" {
		// A plain file keeps the last write; the kernel would hold both.
		t.Errorf("root subtree_control = %q", got)
	}
}
