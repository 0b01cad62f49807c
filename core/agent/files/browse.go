package files

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Browse lists a directory (Mesos's browse, behind /files/browse and
// LIST_FILES), sorted by name. Each entry's path is the requested path
// joined with the entry's name; entries are stat'ed through symlinks, and
// those that cannot be (including symlinks out of the attached root) are
// left out. Browsing a file lists nothing.
func (f *Files) Browse(ctx context.Context, path string) ([]*mesospb.FileInfo, error) {
	t, err := f.lookup(ctx, path)
	if err != nil {
		return nil, err
	}
	r, err := resolve(t)
	if err != nil {
		return nil, err
	}
	file, err := r.open()
	if err != nil {
		return nil, withOpenError(err, t.virtual)
	}
	defer file.Close()
	entries, err := file.ReadDir(-1)
	if err != nil {
		// Not a directory (or unreadable): an empty listing, as Mesos.
		return []*mesospb.FileInfo{}, nil
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	prefix := strings.TrimSuffix(fromURI(path), "/")
	dir := filepath.Join(r.root, r.rel)
	n := newNames()
	out := make([]*mesospb.FileInfo, 0, len(entries))
	for _, e := range entries {
		st, ok := statConfined(r.root, filepath.Join(dir, e.Name()), e)
		if !ok {
			continue
		}
		out = append(out, fileInfo(prefix+"/"+e.Name(), st, n))
	}
	return out, nil
}

// statConfined stats an entry, following a symlink only when it resolves
// inside root.
func statConfined(root, full string, e fs.DirEntry) (fs.FileInfo, bool) {
	if e.Type()&fs.ModeSymlink == 0 {
		st, err := e.Info()
		return st, err == nil
	}
	rel, err := confine(root, full)
	if err != nil {
		return nil, false
	}
	st, err := os.Stat(filepath.Join(root, rel))
	return st, err == nil
}
