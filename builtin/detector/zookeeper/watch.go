package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	gozk "github.com/go-zookeeper/zk"

	"github.com/gomesos/mesos/core/zk"
)

// run follows the leader through the client's sessions until ctx ends or
// the client stops for good.
func (d *Detector) run(ctx context.Context) {
	defer close(d.done)
	for {
		s, err := d.client.Session(ctx)
		if err != nil {
			if ctx.Err() == nil {
				d.logger.Error("Stopped detecting the leading master", "error", err)
				d.set(nil, "")
			}
			return
		}
		d.follow(ctx, s)
		if ctx.Err() != nil {
			return
		}
		// As in Mesos, a lost session leaves no leader known until the
		// next session looks again.
		d.logger.Warn("ZooKeeper session ended, the leading master is unknown", "error", s.Err())
		d.set(nil, "")
	}
}

// follow watches the masters' znodes for as long as the session lasts.
func (d *Detector) follow(ctx context.Context, s *zk.Session) {
	backoff := 100 * time.Millisecond
	for s.Alive() && ctx.Err() == nil {
		events, err := d.look(s)
		var retry <-chan time.Time
		if err != nil {
			// Mostly a disconnection: the session comes back or ends.
			d.logger.Debug("Cannot read the masters' znodes, retrying", "error", err, "retry_in", backoff)
			retry = time.After(backoff)
			backoff = min(2*backoff, 500*time.Millisecond)
		} else {
			backoff = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-s.Done():
		case <-events:
		case <-retry:
		}
	}
}

// again is a watch that has already fired: look again at once.
var again = func() <-chan gozk.Event {
	ch := make(chan gozk.Event)
	close(ch)
	return ch
}()

// look reads who leads, updates the leader and returns the watch that
// fires on the next change.
func (d *Detector) look(s *zk.Session) (<-chan gozk.Event, error) {
	children, _, events, err := s.Conn().ChildrenW(d.path)
	if errors.Is(err, gozk.ErrNoNode) {
		// No master ever contended under the path: wait for it.
		exists, _, created, err := s.Conn().ExistsW(d.path)
		if err != nil {
			return nil, fmt.Errorf("watching %s: %w", d.path, err)
		}
		if exists {
			return again, nil
		}
		d.set(nil, "")
		return created, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", d.path, err)
	}
	leader, ok := zk.LeaderOf(zk.Members(children))
	if !ok {
		d.set(nil, "")
		return events, nil
	}
	if leader.Name == d.current() {
		// A master's znode is written once, when it is created.
		return events, nil
	}
	node := zk.Join(d.path, leader.Name)
	data, _, err := s.Conn().Get(node)
	if errors.Is(err, gozk.ErrNoNode) {
		// Gone already; the children watch fires for it.
		return events, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", node, err)
	}
	info, err := zk.DecodeMasterInfo(leader.Label, data)
	if err != nil {
		d.logger.Error("Cannot read the leading master's znode; no leader until it changes", "znode", node, "error", err)
		d.set(nil, leader.Name)
		return events, nil
	}
	if leader.Label != zk.MasterInfoJSONLabel {
		d.logger.Warn("The leading master uses an old znode format", "znode", node)
	}
	d.set(info, leader.Name)
	return events, nil
}
