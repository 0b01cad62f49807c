package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// linkPersistentVolumes makes each persistent volume among an executor's
// resources visible in its sandbox, as Mesos's filesystem/posix isolator
// (the Mesos containerizer's filesystem isolator when no other is
// configured) does: a symlink <sandbox>/<container_path> to the volume
// under <work_dir>/volumes. Without it a task launched on a volume writes
// into a plain sandbox directory (or fails) and nothing persists.
//
// As in Mesos: links of volumes no longer among the resources are removed;
// a container_path with a '/' is skipped with a warning; an existing link
// must already lead to the volume; a newly linked volume is handed to the
// sandbox's owner when that is not root (Mesos chowns it to the
// container's user, whose sandbox it is).
func (a *Agent) linkPersistentVolumes(sandboxDir string, res []*mesospb.Resource) error {
	if err := a.unlinkStaleVolumes(sandboxDir, res); err != nil {
		return err
	}
	for _, r := range res {
		volume := r.GetDisk().GetVolume()
		if r.GetDisk().GetPersistence().GetId() == "" || volume == nil {
			continue
		}
		containerPath := volume.GetContainerPath()
		if containerPath == "" || strings.Contains(containerPath, "/") {
			a.log.Warn("Skipping the symlink of a persistent volume: its container path is empty or contains a slash",
				"volume", r.GetDisk().GetPersistence().GetId(), "container_path", containerPath)
			continue
		}
		original := a.volumePath(r)
		if original == "" {
			return fmt.Errorf("persistent volume '%s': invalid persistence id or role", r.GetDisk().GetPersistence().GetId())
		}
		link := filepath.Join(sandboxDir, containerPath)
		if _, err := os.Lstat(link); err == nil {
			if err := sameTarget(link, original); err != nil {
				return err
			}
			continue
		}
		if err := sandbox.ChownVolumeToOwner(original, sandboxDir); err != nil {
			return err
		}
		a.log.Info("Adding symlink for persistent volume", "from", original, "to", link)
		if err := os.Symlink(original, link); err != nil {
			return fmt.Errorf("symlink persistent volume from '%s' to '%s': %w", original, link, err)
		}
	}
	return nil
}

// unlinkStaleVolumes removes the sandbox's links to persistent volumes
// (symlinks into <work_dir>/volumes) that are not among res any more.
func (a *Agent) unlinkStaleVolumes(sandboxDir string, res []*mesospb.Resource) error {
	wanted := map[string]bool{}
	for _, r := range res {
		if r.GetDisk().GetPersistence().GetId() != "" && r.GetDisk().GetVolume() != nil {
			wanted[r.GetDisk().GetVolume().GetContainerPath()] = true
		}
	}
	entries, err := os.ReadDir(sandboxDir)
	if err != nil {
		return fmt.Errorf("list sandbox '%s': %w", sandboxDir, err)
	}
	volumes := filepath.Join(a.cfg.WorkDir, "volumes") + string(filepath.Separator)
	for _, e := range entries {
		if e.Type()&os.ModeSymlink == 0 || wanted[e.Name()] {
			continue
		}
		link := filepath.Join(sandboxDir, e.Name())
		if target, err := os.Readlink(link); err != nil || !strings.HasPrefix(target, volumes) {
			continue
		}
		a.log.Info("Removing symlink for persistent volume", "link", link)
		if err := os.Remove(link); err != nil {
			return fmt.Errorf("remove the symlink for the unneeded persistent volume at '%s': %w", link, err)
		}
	}
	return nil
}

// sameTarget checks that link already leads to the volume at original.
func sameTarget(link, original string) error {
	got, err := filepath.EvalSymlinks(link)
	if err != nil {
		return fmt.Errorf("realpath of symlink '%s': %w", link, err)
	}
	want, err := filepath.EvalSymlinks(original)
	if err != nil {
		return fmt.Errorf("realpath of volume '%s': %w", original, err)
	}
	if got != want {
		return fmt.Errorf("the existing symlink '%s' points to '%s' and the new target is '%s'", link, got, want)
	}
	return nil
}
