package posix

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestDiskUsage(t *testing.T) {
	dir := t.TempDir()
	empty, err := diskUsage(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i)
	}
	if err := os.WriteFile(filepath.Join(dir, "a"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	// A hard link and a symlink add nothing.
	if err := os.Link(filepath.Join(dir, "a"), filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/usr", filepath.Join(dir, "usr")); err != nil {
		t.Fatal(err)
	}
	used, err := diskUsage(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if grown := used - empty; grown < 1<<20 || grown > 1<<20+64<<10 {
		t.Errorf("usage grew by %d bytes for one 1MB file", grown)
	}
}
