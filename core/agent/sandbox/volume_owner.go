package sandbox

import (
	"fmt"
	"os"
	"syscall"
)

// ChownVolumeToOwner gives a persistent volume's directory (not its
// contents) to the owner of the sandbox it is used from when that is not
// root, so that a task running as the framework's user can write to it
// (Mesos does the same before linking or mounting the volume).
func ChownVolumeToOwner(volume, sandboxDir string) error {
	info, err := os.Stat(sandboxDir)
	if err != nil {
		return fmt.Errorf("stat sandbox '%s': %w", sandboxDir, err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return nil
	}
	if err := os.Chown(volume, int(st.Uid), int(st.Gid)); err != nil {
		return fmt.Errorf("change the ownership of the persistent volume at '%s' to uid %d and gid %d: %w", volume, st.Uid, st.Gid, err)
	}
	return nil
}
