package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
)

// listIDs names the subdirectories of dir that are valid IDs, sorted. The
// "latest" symlink and anything else that is not a directory are skipped,
// as are names that fail validation (nothing the agent created). A missing
// dir lists nothing.
func listIDs(dir string, validate func(string) error) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var ids []string
	for _, e := range entries {
		if !e.IsDir() || e.Name() == LatestSymlink || validate(e.Name()) != nil {
			continue
		}
		ids = append(ids, e.Name())
	}
	sort.Strings(ids)
	return ids, nil
}
