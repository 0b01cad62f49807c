package masterflags

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/zk"
)

// quorumStore is the ZooKeeper registry as --quorum guards it. Mesos's
// replicated log cannot be read until a quorum of its replicas, one per
// master, is up; the registry here lives in ZooKeeper, whose own majority
// makes writes durable, but an elected master still waits, at recovery,
// until --quorum masters contend, and so fails over only where Mesos's
// would. A --quorum that is not a majority of the masters contending is
// reported (zk.CheckQuorum): two such quorums could each elect a leader
// with Mesos's log; here ZooKeeper's compare-and-set still keeps them from
// both writing.
type quorumStore struct {
	registry.Store
	client *zk.Client
	quorum int
	log    *slog.Logger

	once sync.Once
	err  error
}

// quorumPoll is how often the contending masters are counted while
// waiting for a quorum.
const quorumPoll = 200 * time.Millisecond

func newQuorumStore(s registry.Store, client *zk.Client, quorum int, log *slog.Logger) *quorumStore {
	return &quorumStore{Store: s, client: client, quorum: quorum, log: log}
}

// Get reads the registry once a quorum of masters contends.
func (s *quorumStore) Get(ctx context.Context) (*registry.Snapshot, error) {
	s.once.Do(func() { s.err = s.waitForQuorum(ctx) })
	if s.err != nil {
		return nil, s.err
	}
	return s.Store.Get(ctx)
}

// waitForQuorum waits until at least --quorum masters contend under the
// --zk path, or ctx ends (the registrar bounds it with
// --registry_fetch_timeout).
func (s *quorumStore) waitForQuorum(ctx context.Context) error {
	path := s.client.URL().Path
	logged := false
	for {
		n, err := s.count(ctx, path)
		switch {
		case err == nil && n >= s.quorum:
			if err := zk.CheckQuorum(s.quorum, n); err != nil {
				s.log.Error("--quorum is not a majority of the masters contending: set it to more than half of the masters",
					"quorum", s.quorum, "masters", n, "error", err)
			}
			s.log.Info("a quorum of masters is contending", "quorum", s.quorum, "masters", n)
			return nil
		case err == nil && !logged:
			s.log.Info("waiting for a quorum of masters before recovering the registry", "quorum", s.quorum, "masters", n)
			logged = true
		case err != nil:
			s.log.Debug("counting the masters failed; retrying", "error", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for a quorum of %d masters (%d contending): %w", s.quorum, n, ctx.Err())
		case <-time.After(quorumPoll):
		}
	}
}

func (s *quorumStore) count(ctx context.Context, path string) (int, error) {
	sess, err := s.client.Session(ctx)
	if err != nil {
		return 0, err
	}
	return zk.Masters(ctx, sess, path)
}
