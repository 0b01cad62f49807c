package zkstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	gozk "github.com/go-zookeeper/zk"

	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/zk"
)

// Defaults.
const (
	// DefaultNode is the registry znode's name under the --zk path.
	DefaultNode = "registry"
	// DefaultChunkSize keeps every request well under ZooKeeper's default
	// 1 MB jute.maxbuffer.
	DefaultChunkSize = 768 << 10
)

// Options configure a Store.
type Options struct {
	// Path is the registry znode; <URL path>/registry when empty.
	Path string
	// ChunkSize is the most bytes one znode holds; DefaultChunkSize when
	// zero. It must stay below the servers' jute.maxbuffer.
	ChunkSize int
	// SessionTimeout is the client's (Open only); zk.DefaultSessionTimeout
	// when zero.
	SessionTimeout time.Duration
	// Logger receives the store's log; slog.Default() when nil.
	Logger *slog.Logger
}

// Store is a registry.Store in ZooKeeper. It is safe for concurrent use.
type Store struct {
	client     *zk.Client
	ownsClient bool
	path       string
	chunkSize  int
	logger     *slog.Logger

	write  sync.Mutex // one Set at a time
	mu     sync.Mutex
	closed bool
}

var _ registry.Store = (*Store)(nil)

// Open makes a store with a client of its own for u; it connects in the
// background.
func Open(u zk.URL, opts Options) (*Store, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	client, err := zk.NewClient(u, zk.Options{SessionTimeout: opts.SessionTimeout, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("zookeeper registry: %w", err)
	}
	s, err := New(client, opts)
	if err != nil {
		client.Close()
		return nil, err
	}
	s.ownsClient = true
	return s, nil
}

// New makes a store over a client the caller keeps (Close leaves it open).
func New(client *zk.Client, opts Options) (*Store, error) {
	path := opts.Path
	if path == "" {
		path = zk.Join(client.URL().Path, DefaultNode)
	}
	if err := zk.CheckPath(path); err != nil || path == "/" {
		return nil, fmt.Errorf("zookeeper registry: bad path %q: %v", path, err)
	}
	chunk := opts.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunkSize
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return &Store{client: client, path: path, chunkSize: chunk, logger: logger.With("registry", path)}, nil
}

// Path is the registry znode's path.
func (s *Store) Path() string { return s.path }

func (s *Store) session(ctx context.Context) (*zk.Session, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, registry.ErrClosed
	}
	sess, err := s.client.Session(ctx)
	if errors.Is(err, zk.ErrClosed) {
		return nil, registry.ErrClosed
	}
	if err != nil {
		return nil, fmt.Errorf("zookeeper registry: %w", err)
	}
	return sess, nil
}

// maxReadAttempts bounds Get's retries while writers replace the chunks
// under it.
const maxReadAttempts = 5

// Get reads the registry. A registry znode that does not exist, or was
// never written, is version 0 with no data. Connection trouble is retried
// until ctx ends.
func (s *Store) Get(ctx context.Context) (*registry.Snapshot, error) {
	replaced := 0
	backoff := 50 * time.Millisecond
	for {
		sess, err := s.session(ctx)
		if err != nil {
			return nil, err
		}
		snap, retry, err := s.read(ctx, sess)
		switch {
		case retry:
			replaced++
			if replaced >= maxReadAttempts {
				return nil, fmt.Errorf("zookeeper registry: %s keeps changing while being read", s.path)
			}
			s.logger.Debug("Registry replaced while being read, reading again", "error", err)
			continue
		case err != nil && zk.Transient(err) && ctx.Err() == nil:
			s.logger.Debug("Reading the registry failed, retrying", "error", err, "retry_in", backoff)
			if !sleep(ctx, backoff) {
				return nil, err
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		return snap, err
	}
}

// sleep waits d, or less if ctx ends (then false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// read reads the registry once; retry says a newer write replaced what it
// was reading.
func (s *Store) read(ctx context.Context, sess *zk.Session) (*registry.Snapshot, bool, error) {
	data, stat, err := zk.Call2(ctx, func() ([]byte, *gozk.Stat, error) { return sess.Conn().Get(s.path) })
	if errors.Is(err, gozk.ErrNoNode) {
		return &registry.Snapshot{}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("zookeeper registry: reading %s: %w", s.path, err)
	}
	if len(data) == 0 {
		if stat.Version == 0 {
			return &registry.Snapshot{}, false, nil
		}
		return nil, false, fmt.Errorf("%w: %s is empty at version %d", registry.ErrCorrupt, s.path, stat.Version)
	}
	h, stored, err := decodeHead(data)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s: %w", registry.ErrCorrupt, s.path, err)
	}
	if h.Version != uint64(stat.Version) {
		return nil, false, fmt.Errorf("%w: %s holds version %d at znode version %d (written by someone else?)", registry.ErrCorrupt, s.path, h.Version, stat.Version)
	}
	if h.Chunks > 0 {
		stored, err = s.readChunks(ctx, sess, h)
		if errors.Is(err, gozk.ErrNoNode) {
			// Deleted by a later write, or lost.
			_, now, serr := zk.Call2(ctx, func() (bool, *gozk.Stat, error) { return sess.Conn().Exists(s.path) })
			if serr == nil && now != nil && now.Version != stat.Version {
				return nil, true, err
			}
			return nil, false, fmt.Errorf("%w: %s version %d: missing chunk: %w", registry.ErrCorrupt, s.path, h.Version, err)
		}
		if err != nil {
			return nil, false, fmt.Errorf("zookeeper registry: %w", err)
		}
	}
	raw, err := decode(h, stored)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %s version %d: %w", registry.ErrCorrupt, s.path, h.Version, err)
	}
	return &registry.Snapshot{Data: raw, Version: registry.Version(stat.Version)}, false, nil
}

// Close stops the store; with a client of its own, it ends the session.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	if s.ownsClient {
		return s.client.Close()
	}
	return nil
}
