package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"path"
	"time"

	"github.com/gomesos/mesos/core/zk"
)

// ErrLeaseLost: the lease asked about is not (or no longer) held.
var ErrLeaseLost = errors.New("zookeeper master contender: lease lost")

// Elected blocks until the lease's znode leads the election (it is the
// lowest master znode under the path), failing with ErrLeaseLost if the
// lease is lost first. The MasterContender contract leaves leadership to
// the detector; this tells a contender's own master without one.
func (c *Contender) Elected(ctx context.Context, lease string) error {
	c.mu.Lock()
	cand := c.cur
	if cand == nil || cand.lease != lease {
		reason := c.reasonLocked(lease)
		c.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrLeaseLost, reason)
	}
	c.mu.Unlock()
	name := path.Base(cand.node)
	s := cand.session
	backoff := 100 * time.Millisecond
	for {
		children, _, events, err := s.Conn().ChildrenW(c.path)
		var retry <-chan time.Time
		if err == nil {
			if leader, ok := zk.LeaderOf(zk.Members(children)); ok && leader.Name == name {
				return nil
			}
			backoff = 100 * time.Millisecond
		} else {
			retry = time.After(backoff)
			backoff = min(2*backoff, time.Second)
		}
		select {
		case <-cand.lost:
			c.mu.Lock()
			defer c.mu.Unlock()
			return fmt.Errorf("%w: %s", ErrLeaseLost, cand.reason)
		case <-ctx.Done():
			return ctx.Err()
		case <-events:
		case <-retry:
		}
	}
}
