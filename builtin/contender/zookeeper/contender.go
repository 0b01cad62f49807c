// Package zookeeper is the built-in master contender "zookeeper" (the
// master's --zk), Mesos's ZooKeeperMasterContender: contending creates the
// master's ephemeral sequential znode json.info_<seq> under the --zk path,
// holding its MasterInfo as JSON, and the master with the lowest sequence
// leads. It implements the MasterContender kind's contract
// (modules/kinds/mastercontender).
//
// A lease stands for one znode. It is lost when the znode is deleted, when
// the ZooKeeper session ends (expired, or given up after being
// disconnected for the whole session timeout, as Mesos does), when it is
// withdrawn, replaced by a new Contend, or the contender is closed. Who
// leads is the detector's to say, as in Mesos; Elected tells a contender's
// own master in addition.
package zookeeper

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
)

// Config configures a Contender.
type Config struct {
	// URL is the --zk URL: the ensemble and the path of the masters'
	// znodes.
	URL zk.URL
	// SessionTimeout is --zk_session_timeout; zk.DefaultSessionTimeout
	// when zero.
	SessionTimeout time.Duration
	// Logger receives the contender's log; slog.Default() when nil.
	Logger *slog.Logger
	// Client, when set, is used instead of a client of the contender's
	// own (URL and SessionTimeout are then the client's); Close leaves it
	// open.
	Client *zk.Client
}

// Contender is the ZooKeeper master contender. It is safe for concurrent
// use.
type Contender struct {
	client     *zk.Client
	ownsClient bool
	path       string
	logger     *slog.Logger
	prefix     string

	ctx    context.Context // ends when the contender is closed
	cancel context.CancelFunc
	bg     sync.WaitGroup

	// op serializes what creates or deletes this contender's znodes.
	op sync.Mutex

	mu     sync.Mutex
	closed bool
	serial int
	cur    *candidacy
	ended  []ended // why the last leases ended, for late Watches
}

// candidacy is one lease: the znode that stands for it and the session
// that owns the znode.
type candidacy struct {
	lease   string
	node    string
	session *zk.Session
	lost    chan struct{} // closed when the lease is lost
	reason  string        // why; set before lost is closed
}

type ended struct{ lease, reason string }

const maxEnded = 16

var _ mastercontender.MasterContender = (*Contender)(nil)

// New makes a contender; it connects to ZooKeeper in the background.
func New(cfg Config) (*Contender, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	client, owns := cfg.Client, false
	if client == nil {
		var err error
		client, err = zk.NewClient(cfg.URL, zk.Options{SessionTimeout: cfg.SessionTimeout, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("zookeeper master contender: %w", err)
		}
		owns = true
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Contender{
		client:     client,
		ownsClient: owns,
		path:       client.URL().Path,
		logger:     logger.With("contender", "zookeeper", "path", client.URL().Path),
		prefix:     "zookeeper-" + strings.ToLower(rand.Text()[:8]) + "-",
		ctx:        ctx,
		cancel:     cancel,
	}, nil
}

// Contend enters the election: it creates this master's znode (and the
// path, if missing) once a session is established, waiting for one while
// ZooKeeper cannot be reached, and ends the lease held before.
func (c *Contender) Contend(ctx context.Context, req *mastercontender.ContendRequest) (*mastercontender.ContendResponse, error) {
	data, err := zk.EncodeMasterInfo(req.GetMasterInfo())
	if err != nil {
		return nil, fmt.Errorf("zookeeper master contender: %w", err)
	}
	// Close interrupts a Contend that waits for ZooKeeper.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(c.ctx, cancel)()
	c.op.Lock()
	defer c.op.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errClosed
	}
	if c.cur != nil {
		// Its znode goes with the next join's sweep.
		c.logger.Info("Withdrawing the previous candidacy before contending again", "znode", c.cur.node)
		c.endLocked(c.cur, "replaced by a new candidacy")
	}
	c.mu.Unlock()

	backoff := 100 * time.Millisecond
	for {
		s, err := c.client.Session(ctx)
		if err != nil {
			return nil, fmt.Errorf("zookeeper master contender: %w", err)
		}
		node, err := c.join(ctx, s, data)
		if err == nil {
			return c.hold(s, node)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("zookeeper master contender: contending: %w", err)
		}
		c.logger.Warn("Failed to join the election, retrying", "error", err, "retry_in", backoff)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return nil, fmt.Errorf("zookeeper master contender: contending: %w (last error: %w)", ctx.Err(), err)
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// hold makes node the current lease and watches it.
func (c *Contender) hold(s *zk.Session, node string) (*mastercontender.ContendResponse, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.remove(s, node)
		return nil, errClosed
	}
	c.serial++
	cand := &candidacy{
		lease:   fmt.Sprintf("%s%d", c.prefix, c.serial),
		node:    node,
		session: s,
		lost:    make(chan struct{}),
	}
	c.cur = cand
	c.mu.Unlock()
	c.logger.Info("Joined the election", "znode", node, "session", fmt.Sprintf("0x%x", s.ID()), "lease", cand.lease)
	c.bg.Add(1)
	go c.monitor(cand)
	return &mastercontender.ContendResponse{Lease: cand.lease}, nil
}

// Watch blocks until the lease is lost.
func (c *Contender) Watch(ctx context.Context, req *mastercontender.WatchRequest) (*mastercontender.WatchResponse, error) {
	c.mu.Lock()
	cand := c.cur
	if cand == nil || cand.lease != req.GetLease() {
		reason := c.reasonLocked(req.GetLease())
		c.mu.Unlock()
		return &mastercontender.WatchResponse{Reason: reason}, nil
	}
	c.mu.Unlock()
	select {
	case <-cand.lost:
		c.mu.Lock()
		defer c.mu.Unlock()
		return &mastercontender.WatchResponse{Reason: cand.reason}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Withdraw ends the lease and deletes its znode (in the background if
// ZooKeeper cannot be reached now; the znode goes with the session
// otherwise).
func (c *Contender) Withdraw(ctx context.Context, req *mastercontender.WithdrawRequest) (*mastercontender.WithdrawResponse, error) {
	c.mu.Lock()
	cand := c.cur
	if cand == nil || req.GetLease() == "" || cand.lease != req.GetLease() {
		c.mu.Unlock()
		return &mastercontender.WithdrawResponse{}, nil
	}
	c.endLocked(cand, "withdrawn")
	c.mu.Unlock()
	c.logger.Info("Withdrawing from the election", "znode", cand.node, "lease", cand.lease)
	c.op.Lock()
	defer c.op.Unlock()
	c.remove(cand.session, cand.node)
	return &mastercontender.WithdrawResponse{}, nil
}

// Close ends the candidacy and, with a client of its own, the session,
// which makes ZooKeeper delete the znode at once.
func (c *Contender) Close(context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	cand := c.cur
	if cand != nil {
		c.endLocked(cand, "contender closed")
	}
	c.mu.Unlock()
	c.cancel()
	if cand != nil && !c.ownsClient {
		c.op.Lock()
		c.remove(cand.session, cand.node)
		c.op.Unlock()
	}
	if c.ownsClient {
		c.client.Close()
	}
	c.bg.Wait()
	return nil
}

var errClosed = errors.New("zookeeper master contender: closed")

// endLocked ends cand's lease. Called with mu held.
func (c *Contender) endLocked(cand *candidacy, reason string) {
	if c.cur == cand {
		c.cur = nil
	}
	select {
	case <-cand.lost:
		return
	default:
	}
	cand.reason = reason
	close(cand.lost)
	c.ended = append(c.ended, ended{cand.lease, reason})
	if len(c.ended) > maxEnded {
		c.ended = c.ended[1:]
	}
}

// reasonLocked says why lease ended. Called with mu held.
func (c *Contender) reasonLocked(lease string) string {
	for _, e := range c.ended {
		if e.lease == lease {
			return e.reason
		}
	}
	return "unknown lease"
}

// lose ends cand's lease because ZooKeeper took it away.
func (c *Contender) lose(cand *candidacy, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-cand.lost:
		return
	default:
	}
	c.logger.Warn("Lost the candidacy", "znode", cand.node, "lease", cand.lease, "reason", reason)
	c.endLocked(cand, reason)
}
