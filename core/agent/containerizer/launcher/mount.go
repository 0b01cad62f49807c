package launcher

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// setupMounts runs in the container's new mount namespace. It first makes
// every mount a slave of the host's, so that nothing mounted here
// propagates back to the host, then makes the requested mounts in order.
func setupMounts(mounts []Mount) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return fmt.Errorf("make / a recursive slave mount: %w", err)
	}
	for _, m := range mounts {
		if err := mount(m); err != nil {
			return err
		}
	}
	return nil
}

func mount(m Mount) error {
	if m.Flags&unix.MS_BIND == 0 {
		if err := unix.Mount(m.Source, m.Target, m.Type, m.Flags, m.Options); err != nil {
			return fmt.Errorf("mount %s (%s) on %s: %w", m.Source, m.Type, m.Target, err)
		}
		return nil
	}
	if err := unix.Mount(m.Source, m.Target, "", unix.MS_BIND|(m.Flags&unix.MS_REC), ""); err != nil {
		return fmt.Errorf("bind mount %s on %s: %w", m.Source, m.Target, err)
	}
	// Linux ignores per-mount flags on the bind itself; they take a
	// remount.
	const perMount = unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	if m.Flags&perMount != 0 {
		flags := unix.MS_BIND | unix.MS_REMOUNT | (m.Flags & perMount)
		if err := unix.Mount("", m.Target, "", flags, ""); err != nil {
			return fmt.Errorf("remount %s with flags %#x: %w", m.Target, m.Flags&perMount, err)
		}
	}
	return nil
}
