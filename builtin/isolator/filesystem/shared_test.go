package filesystem

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

func prepare(t *testing.T, sandbox string, volumes ...*mesospb.Volume) (*isolator.ContainerLaunchInfo, error) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	s, err := NewShared()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Prepare(context.Background(), &isolator.PrepareRequest{
		ContainerId: &mesospb.ContainerID{Value: proto.String("c1")},
		Config: &isolator.ContainerConfig{
			Directory:     sandbox,
			ContainerInfo: &mesospb.ContainerInfo{Type: mesospb.ContainerInfo_MESOS.Enum(), Volumes: volumes},
		},
	})
	return resp.GetLaunchInfo(), err
}

func volume(container, host string) *mesospb.Volume {
	return &mesospb.Volume{ContainerPath: proto.String(container), HostPath: proto.String(host), Mode: mesospb.Volume_RW.Enum()}
}

func TestSharedPrepare(t *testing.T) {
	sandbox, target := t.TempDir(), t.TempDir()
	if err := os.Chmod(target, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	li, err := prepare(t, sandbox, volume(target, "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(li.GetCloneNamespaces()) != 1 || li.GetCloneNamespaces()[0] != isolator.CloneNewNS {
		t.Errorf("namespaces = %v", li.GetCloneNamespaces())
	}
	m := li.GetMounts()
	if len(m) != 1 || m[0].GetSource() != filepath.Join(sandbox, "tmp") || m[0].GetTarget() != target || m[0].GetFlags() != isolator.MountBind {
		t.Errorf("mounts = %v", m)
	}
	st, err := os.Stat(filepath.Join(sandbox, "tmp"))
	if err != nil || st.Mode()&os.ModeSticky == 0 || st.Mode().Perm() != 0o777 {
		t.Errorf("sandbox/tmp made as %v, %v; want the mode of %s", st.Mode(), err, target)
	}
}

func TestSharedRejects(t *testing.T) {
	sandbox, a := t.TempDir(), t.TempDir()
	inner := filepath.Join(a, "inner")
	if err := os.Mkdir(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		volumes []*mesospb.Volume
		want    string
	}{
		{"missing container path", []*mesospb.Volume{volume("/no/such/dir", "x")}, "must exist on host"},
		{"no host path", []*mesospb.Volume{{ContainerPath: proto.String(a)}}, "must specify host path"},
		{"nested volumes", []*mesospb.Volume{volume(a, "x"), volume(inner, "y")}, "because it is under volume"},
		{"under the sandbox", []*mesospb.Volume{volume(sandbox, "x")}, "because it is under volume"},
		{"relative components", []*mesospb.Volume{volume(a, "x/../../etc")}, "relative components"},
		{"missing host path", []*mesospb.Volume{volume(a, "/no/such/host/dir")}, "present on host"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := prepare(t, sandbox, tt.volumes...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Prepare = %v, want an error about %q", err, tt.want)
			}
		})
	}
}
