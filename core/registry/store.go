package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/registrypb"
)

// Version numbers the successive contents of a Store. Zero means nothing
// has been stored yet; every successful Set stores version expected+1.
type Version uint64

// Snapshot is what a Store holds: the encoded registry and its version.
type Snapshot struct {
	// Data is a protobuf-encoded registrypb.Registry, empty when nothing has
	// been stored yet. It must not be modified.
	Data []byte
	// Version is the version of Data; zero when nothing has been stored.
	Version Version
}

// Registry decodes the snapshot. An empty snapshot is an empty registry;
// undecodable data is reported as ErrCorrupt.
func (s *Snapshot) Registry() (*registrypb.Registry, error) {
	return decodeRegistry(s.Data)
}

// Store keeps the registry with compare-and-set semantics, so that two
// masters that both believe they lead cannot both write: the second writer's
// expected version is stale and its Set fails with ErrConflict.
type Store interface {
	// Get returns the current snapshot. A store that cannot be read, or
	// whose contents are damaged, returns an error (ErrCorrupt for damage),
	// never an empty snapshot in place of lost data.
	Get(ctx context.Context) (*Snapshot, error)

	// Set stores data as version expected+1 if the store is still at
	// version expected, and fails with an error wrapping ErrConflict
	// otherwise. Once it returns nil the data is durable. ctx may not
	// interrupt a write already under way. The store may keep data: the
	// caller must not modify it afterwards.
	Set(ctx context.Context, data []byte, expected Version) error

	// Close releases the store (its lock, its session). Later calls fail
	// with ErrClosed.
	Close() error
}

// Errors reported by stores and the registrar; test with errors.Is.
var (
	// ErrConflict: someone else wrote the store since the writer last read
	// it (another master leads, or leads too).
	ErrConflict = errors.New("registry version mismatch")
	// ErrCorrupt: the stored registry is damaged (truncated, checksum
	// mismatch, undecodable).
	ErrCorrupt = errors.New("registry is corrupt")
	// ErrLocked: another process holds the file store's lock.
	ErrLocked = errors.New("registry is locked by another process")
	// ErrClosed: the store or registrar was closed.
	ErrClosed = errors.New("registry closed")
)

// Store kinds, as the master's --registry flag names them.
const (
	KindInMemory      = "in_memory"
	KindReplicatedLog = "replicated_log"
)

// OpenStore opens the store that --registry=kind selects. replicated_log is,
// until the ZooKeeper store exists, the file store under <workDir>/registry.
func OpenStore(kind, workDir string, logger *slog.Logger) (Store, error) {
	switch kind {
	case KindInMemory:
		return NewMemoryStore(), nil
	case KindReplicatedLog:
		if workDir == "" {
			return nil, errors.New("registry: --registry=replicated_log needs --work_dir")
		}
		return OpenFileStore(filepath.Join(workDir, "registry"), logger)
	default:
		return nil, fmt.Errorf("registry: unknown --registry=%q (want %s or %s)", kind, KindReplicatedLog, KindInMemory)
	}
}

// encodeRegistry marshals deterministically (map fields in key order), so
// that equal registries encode to equal bytes.
func encodeRegistry(reg *registrypb.Registry) ([]byte, error) {
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(reg)
	if err != nil {
		return nil, fmt.Errorf("encoding registry: %w", err)
	}
	return data, nil
}

// decodeRegistry unmarshals a stored registry, checking required fields.
func decodeRegistry(data []byte) (*registrypb.Registry, error) {
	reg := &registrypb.Registry{}
	if err := proto.Unmarshal(data, reg); err != nil {
		return nil, fmt.Errorf("%w: decoding registry (%d bytes): %w", ErrCorrupt, len(data), err)
	}
	return reg, nil
}
