package zkstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	gozk "github.com/go-zookeeper/zk"

	"github.com/gomesos/mesos/core/zk"
)

// parallel is how many chunk requests are in flight at once.
const parallel = 4

// forChunks runs fn for chunks 0..n-1, parallel at a time, and returns the
// first error.
func forChunks(n int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for range min(parallel, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// writeChunks stores the encoded registry in h.Chunks znodes.
func (s *Store) writeChunks(sess *zk.Session, h header, stored []byte) error {
	return forChunks(h.Chunks, func(i int) error {
		part := stored[i*s.chunkSize : min((i+1)*s.chunkSize, len(stored))]
		p := zk.Join(s.path, chunkName(h.Write, i))
		if _, err := sess.Conn().Create(p, part, 0, sess.ACL()); err != nil {
			return fmt.Errorf("creating %s (%d bytes): %w", p, len(part), err)
		}
		return nil
	})
}

// readChunks reads the encoded registry from its chunks.
func (s *Store) readChunks(ctx context.Context, sess *zk.Session, h header) ([]byte, error) {
	parts := make([][]byte, h.Chunks)
	err := forChunks(h.Chunks, func(i int) error {
		p := zk.Join(s.path, chunkName(h.Write, i))
		data, _, err := zk.Call2(ctx, func() ([]byte, *gozk.Stat, error) { return sess.Conn().Get(p) })
		if err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		parts[i] = data
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, h.Stored)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out, nil
}

// deleteChunks deletes a write's chunks that exist, after it failed.
func (s *Store) deleteChunks(sess *zk.Session, h header) {
	err := forChunks(h.Chunks, func(i int) error {
		err := sess.Conn().Delete(zk.Join(s.path, chunkName(h.Write, i)), -1)
		if errors.Is(err, gozk.ErrNoNode) {
			return nil
		}
		return err
	})
	if err != nil {
		s.logger.Warn("Cannot delete the chunks of a failed registry write; the next write will", "write", h.Write, "error", err)
	}
}

// pruneChunks deletes the chunks of other writes created before the commit
// at zxid: their writes were either replaced by this one or read a version
// this commit made stale and cannot commit.
func (s *Store) pruneChunks(sess *zk.Session, keep string, zxid int64) {
	children, _, err := sess.Conn().Children(s.path)
	if err != nil {
		s.logger.Warn("Cannot list old registry chunks", "error", err)
		return
	}
	var stale []string
	for _, c := range children {
		if strings.HasPrefix(c, keep+"-") {
			continue
		}
		ok, stat, err := sess.Conn().Exists(zk.Join(s.path, c))
		if err != nil {
			s.logger.Warn("Cannot read an old registry chunk", "chunk", c, "error", err)
			return
		}
		if ok && stat.Czxid < zxid {
			stale = append(stale, c)
		}
	}
	err = forChunks(len(stale), func(i int) error {
		err := sess.Conn().Delete(zk.Join(s.path, stale[i]), -1)
		if errors.Is(err, gozk.ErrNoNode) {
			return nil
		}
		return err
	})
	if err != nil {
		s.logger.Warn("Cannot delete old registry chunks; the next write will", "error", err)
	}
}
