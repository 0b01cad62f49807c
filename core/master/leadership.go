package master

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// Leader election, as Mesos's master does it (Master::contend, detected,
// lostCandidacy). The master contends with its MasterInfo and watches the
// detector. While another master leads it follows: the scheduler, agent
// and operator APIs, the endpoints that change things and the state
// documents answer 307 to the leader (redirect.go). When
// the detector names it, it recovers the registry and leads. A leading
// master that loses its candidacy, or sees another master named, stops
// (ErrLostLeadership): its state may be stale already, and the process
// restarts as a contender. A follower that loses its candidacy contends
// again.

// ErrLostLeadership is why Run fails when the master stops leading.
var ErrLostLeadership = errors.New("lost leadership")

// leaderRole is where the master stands in the election.
type leaderRole int32

const (
	// roleFollowing: another master leads, or none does yet.
	roleFollowing leaderRole = iota
	// roleRecovering: elected, recovering the registry; calls wait until
	// it is done (Mesos drops them), within a bound (recovery_hold.go).
	roleRecovering
	// roleLeading: elected and recovered.
	roleLeading
)

func (m *Master) currentRole() leaderRole { return leaderRole(m.role.Load()) }

// elected reports whether the detector has named this master (Mesos's
// Master::elected), recovered or not.
func (m *Master) elected() bool { return m.currentRole() != roleFollowing }

// electionBackoff bounds the wait between failed Contend or Detect calls.
const (
	electionBackoffMin = 100 * time.Millisecond
	electionBackoffMax = 5 * time.Second
)

// startElection starts contending and detecting, each on a goroutine of
// its own that hands what it learns to the loop.
func (m *Master) startElection(ctx context.Context) {
	m.log.Info("contending for leadership", "id", m.id, "pid", m.pid)
	m.goBg(func() { m.contendLoop(ctx) })
	m.goBg(func() { m.detectLoop(ctx) })
}

// contendLoop holds a candidacy: it contends, waits for the lease to be
// lost and lets the loop decide what that means; a follower contends
// again. When ctx ends the candidacy is withdrawn, so that another master
// takes over without waiting for a session to expire.
func (m *Master) contendLoop(ctx context.Context) {
	backoff := electionBackoffMin
	for {
		resp, err := m.cfg.Contender.Contend(ctx, &mastercontender.ContendRequest{MasterInfo: m.Info()})
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			m.log.Warn("failed to contend for leadership; retrying", "error", err, "retry_in", backoff)
			if !sleepCtx(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, electionBackoffMax)
			continue
		}
		backoff = electionBackoffMin
		lease := resp.GetLease()
		m.log.Info("joined the election", "lease", lease)
		reason := m.watchLease(ctx, lease)
		if ctx.Err() != nil {
			m.withdraw(ctx, lease)
			return
		}
		decided := make(chan bool, 1)
		m.post(func() { decided <- m.candidacyLost(reason) })
		select {
		case stop := <-decided:
			if stop {
				return
			}
		case <-m.stopped:
			return
		}
	}
}

// watchLease waits until the lease is lost and says why.
func (m *Master) watchLease(ctx context.Context, lease string) string {
	resp, err := m.cfg.Contender.Watch(ctx, &mastercontender.WatchRequest{Lease: lease})
	switch {
	case err != nil:
		return "watching the candidacy failed: " + err.Error()
	case resp.GetReason() == "":
		return "candidacy lost"
	}
	return resp.GetReason()
}

// withdraw ends the candidacy of a master that stops.
func (m *Master) withdraw(ctx context.Context, lease string) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if _, err := m.cfg.Contender.Withdraw(wctx, &mastercontender.WithdrawRequest{Lease: lease}); err != nil {
		m.log.Warn("failed to withdraw from the election", "lease", lease, "error", err)
	}
}

// candidacyLost runs on the loop when the lease is lost. A leader stops
// (Mesos: "Lost leadership... committing suicide!"); a follower contends
// again. It reports whether the candidacy is over for good.
func (m *Master) candidacyLost(reason string) bool {
	if m.elected() {
		m.role.Store(int32(roleFollowing))
		m.fatal = fmt.Errorf("master: %w: the leading master lost its candidacy (%s); committing suicide", ErrLostLeadership, reason)
		return true
	}
	m.log.Warn("lost candidacy as a follower; contending again", "reason", reason)
	return false
}

// detectLoop follows the detector and hands every change of leader to
// the loop.
func (m *Master) detectLoop(ctx context.Context) {
	var previous *mesospb.MasterInfo
	backoff := electionBackoffMin
	for {
		resp, err := m.cfg.Detector.Detect(ctx, &masterdetector.DetectRequest{Previous: previous})
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			m.log.Warn("failed to detect the leading master; retrying", "error", err, "retry_in", backoff)
			if !sleepCtx(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, electionBackoffMax)
			continue
		}
		backoff = electionBackoffMin
		leader := resp.GetLeader()
		previous = leader
		m.post(func() { m.leaderDetected(ctx, leader) })
	}
}

// leaderDetected runs on the loop when the detector names a new leader
// (nil: none).
func (m *Master) leaderDetected(ctx context.Context, leader *mesospb.MasterInfo) {
	self := leader != nil && leader.GetId() == m.id
	switch {
	case m.elected() && !self:
		m.role.Store(int32(roleFollowing))
		m.leader.Store(leader)
		now := "no master is elected any more"
		if leader != nil {
			now = "the leading master is now " + describeLeader(leader)
		}
		m.fatal = fmt.Errorf("master: %w: %s; committing suicide", ErrLostLeadership, now)
	case !m.elected() && self:
		m.leader.Store(leader)
		m.electedTime = m.cfg.Now()
		m.role.Store(int32(roleRecovering))
		m.log.Info("elected as the leading master; recovering the registry", "id", m.id, "pid", m.pid)
		m.goBg(func() {
			reg, err := m.registrar.Recover(ctx, m.info)
			m.post(func() { m.recoveredAfterElection(ctx, reg, err) })
		})
	case self:
		m.leader.Store(leader) // the same master, re-detected
	case leader == nil:
		m.leader.Store(nil)
		m.log.Warn("no master is currently elected")
	default:
		m.leader.Store(leader)
		m.log.Info("the leading master is "+describeLeader(leader), "leader", leader.GetPid(), "leader_id", leader.GetId())
	}
}

// recoveredAfterElection takes over once the registry is recovered, or
// refuses to lead when it could not be: a leader that cannot persist must
// not lead (Mesos: "Recovery failed... committing suicide!").
func (m *Master) recoveredAfterElection(ctx context.Context, reg *registrypb.Registry, err error) {
	if ctx.Err() != nil || !m.elected() {
		return // stopping, or leadership lost meanwhile
	}
	if err != nil {
		m.fatal = fmt.Errorf("master: elected, but the registry cannot be recovered, so this master refuses to lead (committing suicide): %w", err)
		return
	}
	if err := m.lead(ctx, reg); err != nil {
		m.fatal = err
		return
	}
	m.log.Info("recovered the registry; leading", "elected_time", m.electedTime)
}

// describeLeader names a leader for logs and errors.
func describeLeader(info *mesospb.MasterInfo) string {
	if info == nil {
		return "none"
	}
	if pid := info.GetPid(); pid != "" {
		return pid
	}
	return "master@" + leaderAddress(info)
}

// sleepCtx waits d, or less if ctx ends (then false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
