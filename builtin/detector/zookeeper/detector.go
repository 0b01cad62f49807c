// Package zookeeper is the built-in master detector "zookeeper" (the
// master's --zk, the agent's --master=zk://...), Mesos's
// ZooKeeperMasterDetector: it watches the masters' znodes under the --zk
// path and reports the MasterInfo of the one with the lowest sequence. It
// implements the MasterDetector kind's contract
// (modules/kinds/masterdetector).
//
// The leader is read from json.info_<seq> (JSON, what Mesos writes since
// 0.24 and our masters write), and from the older info_<seq> (binary
// MasterInfo) and bare <seq> (UPID) znodes. While ZooKeeper cannot be
// reached the last leader stands until the session times out; then, as in
// Mesos, there is no leader until a session is back. A leader whose znode
// cannot be read is no leader (and logged).
package zookeeper

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// Config configures a Detector.
type Config struct {
	// URL is the --zk URL: the ensemble and the path of the masters'
	// znodes.
	URL zk.URL
	// SessionTimeout is --zk_session_timeout; zk.DefaultSessionTimeout
	// when zero.
	SessionTimeout time.Duration
	// Logger receives the detector's log; slog.Default() when nil.
	Logger *slog.Logger
	// Client, when set, is used instead of a client of the detector's own
	// (URL and SessionTimeout are then the client's); Close leaves it
	// open.
	Client *zk.Client
}

// Detector is the ZooKeeper master detector. It is safe for concurrent
// use.
type Detector struct {
	client     *zk.Client
	ownsClient bool
	path       string
	logger     *slog.Logger

	cancel context.CancelFunc
	done   chan struct{} // closed when the watch loop has stopped

	mu      sync.Mutex
	leader  *mesospb.MasterInfo
	node    string        // the leader's znode name, "" for none
	changed chan struct{} // closed and replaced when the leader changes
}

var _ masterdetector.MasterDetector = (*Detector)(nil)

// New makes a detector and starts watching; it connects to ZooKeeper in
// the background.
func New(cfg Config) (*Detector, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	client, owns := cfg.Client, false
	if client == nil {
		var err error
		client, err = zk.NewClient(cfg.URL, zk.Options{SessionTimeout: cfg.SessionTimeout, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("zookeeper master detector: %w", err)
		}
		owns = true
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Detector{
		client:     client,
		ownsClient: owns,
		path:       client.URL().Path,
		logger:     logger.With("detector", "zookeeper", "path", client.URL().Path),
		cancel:     cancel,
		done:       make(chan struct{}),
		changed:    make(chan struct{}),
	}
	go d.run(ctx)
	return d, nil
}

// NewFromParams makes the detector from its manifest parameters: "zk"
// (required, the --zk URL) and "zk_session_timeout" (a Mesos duration,
// 10secs by default); see zk.ParseParams. It has the signature of the
// built-in detector catalog's constructors.
func NewFromParams(params map[string]string) (masterdetector.MasterDetector, error) {
	u, timeout, err := zk.ParseParams(params)
	if err != nil {
		return nil, fmt.Errorf("zookeeper master detector: %w", err)
	}
	return New(Config{URL: u, SessionTimeout: timeout})
}

// Detect returns the leader once it differs from req.Previous.
func (d *Detector) Detect(ctx context.Context, req *masterdetector.DetectRequest) (*masterdetector.DetectResponse, error) {
	for {
		d.mu.Lock()
		leader, changed := d.leader, d.changed
		d.mu.Unlock()
		if masterdetector.Differs(leader, req.GetPrevious()) {
			return &masterdetector.DetectResponse{Leader: proto.CloneOf(leader)}, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Leader is the leader now (nil: none).
func (d *Detector) Leader() *mesospb.MasterInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	return proto.CloneOf(d.leader)
}

// Close stops watching and, with a client of its own, ends the session.
func (d *Detector) Close(context.Context) error {
	d.cancel()
	var err error
	if d.ownsClient {
		// Also fails the calls the watch loop may be waiting on.
		err = d.client.Close()
	}
	<-d.done
	return err
}

// set makes leader (from znode node; nil and "" for none) the leader,
// waking the Detect calls if it differs.
func (d *Detector) set(leader *mesospb.MasterInfo, node string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.node = node
	if !masterdetector.Differs(leader, d.leader) {
		return
	}
	if leader == nil {
		d.logger.Info("No leading master")
	} else {
		d.logger.Info("A new leading master is detected", "pid", leader.GetPid(), "id", leader.GetId(), "znode", node)
	}
	d.leader = leader
	close(d.changed)
	d.changed = make(chan struct{})
}

// current is the leader's znode name.
func (d *Detector) current() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.node
}
