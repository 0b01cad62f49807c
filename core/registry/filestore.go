package registry

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Names inside the file store's directory.
const (
	registryFileName = "registry.dat"
	lockFileName     = "registry.lock"
	tempFilePrefix   = ".registry.dat.tmp-"
)

// FileStore keeps the registry in one file, registry.dat, in its directory
// (<work_dir>/registry). Each Set writes a complete new file next to it,
// fsyncs it, renames it over the old one and fsyncs the directory, so a
// crash at any point leaves either the old or the new registry, never a mix.
// Leftover temporary files from such a crash are ignored and removed when
// the store is opened. The file carries its version and a checksum; a
// damaged file is reported (ErrCorrupt), never read as an empty registry.
//
// An exclusive lock on registry.lock, held from OpenFileStore to Close,
// keeps a second master on the same work dir from writing.
type FileStore struct {
	dir    string
	path   string
	logger *slog.Logger

	mu      sync.Mutex
	lock    *fileLock // nil once closed
	version Version
	known   bool // version reflects the file on disk
}

// OpenFileStore opens (creating if needed) the file store in dir and takes
// its lock; it fails with ErrLocked while another process holds it.
func OpenFileStore(dir string, logger *slog.Logger) (*FileStore, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating registry directory: %w", err)
	}
	lock, err := acquireLock(filepath.Join(dir, lockFileName))
	if err != nil {
		return nil, fmt.Errorf("opening registry in %s: %w", dir, err)
	}
	s := &FileStore{
		dir:    dir,
		path:   filepath.Join(dir, registryFileName),
		logger: logger.With("registry", dir),
		lock:   lock,
	}
	s.removeTempFiles()
	return s, nil
}

// Path is the registry file's path.
func (s *FileStore) Path() string { return s.path }

// removeTempFiles deletes what an interrupted Set left behind. Holding the
// lock, nobody else can be writing them.
func (s *FileStore) removeTempFiles() {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		s.logger.Warn("Cannot list registry directory for leftover temporary files", "error", err)
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempFilePrefix) {
			continue
		}
		p := filepath.Join(s.dir, e.Name())
		if err := os.Remove(p); err != nil {
			s.logger.Warn("Cannot remove leftover temporary registry file", "file", p, "error", err)
			continue
		}
		s.logger.Info("Removed leftover temporary registry file from an interrupted write", "file", p)
	}
}

// Get implements Store: it reads and checks the whole file.
func (s *FileStore) Get(ctx context.Context) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil, ErrClosed
	}
	snap, err := s.read()
	if err != nil {
		return nil, err
	}
	s.version, s.known = snap.Version, true
	return snap, nil
}

// read loads the registry file; a missing file is the empty version 0.
func (s *FileStore) read() (*Snapshot, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Snapshot{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading registry file: %w", err)
	}
	version, payload, err := decodeFile(data)
	if err != nil {
		return nil, fmt.Errorf("registry file %s: %w", s.path, err)
	}
	return &Snapshot{Data: payload, Version: version}, nil
}

// Set implements Store.
func (s *FileStore) Set(ctx context.Context, data []byte, expected Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return ErrClosed
	}
	if !s.known {
		// First write without a Get: learn the version from disk. A
		// damaged file fails here instead of being overwritten unseen.
		snap, err := s.read()
		if err != nil {
			return err
		}
		s.version, s.known = snap.Version, true
	}
	if s.version != expected {
		return fmt.Errorf("%w: expected version %d, %s is at %d", ErrConflict, expected, s.path, s.version)
	}
	next := expected + 1
	renamed, err := s.write(data, next)
	if renamed {
		// The new file is visible even if the directory sync failed.
		s.version = next
	}
	return err
}

// write puts a complete file in place atomically. renamed reports whether
// the new file replaced the old one.
func (s *FileStore) write(payload []byte, version Version) (renamed bool, err error) {
	tmp, err := os.CreateTemp(s.dir, tempFilePrefix+"*")
	if err != nil {
		return false, fmt.Errorf("creating temporary registry file: %w", err)
	}
	defer func() {
		if !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(encodeFileHeader(version, payload)); err != nil {
		return false, fmt.Errorf("writing registry file: %w", err)
	}
	if _, err := tmp.Write(payload); err != nil {
		return false, fmt.Errorf("writing registry file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return false, fmt.Errorf("syncing registry file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("closing registry file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return false, fmt.Errorf("renaming registry file into place: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return true, fmt.Errorf("syncing registry directory: %w", err)
	}
	return true, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close implements Store: it releases the lock.
func (s *FileStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil
	}
	err := s.lock.release()
	s.lock = nil
	if err != nil {
		return fmt.Errorf("releasing registry lock: %w", err)
	}
	return nil
}
