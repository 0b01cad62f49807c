package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	gozk "github.com/go-zookeeper/zk"

	"github.com/gomesos/mesos/core/zk"
)

// join creates this master's znode in session s and returns its path. It
// first deletes the session's other znodes under the path: a replaced
// candidacy's, or one whose creation was never confirmed (a create whose
// answer was lost may still have happened); left in place, they would
// stand for this master in the election. Called with op held.
func (c *Contender) join(ctx context.Context, s *zk.Session, data []byte) (string, error) {
	if err := zk.CreatePath(ctx, s, c.path); err != nil {
		return "", err
	}
	if err := c.sweep(ctx, s); err != nil {
		return "", err
	}
	// Not abandoned when ctx ends: a create that succeeds must be known
	// (go-zookeeper answers within the session timeout, connection or not).
	node, err := s.Conn().Create(zk.Join(c.path, zk.MasterInfoJSONLabel+"_"), data, gozk.FlagEphemeral|gozk.FlagSequence, s.ACL())
	if err != nil {
		if !errors.Is(err, gozk.ErrNodeExists) && !errors.Is(err, gozk.ErrNoNode) {
			c.sweepLater(s)
		}
		return "", fmt.Errorf("creating %s in zookeeper: %w", zk.Join(c.path, zk.MasterInfoJSONLabel+"_"), err)
	}
	// A create queued while the session ended runs in the client's next
	// session; such a znode is not s's and must not stand for a lease of
	// s.
	ok, stat, err := s.Conn().Exists(node)
	switch {
	case err != nil:
		c.sweepLater(s)
		return "", fmt.Errorf("reading %s in zookeeper: %w", node, err)
	case !ok:
		return "", fmt.Errorf("%s vanished after it was created", node)
	case stat.EphemeralOwner != s.ID() || !s.Alive():
		// The next attempt's sweep, in that session, retries a failed
		// delete.
		if err := s.Conn().Delete(node, -1); err != nil && !errors.Is(err, gozk.ErrNoNode) {
			c.logger.Warn("Cannot delete a znode created in another session", "znode", node, "error", err)
		}
		return "", fmt.Errorf("%s was created in another session (0x%x, not 0x%x)", node, stat.EphemeralOwner, s.ID())
	}
	return node, nil
}

// sweep deletes the members under the path that session s owns. Called
// with op held.
func (c *Contender) sweep(ctx context.Context, s *zk.Session) error {
	owned, err := zk.OwnedMembers(ctx, s, c.path)
	if err != nil {
		return err
	}
	for _, m := range owned {
		node := zk.Join(c.path, m.Name)
		c.logger.Info("Deleting a leftover znode of this master", "znode", node)
		if err := s.Conn().Delete(node, -1); err != nil && !errors.Is(err, gozk.ErrNoNode) {
			return fmt.Errorf("deleting %s in zookeeper: %w", node, err)
		}
	}
	return nil
}

// sweepLater sweeps s in the background until it succeeds, s ends or the
// contender closes, so that a znode whose creation went unconfirmed does
// not outlive a failed Contend.
func (c *Contender) sweepLater(s *zk.Session) {
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		backoff := 200 * time.Millisecond
		for {
			select {
			case <-s.Done():
				return
			case <-c.ctx.Done():
				return
			case <-time.After(backoff):
			}
			if c.sweepKeeping(s) == nil {
				return
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}()
}

// sweepKeeping sweeps s, sparing the current lease's znode.
func (c *Contender) sweepKeeping(s *zk.Session) error {
	c.op.Lock()
	defer c.op.Unlock()
	ctx, cancel := context.WithTimeout(c.ctx, s.Timeout())
	defer cancel()
	owned, err := zk.OwnedMembers(ctx, s, c.path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	keep := ""
	if c.cur != nil {
		keep = c.cur.node
	}
	c.mu.Unlock()
	for _, m := range owned {
		if node := zk.Join(c.path, m.Name); node != keep {
			if err := s.Conn().Delete(node, -1); err != nil && !errors.Is(err, gozk.ErrNoNode) {
				return err
			}
		}
	}
	return nil
}

// remove deletes a lease's znode, or has it deleted in the background when
// ZooKeeper cannot be reached. Called with op held.
func (c *Contender) remove(s *zk.Session, node string) {
	if !s.Alive() {
		return // the znode went (or goes) with the session
	}
	err := s.Conn().Delete(node, -1)
	if err == nil || errors.Is(err, gozk.ErrNoNode) {
		return
	}
	c.logger.Warn("Cannot delete the znode now, will retry", "znode", node, "error", err)
	c.sweepLater(s)
}

// monitor loses cand when its znode is deleted or its session ends.
func (c *Contender) monitor(cand *candidacy) {
	defer c.bg.Done()
	s := cand.session
	backoff := 100 * time.Millisecond
	for {
		select {
		case <-cand.lost:
			return
		default:
		}
		if !s.Alive() {
			c.lose(cand, "zookeeper session ended: "+s.Err().Error())
			return
		}
		ok, _, events, err := s.Conn().ExistsW(cand.node)
		if err != nil {
			// Disconnected: the session either comes back or ends.
			select {
			case <-cand.lost:
				return
			case <-s.Done():
			case <-time.After(backoff):
				backoff = min(2*backoff, time.Second)
			}
			continue
		}
		backoff = 100 * time.Millisecond
		if !ok {
			if s.Alive() {
				c.lose(cand, "znode "+cand.node+" was deleted")
				return
			}
			continue // the session ended: lost for that reason
		}
		select {
		case <-cand.lost:
			return
		case <-s.Done():
		case ev := <-events:
			if ev.Type == gozk.EventNodeDeleted && s.Alive() {
				c.lose(cand, "znode "+cand.node+" was deleted")
				return
			}
		}
	}
}
