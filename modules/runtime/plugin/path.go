package plugin

import (
	"path/filepath"
	"strings"
)

// absPath makes a manifest file path absolute; "file://" is allowed.
func absPath(file string) (string, error) {
	return filepath.Abs(strings.TrimPrefix(file, "file://"))
}
