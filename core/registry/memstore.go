package registry

import (
	"context"
	"fmt"
	"sync"
)

// MemoryStore is the --registry=in_memory store: it lives as long as the
// process, so a restarted master starts from an empty registry. It is safe
// for concurrent use, and two registrars sharing one see each other's
// writes as conflicts, as they would with a shared store.
type MemoryStore struct {
	mu      sync.Mutex
	data    []byte
	version Version
	closed  bool
}

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context) (*Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	return &Snapshot{Data: s.data, Version: s.version}, nil
}

// Set implements Store.
func (s *MemoryStore) Set(ctx context.Context, data []byte, expected Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if s.version != expected {
		return fmt.Errorf("%w: expected version %d, in-memory store is at %d", ErrConflict, expected, s.version)
	}
	s.data = data
	s.version = expected + 1
	return nil
}

// Close implements Store.
func (s *MemoryStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
