package agent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	zkdetector "github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// leaderWatch is where the agent finds the master to register with: a
// fixed one (--master=host:port), or the leader a ZooKeeper detector
// reports (--master=zk://...), which changes over time.
type leaderWatch struct {
	mu      sync.Mutex
	base    string        // http://host:port of the leader; "" for none
	pid     string        // the leader's pid, for the log
	changed chan struct{} // closed and replaced when the leader changes
}

// watchLeader starts following the master given by --master until ctx
// ends.
func (a *Agent) watchLeader(ctx context.Context) (*leaderWatch, error) {
	w := &leaderWatch{changed: make(chan struct{})}
	if !strings.HasPrefix(a.cfg.Master, zk.Scheme) {
		w.base = a.cfg.masterURL()
		w.pid = standaloneMaster(a.cfg.Master)
		return w, nil
	}
	u, err := zk.ParseURL(a.cfg.Master)
	if err != nil {
		return nil, fmt.Errorf("agent: --master: %w", err)
	}
	d, err := zkdetector.New(zkdetector.Config{URL: u, SessionTimeout: a.cfg.ZKSessionTimeout, Logger: a.log})
	if err != nil {
		return nil, fmt.Errorf("agent: master detector: %w", err)
	}
	go a.followDetector(ctx, d, w)
	return w, nil
}

// followDetector asks the detector for every new leader until ctx ends,
// then closes it.
func (a *Agent) followDetector(ctx context.Context, d *zkdetector.Detector, w *leaderWatch) {
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := d.Close(cctx); err != nil {
			a.log.Warn("failed to close the master detector", "error", err)
		}
	}()
	var previous *mesospb.MasterInfo
	for {
		resp, err := d.Detect(ctx, &masterdetector.DetectRequest{Previous: previous})
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			a.log.Warn("failed to detect the leading master; retrying", "error", err)
			select {
			case <-time.After(time.Second):
				continue
			case <-ctx.Done():
				return
			}
		}
		previous = resp.GetLeader()
		if previous == nil {
			a.log.Warn("Lost leading master; waiting for a new one to be elected")
			w.set("", "")
			continue
		}
		addr, err := leaderAddress(previous)
		if err != nil {
			a.log.Error("the leading master has no usable address", "id", previous.GetId(), "error", err)
			w.set("", "")
			continue
		}
		a.log.Info("New master detected at "+previous.GetPid(), "master", previous.GetPid(), "address", addr, "master_id", previous.GetId())
		w.set("http://"+addr, previous.GetPid())
	}
}

func (w *leaderWatch) set(base, pid string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if base == w.base {
		return
	}
	w.base, w.pid = base, pid
	close(w.changed)
	w.changed = make(chan struct{})
}

// current is the leader's base URL and a channel closed when it changes;
// it waits while no leader is known.
func (w *leaderWatch) current(ctx context.Context) (base, pid string, changed <-chan struct{}, err error) {
	for {
		w.mu.Lock()
		base, pid, ch := w.base, w.pid, w.changed
		w.mu.Unlock()
		if base != "" {
			return base, pid, ch, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return "", "", nil, ctx.Err()
		}
	}
}

// leaderAddress is host:port to reach a master at: its pid's (an IP, as
// Mesos's agents use), else its address.
func leaderAddress(info *mesospb.MasterInfo) (string, error) {
	if pid := info.GetPid(); pid != "" {
		addr := pid
		if i := strings.LastIndexByte(addr, '@'); i >= 0 {
			addr = addr[i+1:]
		}
		if _, _, err := net.SplitHostPort(addr); err == nil {
			return addr, nil
		}
	}
	a := info.GetAddress()
	port := int(a.GetPort())
	if port == 0 {
		port = int(info.GetPort())
	}
	host := a.GetIp()
	if host == "" {
		host = a.GetHostname()
	}
	if host == "" {
		host = info.GetHostname()
	}
	if host == "" || port == 0 {
		return "", errors.New("no pid and no address")
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

// redirectBase reads a non-leading master's 307 Location
// (//host:port/path) as the base URL of the leader.
func redirectBase(loc string) (string, error) {
	if strings.HasPrefix(loc, "//") {
		loc = "http:" + loc
	}
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("bad redirect Location %q", loc)
	}
	return "http://" + u.Host, nil
}
