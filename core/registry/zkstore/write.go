package zkstore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	gozk "github.com/go-zookeeper/zk"

	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/zk"
)

// Set writes data as version expected+1 if the registry is at expected.
// Connection trouble before the commit is retried while ctx lasts; once
// the commit is sent, ctx no longer interrupts it.
func (s *Store) Set(ctx context.Context, data []byte, expected registry.Version) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if expected >= math.MaxInt32 {
		return fmt.Errorf("zookeeper registry: version %d is beyond ZooKeeper's versions", expected)
	}
	s.write.Lock()
	defer s.write.Unlock()
	stored, encoding, err := encode(data)
	if err != nil {
		return fmt.Errorf("zookeeper registry: %w", err)
	}
	h := header{
		Version:  uint64(expected) + 1,
		Encoding: encoding,
		Size:     len(data),
		SHA256:   checksum(data),
		Stored:   len(stored),
	}
	if len(stored) > s.chunkSize {
		h.Chunks = (len(stored) + s.chunkSize - 1) / s.chunkSize
	}
	backoff := 50 * time.Millisecond
	for {
		sess, err := s.session(ctx)
		if err != nil {
			return err
		}
		h.Write = "w" + strings.ToLower(rand.Text()[:12])
		committing, err := s.store(sess, h, stored, expected)
		if err == nil || committing || !zk.Transient(err) || ctx.Err() != nil {
			return err
		}
		s.logger.Debug("Writing the registry failed before its commit, retrying", "error", err, "retry_in", backoff)
		if !sleep(ctx, backoff) {
			return err
		}
		backoff = min(2*backoff, time.Second)
	}
}

// store makes one attempt at writing the registry; committing says
// whether it got as far as sending the commit (after which it is not
// retried).
func (s *Store) store(sess *zk.Session, h header, stored []byte, expected registry.Version) (committing bool, err error) {
	if expected == 0 {
		if err := s.createEmpty(sess); err != nil {
			return false, err
		}
	}
	inline := stored
	if h.Chunks > 0 {
		inline = nil
		if err := s.writeChunks(sess, h, stored); err != nil {
			s.deleteChunks(sess, h)
			return false, fmt.Errorf("zookeeper registry: writing version %d: %w", h.Version, err)
		}
	}
	head, err := encodeHead(h, inline)
	if err != nil {
		return false, err
	}
	commit, err := s.commit(sess, h, head, expected)
	if err != nil {
		s.deleteChunks(sess, h)
		return true, err
	}
	s.logger.Debug("Stored the registry", "version", h.Version, "bytes", h.Size, "stored", h.Stored, "encoding", h.Encoding, "chunks", h.Chunks)
	s.pruneChunks(sess, h.Write, commit)
	return true, nil
}

// createEmpty creates the registry znode, empty (version 0), if missing.
func (s *Store) createEmpty(sess *zk.Session) error {
	ctx, cancel := context.WithTimeout(context.Background(), sess.Timeout())
	defer cancel()
	if err := zk.CreatePath(ctx, sess, zk.Parent(s.path)); err != nil {
		return fmt.Errorf("zookeeper registry: %w", err)
	}
	_, err := sess.Conn().Create(s.path, nil, 0, sess.ACL())
	if err != nil && !errors.Is(err, gozk.ErrNodeExists) {
		return fmt.Errorf("zookeeper registry: creating %s: %w", s.path, err)
	}
	return nil
}

// commit sets the header at version expected, checking that the chunks
// are all there, in one transaction; it returns the zxid of the commit.
func (s *Store) commit(sess *zk.Session, h header, head []byte, expected registry.Version) (int64, error) {
	ops := []any{&gozk.SetDataRequest{Path: s.path, Data: head, Version: int32(expected)}}
	for i := range h.Chunks {
		ops = append(ops, &gozk.CheckVersionRequest{Path: zk.Join(s.path, chunkName(h.Write, i)), Version: -1})
	}
	res, err := sess.Conn().Multi(ops...)
	switch {
	case err == nil && len(res) > 0 && res[0].Stat != nil:
		return res[0].Stat.Mzxid, nil
	case err == nil:
		return 0, fmt.Errorf("zookeeper registry: committing version %d: no result", h.Version)
	case errors.Is(err, gozk.ErrBadVersion):
		return 0, fmt.Errorf("%w: expected version %d, %s", registry.ErrConflict, expected, s.describeVersion(sess))
	case errors.Is(err, gozk.ErrNoNode):
		// The registry znode is gone (so not at expected), or a newer
		// write deleted our chunks (so it committed after we read).
		return 0, fmt.Errorf("%w: expected version %d, %s", registry.ErrConflict, expected, s.describeVersion(sess))
	case !zk.Transient(err):
		return 0, fmt.Errorf("zookeeper registry: committing version %d: %w", h.Version, err)
	}
	// The answer was lost: the write may have happened.
	return s.resolve(sess, h, expected, err)
}

// resolve learns whether a commit whose answer was lost happened, by
// reading the header back (it names the write), trying for up to a
// session timeout.
func (s *Store) resolve(sess *zk.Session, h header, expected registry.Version, cause error) (int64, error) {
	deadline := time.Now().Add(sess.Timeout())
	for time.Now().Before(deadline) {
		cur := s.client.Current()
		if cur == nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		data, stat, err := cur.Conn().Get(s.path)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		switch got, _, derr := decodeHead(data); {
		case derr == nil && got.Write == h.Write && uint64(stat.Version) == h.Version:
			s.logger.Info("A registry write whose answer was lost did happen", "version", h.Version, "cause", cause)
			return stat.Mzxid, nil
		case stat.Version == int32(expected):
			return 0, fmt.Errorf("zookeeper registry: committing version %d: %w (it did not happen)", h.Version, cause)
		default:
			return 0, fmt.Errorf("%w: writing version %d (%v); the registry is now at version %d", registry.ErrConflict, h.Version, cause, stat.Version)
		}
	}
	return 0, fmt.Errorf("zookeeper registry: committing version %d: %w (outcome unknown)", h.Version, cause)
}

// describeVersion says what version the registry is at, for errors.
func (s *Store) describeVersion(sess *zk.Session) string {
	ok, stat, err := sess.Conn().Exists(s.path)
	switch {
	case err != nil:
		return "cannot read the current version: " + err.Error()
	case !ok:
		return s.path + " does not exist"
	default:
		return fmt.Sprintf("%s is at version %d", s.path, stat.Version)
	}
}
