package docker

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

func persistentVolume(id, containerPath string, mode mesospb.Volume_Mode) *mesospb.Resource {
	return &mesospb.Resource{
		Name: proto.String("disk"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(8)},
		Disk: &mesospb.Resource_DiskInfo{
			Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String(id)},
			Volume:      &mesospb.Volume{ContainerPath: proto.String(containerPath), Mode: mode.Enum()},
		},
	}
}

// TestPersistentMounts: each persistent volume becomes a bind at its
// container path in the sandbox (read-only for RO), its mount point is
// made in the sandbox, a nested container path is skipped as in Mesos,
// and a volume the agent cannot place or that is missing fails.
func TestPersistentMounts(t *testing.T) {
	volumes, sandbox := t.TempDir(), t.TempDir()
	for _, id := range []string{"a", "b"} {
		if err := os.Mkdir(filepath.Join(volumes, id), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c := &Containerizer{log: slog.New(slog.DiscardHandler), opts: Options{VolumePath: func(r *mesospb.Resource) string {
		id := r.GetDisk().GetPersistence().GetId()
		if id == "bad" {
			return ""
		}
		return filepath.Join(volumes, id)
	}}}
	cpus := &mesospb.Resource{Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(1)}}
	got, err := c.persistentMounts(sandbox, []*mesospb.Resource{
		cpus, persistentVolume("a", "data", mesospb.Volume_RW), persistentVolume("b", "ro", mesospb.Volume_RO), persistentVolume("a", "x/y", mesospb.Volume_RW),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []engine.Mount{{Source: filepath.Join(volumes, "a"), Target: "data"}, {Source: filepath.Join(volumes, "b"), Target: "ro", ReadOnly: true}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("mounts %+v, want %+v", got, want)
	}
	if fi, err := os.Stat(filepath.Join(sandbox, "data")); err != nil || !fi.IsDir() {
		t.Errorf("no mount point in the sandbox: %v", err)
	}
	if _, err := os.Stat(filepath.Join(sandbox, "x")); !os.IsNotExist(err) {
		t.Errorf("a nested container path got a mount point: %v", err)
	}
	if _, err := c.persistentMounts(sandbox, []*mesospb.Resource{persistentVolume("bad", "data", mesospb.Volume_RW)}); err == nil || !strings.Contains(err.Error(), "invalid persistence id") {
		t.Errorf("an invalid volume: %v", err)
	}
	if _, err := c.persistentMounts(sandbox, []*mesospb.Resource{persistentVolume("missing", "data", mesospb.Volume_RW)}); err == nil {
		t.Error("a volume missing on the host was mounted")
	}
	if added := newPersistentVolumes([]*mesospb.Resource{persistentVolume("a", "data", mesospb.Volume_RW)},
		[]*mesospb.Resource{cpus, persistentVolume("a", "data", mesospb.Volume_RW), persistentVolume("b", "ro", mesospb.Volume_RO)}); len(added) != 1 || added[0] != "b" {
		t.Errorf("new volumes %v, want [b]", added)
	}
}
