package registry

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var ctx = context.Background()

func openFile(t *testing.T, dir string) *FileStore {
	t.Helper()
	s, err := OpenFileStore(dir, nil)
	if err != nil {
		t.Fatalf("OpenFileStore: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestFileStoreVersionsAndReopen(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	snap, err := s.Get(ctx)
	if err != nil || snap.Version != 0 || len(snap.Data) != 0 {
		t.Fatalf("empty store: %+v, %v", snap, err)
	}
	if err := s.Set(ctx, []byte("one"), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, []byte("two"), 1); err != nil {
		t.Fatal(err)
	}
	err = s.Set(ctx, []byte("stale"), 1)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("stale Set: %v, want ErrConflict", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close: %v", err)
	}

	s = openFile(t, dir)
	snap, err = s.Get(ctx)
	if err != nil || snap.Version != 2 || string(snap.Data) != "two" {
		t.Fatalf("after reopen: %+v, %v", snap, err)
	}
	// A Set without a Get learns the version from disk.
	s.Close()
	s = openFile(t, dir)
	if err := s.Set(ctx, []byte("x"), 0); !errors.Is(err, ErrConflict) {
		t.Fatalf("Set with a stale version after reopen: %v", err)
	}
	if err := s.Set(ctx, []byte("three"), 2); err != nil {
		t.Fatal(err)
	}
}

func TestFileStoreLock(t *testing.T) {
	dir := t.TempDir()
	s := openFile(t, dir)
	_, err := OpenFileStore(dir, nil)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "pid") {
		t.Errorf("lock error does not name the holder: %v", err)
	}
	s.Close()
	s2, err := OpenFileStore(dir, nil)
	if err != nil {
		t.Fatalf("open after the holder closed: %v", err)
	}
	s2.Close()
}

func writeRegistryFile(t *testing.T, dir string, data []byte) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, registryFileName)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func validFile(version Version, payload []byte) []byte {
	return append(encodeFileHeader(version, payload), payload...)
}

func TestFileStoreReportsCorruption(t *testing.T) {
	good := validFile(3, []byte("some registry payload"))
	flipped := bytes.Clone(good)
	flipped[len(flipped)-2] ^= 0x40
	badVersion := bytes.Clone(good)
	badVersion[19] ^= 1

	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"empty file":         {nil, "truncated: 0 bytes"},
		"truncated header":   {good[:20], "truncated: 20 bytes"},
		"truncated payload":  {good[:len(good)-5], "truncated: header announces 21 payload bytes, file holds 16"},
		"trailing garbage":   {append(bytes.Clone(good), "xx"...), "2 unexpected bytes after the 21-byte payload"},
		"flipped bit":        {flipped, "checksum mismatch"},
		"version changed":    {badVersion, "checksum mismatch"},
		"not a registry":     {[]byte(strings.Repeat("{json: true}", 4)), "not a registry file"},
		"future format":      {append([]byte(fileMagic), 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "unsupported file format version 2"},
		"version 0":          {validFile(0, nil), "stored version is 0"},
		"undecodable record": {validFile(1, []byte{0xff, 0xff, 0xff}), "decoding registry"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeRegistryFile(t, dir, tc.data)
			s := openFile(t, dir)
			snap, err := s.Get(ctx)
			if err == nil {
				_, err = snap.Registry()
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
			// A damaged file is never overwritten blindly.
			if name != "undecodable record" {
				if err := s.Set(ctx, []byte("new"), 0); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("Set over a damaged file: %v", err)
				}
				if got, _ := os.ReadFile(p); !bytes.Equal(got, tc.data) {
					t.Fatal("damaged file was modified")
				}
			}
		})
	}
}

func TestFileStoreIgnoresAndRemovesTempFiles(t *testing.T) {
	dir := t.TempDir()
	writeRegistryFile(t, dir, validFile(5, []byte("committed")))
	// A crash between writing the temporary file and renaming it.
	leftover := filepath.Join(dir, tempFilePrefix+"123456")
	if err := os.WriteFile(leftover, validFile(6, []byte("half")), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openFile(t, dir)
	snap, err := s.Get(ctx)
	if err != nil || snap.Version != 5 || string(snap.Data) != "committed" {
		t.Fatalf("Get: %+v, %v", snap, err)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("leftover temporary file still there: %v", err)
	}
	if err := s.Set(ctx, []byte("next"), 5); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempFilePrefix) {
			t.Fatalf("Set left a temporary file: %s", e.Name())
		}
	}
}

func TestFileStoreWriteFailureKeepsOldFile(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	dir := t.TempDir()
	s := openFile(t, dir)
	if err := s.Set(ctx, []byte("v1"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if err := s.Set(ctx, []byte("v2"), 1); err == nil {
		t.Fatal("Set succeeded in a read-only directory")
	}
	snap, err := s.Get(ctx)
	if err != nil || snap.Version != 1 || string(snap.Data) != "v1" {
		t.Fatalf("after a failed write: %+v, %v", snap, err)
	}
}

func TestOpenStore(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenStore(KindReplicatedLog, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	fs, ok := s.(*FileStore)
	if !ok || fs.Path() != filepath.Join(dir, "registry", registryFileName) {
		t.Fatalf("replicated_log opened %T", s)
	}
	s.Close()
	if s, err := OpenStore(KindInMemory, "", nil); err != nil || s == nil {
		t.Fatalf("in_memory: %v", err)
	}
	if _, err := OpenStore(KindReplicatedLog, "", nil); err == nil {
		t.Fatal("replicated_log without a work dir")
	}
	if _, err := OpenStore("zookeeper", dir, nil); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

func TestMemoryStore(t *testing.T) {
	s := NewMemoryStore()
	if err := s.Set(ctx, []byte("a"), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, []byte("b"), 0); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale Set: %v", err)
	}
	snap, _ := s.Get(ctx)
	if snap.Version != 1 || string(snap.Data) != "a" {
		t.Fatalf("snapshot %+v", snap)
	}
	s.Close()
	if err := s.Set(ctx, nil, 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Set after Close: %v", err)
	}
}
