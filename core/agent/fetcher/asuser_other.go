//go:build !linux

package fetcher

import (
	"fmt"
	"os"
)

// openAsUser opens a local file for the user. Without per-thread
// file-system identities, a root agent refuses local files for another
// user rather than read them with root's rights.
func openAsUser(path string, o *owner) (*os.File, error) {
	if o == nil || o.uid == 0 || os.Geteuid() != 0 {
		return os.Open(path)
	}
	return nil, fmt.Errorf("open %s: local files cannot be fetched for another user on this platform: %w", path, os.ErrPermission)
}
