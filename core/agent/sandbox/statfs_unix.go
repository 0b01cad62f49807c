//go:build linux || darwin || freebsd

package sandbox

import (
	"fmt"
	"syscall"
)

// DiskUsage is the used fraction of the file system holding path, as
// stout's fs::usage: (blocks - free blocks) / blocks.
func DiskUsage(path string) (float64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	if st.Blocks == 0 {
		return 0, fmt.Errorf("statfs %s: file system reports no blocks", path)
	}
	return float64(uint64(st.Blocks)-uint64(st.Bfree)) / float64(uint64(st.Blocks)), nil
}
