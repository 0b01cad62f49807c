package posix

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// diskUsage is what `du -s` reports for dir, in bytes: the blocks
// allocated to everything below it, hard links counted once, symlinks
// not followed. Files vanishing during the walk are skipped.
func diskUsage(ctx context.Context, dir string) (uint64, error) {
	type inode struct{ dev, ino uint64 }
	seen := map[inode]bool{}
	var total uint64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path != dir {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			total += uint64(info.Size())
			return nil
		}
		if st.Nlink > 1 && !info.IsDir() {
			k := inode{uint64(st.Dev), st.Ino}
			if seen[k] {
				return nil
			}
			seen[k] = true
		}
		total += uint64(st.Blocks) * 512
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("measure disk usage of %s: %w", dir, err)
	}
	return total, nil
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
