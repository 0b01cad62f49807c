//go:build unix

package files

import (
	"io/fs"
	"syscall"
)

// ownership reads the link count and owner from the stat.
func ownership(st fs.FileInfo) (nlink int32, uid, gid uint32) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int32(s.Nlink), s.Uid, s.Gid
	}
	return 1, 0, 0
}
