package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestPersistentVolumeInSandbox: a task launched on a persistent volume
// finds it at its container_path in the sandbox (Mesos's filesystem/posix
// symlink), what it writes lands in the volume under the agent's work_dir,
// and a later task on the same volume reads it back. (Found by mesos-go's
// client, test/mesosgo: the task failed writing data/proof.)
func TestPersistentVolumeInSandbox(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	startAgent(t, agentConfig(t, m.addr, work))
	info := frameworkInfo("volumes", false)
	info.Roles = []string{"vol"}
	s := subscribeScheduler(t, m.addr, info)

	o := s.offer()
	reserve := func(text string) []*mesospb.Resource {
		rs := mustResources(text)
		for _, r := range rs {
			r.AllocationInfo.Role = proto.String("vol")
			r.Reservations = []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("vol")}}
		}
		return rs
	}
	reserved := reserve("cpus:0.2;mem:64;disk:32")
	volume := proto.CloneOf(reserved[2])
	volume.Disk = &mesospb.Resource_DiskInfo{
		Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String("v1")},
		Volume:      &mesospb.Volume{ContainerPath: proto.String("data"), Mode: mesospb.Volume_RW.Enum()},
	}
	writer := commandTask("writer", "echo kept > data/proof", "cpus:0.1;mem:32")
	writer.Resources = append(reserve("cpus:0.1;mem:32"), volume)
	writer.AgentId = o.GetAgentId()
	s.send(&schedulerpb.Call{
		Type: schedulerpb.Call_ACCEPT.Enum(),
		Accept: &schedulerpb.Call_Accept{
			OfferIds: []*mesospb.OfferID{o.GetId()},
			Operations: []*mesospb.Offer_Operation{
				{Type: mesospb.Offer_Operation_RESERVE.Enum(), Reserve: &mesospb.Offer_Operation_Reserve{Resources: reserved}},
				{Type: mesospb.Offer_Operation_CREATE.Enum(), Create: &mesospb.Offer_Operation_Create{Volumes: []*mesospb.Resource{volume}}},
				{Type: mesospb.Offer_Operation_LAUNCH.Enum(), Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{writer}}},
			},
			Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(0)},
		},
	})
	s.waitState("writer", mesospb.TaskState_TASK_FINISHED)
	if b, err := os.ReadFile(filepath.Join(work, "volumes", "roles", "vol", "v1", "proof")); err != nil || string(b) != "kept\n" {
		t.Fatalf("the volume holds %q, %v; want what the task wrote", b, err)
	}

	// The volume comes back offered; a second task on it reads the file.
	var again *mesospb.Offer
	s.next("an offer with volume v1", func(e *schedulerpb.Event) bool {
		for _, o := range e.GetOffers().GetOffers() {
			for _, r := range o.GetResources() {
				if r.GetDisk().GetPersistence().GetId() == "v1" {
					again = o
					return true
				}
			}
		}
		return false
	})
	reader := commandTask("reader", "grep -qx kept data/proof", "cpus:0.1;mem:32")
	reader.Resources = append(reserve("cpus:0.1;mem:32"), volume)
	s.launch(again, reader)
	s.waitState("reader", mesospb.TaskState_TASK_FINISHED)
}

// TestLinkPersistentVolumes checks the symlinks on their own: made once,
// kept when already right, refused when an existing entry leads elsewhere,
// skipped (as Mesos does) for a nested container path, and removed when
// the volume leaves the resources.
func TestLinkPersistentVolumes(t *testing.T) {
	work, sandboxDir := t.TempDir(), t.TempDir()
	a := &Agent{cfg: Config{WorkDir: work}, log: testLogger(t)}
	vol := func(id, containerPath string) *mesospb.Resource {
		return &mesospb.Resource{
			Name: proto.String("disk"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(8)},
			Reservations: []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("r")}},
			Disk: &mesospb.Resource_DiskInfo{
				Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String(id)},
				Volume:      &mesospb.Volume{ContainerPath: proto.String(containerPath), Mode: mesospb.Volume_RW.Enum()},
			},
		}
	}
	for _, id := range []string{"a", "b"} {
		if err := os.MkdirAll(filepath.Join(work, "volumes", "roles", "r", id), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	res := []*mesospb.Resource{vol("a", "data"), vol("b", "x/y")}
	for range 2 { // the second time the link is already there
		if err := a.linkPersistentVolumes(sandboxDir, res); err != nil {
			t.Fatal(err)
		}
	}
	if target, err := os.Readlink(filepath.Join(sandboxDir, "data")); err != nil || target != filepath.Join(work, "volumes", "roles", "r", "a") {
		t.Errorf("data links to %q, %v", target, err)
	}
	if _, err := os.Lstat(filepath.Join(sandboxDir, "x")); !os.IsNotExist(err) {
		t.Errorf("a nested container path was linked: %v", err)
	}
	if err := os.Symlink(filepath.Join(work, "volumes", "roles", "r", "b"), filepath.Join(sandboxDir, "other")); err != nil {
		t.Fatal(err)
	}
	err := a.linkPersistentVolumes(sandboxDir, []*mesospb.Resource{vol("b", "data")})
	if err == nil || !strings.Contains(err.Error(), "points to") {
		t.Errorf("relinking data to another volume: %v", err)
	}
	// A volume no longer among the resources loses its link; other
	// symlinks in the sandbox stay.
	if err := os.Symlink("stdout", filepath.Join(sandboxDir, "mine")); err != nil {
		t.Fatal(err)
	}
	if err := a.linkPersistentVolumes(sandboxDir, []*mesospb.Resource{vol("a", "data")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(sandboxDir, "other")); !os.IsNotExist(err) {
		t.Errorf("the link of a volume no longer used is still there: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(sandboxDir, "mine")); err != nil {
		t.Errorf("a symlink that is not a volume's was removed: %v", err)
	}
}
