package schedulerclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	zkdetector "github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// StatusError is a call the master answered with an unexpected status;
// 503 (no leader elected yet, or the leader still recovering) is worth
// retrying.
type StatusError struct {
	Call string
	Code int
	err  error
}

func (e *StatusError) Error() string { return e.err.Error() }

// Temporary reports whether the master may accept the call later.
func (e *StatusError) Temporary() bool { return e.Code == http.StatusServiceUnavailable }

// isZK reports whether the master is given as zk://...
func (cfg Config) isZK() bool { return strings.HasPrefix(strings.TrimSpace(cfg.Master), zk.Scheme) }

// NewDetector makes the ZooKeeper detector a Config with
// Master=zk://... shares across subscriptions (the caller closes it).
func NewDetector(master string, logger *slog.Logger) (*zkdetector.Detector, error) {
	u, err := zk.ParseURL(master)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	return zkdetector.New(zkdetector.Config{URL: u, Logger: logger})
}

// leader is host:port of the master to send SUBSCRIBE to: Master itself,
// or with zk://... the leader the detector reports (waiting for one).
func (cfg Config) leader(ctx context.Context) (string, error) {
	if !cfg.isZK() {
		return cfg.Master, nil
	}
	d := cfg.Detector
	if d == nil {
		var err error
		if d, err = NewDetector(cfg.Master, cfg.Logger); err != nil {
			return "", fmt.Errorf("find the leading master: %w", err)
		}
		defer func() {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = d.Close(cctx)
		}()
	}
	resp, err := d.Detect(ctx, &masterdetector.DetectRequest{})
	if err != nil {
		return "", fmt.Errorf("find the leading master in ZooKeeper: %w", err)
	}
	addr, err := masterAddress(resp.GetLeader())
	if err != nil {
		return "", err
	}
	cfg.Logger.Info("Detected new leading master at "+resp.GetLeader().GetPid(), "master", addr)
	return addr, nil
}

// masterAddress is host:port of a master: its pid's, else its address.
func masterAddress(info *mesospb.MasterInfo) (string, error) {
	if pid := info.GetPid(); pid != "" {
		addr := pid[strings.LastIndexByte(pid, '@')+1:]
		if _, _, err := net.SplitHostPort(addr); err == nil {
			return addr, nil
		}
	}
	a := info.GetAddress()
	host := a.GetIp()
	if host == "" {
		host = a.GetHostname()
	}
	if host == "" || a.GetPort() == 0 {
		return "", fmt.Errorf("the leading master %s has no address", info.GetId())
	}
	return net.JoinHostPort(host, strconv.Itoa(int(a.GetPort()))), nil
}

// Backoff bounds the waits between subscription attempts.
type Backoff struct {
	Min, Max time.Duration
}

// The backoff SubscribeRetrying uses when given none.
const (
	defaultBackoffMin = 250 * time.Millisecond
	defaultBackoffMax = 5 * time.Second
)

// SubscribeRetrying subscribes until the master takes the subscription or
// ctx ends: a master that cannot be reached, a leader not elected yet or
// still recovering (503) and a refused subscription whose framework is
// not known yet are retried after a random wait that doubles from
// b.Min to b.Max. A framework failing over sets info.Id (see
// Resubscribe).
func SubscribeRetrying(ctx context.Context, cfg Config, info *mesospb.FrameworkInfo, b Backoff) (*Session, error) {
	if b.Min <= 0 {
		b.Min = defaultBackoffMin
	}
	if b.Max < b.Min {
		b.Max = max(defaultBackoffMax, b.Min)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	backoff := b.Min
	for attempt := 1; ; attempt++ {
		s, err := Subscribe(ctx, cfg, info)
		if err == nil {
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("subscribe (%d attempts): %w", attempt, errors.Join(ctx.Err(), err))
		}
		var se *StatusError
		if errors.As(err, &se) && !se.Temporary() {
			return nil, err
		}
		wait := backoff/2 + time.Duration(rand.Int64N(int64(backoff/2)+1))
		logger.Info("subscription failed; retrying", "attempt", attempt, "retry_in", wait, "error", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, fmt.Errorf("subscribe (%d attempts): %w", attempt, errors.Join(ctx.Err(), err))
		}
		backoff = min(2*backoff, b.Max)
	}
}

// Resubscribe subscribes a framework again after its stream ended (its
// master failed, or a new leader was elected): with its framework id, so
// the master elected next takes it back with its tasks, retrying as
// SubscribeRetrying does. The framework needs a failover_timeout long
// enough for the failover.
func (s *Session) Resubscribe(ctx context.Context, info *mesospb.FrameworkInfo, b Backoff) (*Session, error) {
	s.Close()
	info = proto.CloneOf(info)
	info.Id = &mesospb.FrameworkID{Value: proto.String(s.frameworkID)}
	cfg := s.cfg
	if s.ownClient {
		cfg.HTTP = nil // the next session makes (and closes) its own
	}
	next, err := SubscribeRetrying(ctx, cfg, info, b)
	if err != nil {
		return nil, fmt.Errorf("re-subscribe framework %s: %w", s.frameworkID, err)
	}
	if next.frameworkID != s.frameworkID {
		next.Close()
		return nil, fmt.Errorf("re-subscribed framework %s as %s", s.frameworkID, next.frameworkID)
	}
	return next, nil
}
