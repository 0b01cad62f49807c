package docker

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomesos/mesos/core/agent/docker/engine"
	agentsandbox "github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// persistentMounts are the binds of the persistent volumes among a
// container's resources: each volume (under the agent's work directory)
// at <sandbox in the container>/<container_path>, read-only when its mode
// is RO. Mesos bind-mounts the volume onto <sandbox>/<container_path> on
// the host before the container starts, so the container sees it inside
// its sandbox; binding it with the container's create request gives the
// container the same view without a mount on the host (nothing to
// unmount, and removing the sandbox cannot reach into the volume).
//
// As in Mesos a container_path with a '/' is skipped with a warning, the
// mount point is made in the sandbox and the volume is given to the
// sandbox's owner when that is not root.
func (c *Containerizer) persistentMounts(sandbox string, res []*mesospb.Resource) ([]engine.Mount, error) {
	var out []engine.Mount
	for _, r := range res {
		id := r.GetDisk().GetPersistence().GetId()
		volume := r.GetDisk().GetVolume()
		if id == "" || volume == nil {
			continue
		}
		containerPath := volume.GetContainerPath()
		if containerPath == "" || strings.Contains(containerPath, "/") {
			c.log.Warn("Skipping the mount of a persistent volume: its container path is empty or contains a slash",
				"volume", id, "container_path", containerPath)
			continue
		}
		if c.opts.VolumePath == nil {
			return nil, fmt.Errorf("persistent volume '%s': the docker containerizer does not know where volumes are", id)
		}
		source := c.opts.VolumePath(r)
		if source == "" {
			return nil, fmt.Errorf("persistent volume '%s': invalid persistence id or role", id)
		}
		if _, err := os.Stat(source); err != nil {
			return nil, fmt.Errorf("persistent volume '%s': %w", id, err)
		}
		target := filepath.Join(sandbox, containerPath)
		if err := os.MkdirAll(target, 0o755); err != nil {
			return nil, fmt.Errorf("create the mount point of persistent volume '%s' at '%s': %w", id, target, err)
		}
		if err := agentsandbox.ChownVolumeToOwner(source, sandbox); err != nil {
			return nil, err
		}
		out = append(out, engine.Mount{Source: source, Target: containerPath, ReadOnly: volume.GetMode() == mesospb.Volume_RO})
	}
	return out, nil
}

// newPersistentVolumes lists the persistent volumes in updated that are
// not in current: a running container cannot be given new mounts.
func newPersistentVolumes(current, updated []*mesospb.Resource) []string {
	had := map[string]bool{}
	for _, r := range current {
		if id := r.GetDisk().GetPersistence().GetId(); id != "" {
			had[id] = true
		}
	}
	var out []string
	for _, r := range updated {
		if id := r.GetDisk().GetPersistence().GetId(); id != "" && !had[id] {
			out = append(out, id)
		}
	}
	return out
}
