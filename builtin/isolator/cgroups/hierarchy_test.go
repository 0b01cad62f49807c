package cgroups

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const sampleMountinfo = `22 1 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
30 22 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
32 30 0:28 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
33 30 0:29 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
34 30 0:30 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
35 30 0:31 / /sys/fs/cgroup/net_cls,net_prio rw,relatime - cgroup cgroup rw,net_cls,net_prio
36 30 0:32 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
37 30 0:33 / /mnt/odd\040dir rw,relatime - cgroup cgroup rw,pids
`

func TestParseMountinfo(t *testing.T) {
	m := ParseMountinfo(sampleMountinfo)
	want := map[string]string{
		"cpu": "/sys/fs/cgroup/cpu", "cpuacct": "/sys/fs/cgroup/cpuacct", "memory": "/sys/fs/cgroup/memory",
		"net_cls": "/sys/fs/cgroup/net_cls,net_prio", "net_prio": "/sys/fs/cgroup/net_cls,net_prio",
		"pids": "/mnt/odd dir",
	}
	if len(m.V1) != len(want) {
		t.Errorf("v1 = %v, want %v", m.V1, want)
	}
	for c, p := range want {
		if m.V1[c] != p {
			t.Errorf("v1[%s] = %q, want %q", c, m.V1[c], p)
		}
	}
	if m.V2 != "/sys/fs/cgroup/unified" {
		t.Errorf("v2 = %q", m.V2)
	}
}

func TestResolve(t *testing.T) {
	unified := t.TempDir()
	if err := os.WriteFile(filepath.Join(unified, "cgroup.controllers"), []byte("cpu io memory pids\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	v1Only := Mounts{V1: map[string]string{"cpu": "/c", "cpuacct": "/a"}}
	both := Mounts{V1: map[string]string{"cpu": "/c", "cpuacct": "/a"}, V2: unified}
	v2Only := Mounts{V1: map[string]string{}, V2: unified}

	if h, err := Resolve(both, 0, "cpu", "cpuacct"); err != nil || h.Version != V1 || h.Mounts["cpuacct"] != "/a" {
		t.Errorf("both, auto: %+v %v", h, err)
	}
	if h, err := Resolve(both, V2, "cpu"); err != nil || h.Version != V2 || h.Mounts["cpu"] != unified {
		t.Errorf("both, v2: %+v %v", h, err)
	}
	if h, err := Resolve(v2Only, 0, "memory"); err != nil || h.Version != V2 {
		t.Errorf("v2 only: %+v %v", h, err)
	}
	if _, err := Resolve(v2Only, 0, "hugetlb"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("missing v2 controller: %v", err)
	}
	if _, err := Resolve(v1Only, V2, "cpu"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("no v2 hierarchy: %v", err)
	}
	if _, err := Resolve(v1Only, 0, "memory"); !errors.Is(err, ErrUnavailable) {
		t.Errorf("no memory anywhere: %v", err)
	}
}

func TestMesosCPUArithmetic(t *testing.T) {
	for _, tt := range []struct {
		cpus   float64
		shares uint64
		weight uint64
		quota  time.Duration
	}{
		{0.5, 512, 50, 50 * time.Millisecond},
		{1, 1024, 100, 100 * time.Millisecond},
		{2.5, 2560, 250, 250 * time.Millisecond},
		{0.001, MinCPUShares, MinCPUWeight, MinCFSQuota},
		{0.1, 102, 10, 10 * time.Millisecond},
		{200, 204800, MaxCPUWeight, 20 * time.Second},
	} {
		if got := CPUShares(tt.cpus, false); got != tt.shares {
			t.Errorf("CPUShares(%v) = %d, want %d", tt.cpus, got, tt.shares)
		}
		if got := CPUWeight(tt.cpus, false); got != tt.weight {
			t.Errorf("CPUWeight(%v) = %d, want %d", tt.cpus, got, tt.weight)
		}
		if got := CFSQuota(tt.cpus); got != tt.quota {
			t.Errorf("CFSQuota(%v) = %v, want %v", tt.cpus, got, tt.quota)
		}
	}
	if got := CPUShares(1, true); got != CPUSharesPerCPURevocable {
		t.Errorf("revocable shares = %d", got)
	}
}

func FuzzParseMountinfo(f *testing.F) {
	f.Add(sampleMountinfo)
	f.Add("1 2 3:4 / /x rw - cgroup cgroup rw,\\0")
	f.Fuzz(func(t *testing.T, data string) {
		m := ParseMountinfo(data)
		for c, p := range m.V1 {
			if c == "" || p == "" {
				t.Fatalf("empty entry %q -> %q", c, p)
			}
		}
	})
}
