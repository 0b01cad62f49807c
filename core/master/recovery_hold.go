package master

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// What an elected master does with the calls it gets while it recovers
// the registry. Mesos's master drops every message then (counting
// master/dropped_messages) and the agent's registration retry finds it
// later, after a backoff that has doubled meanwhile; after a failover that
// leaves a tail of agents coming back seconds after the master could take
// them. This master holds such a call instead and serves it the moment
// recovery completes (recovering 10,000 agents takes well under a second),
// so a call that arrives early is not lost. The hold is bounded in time
// and in count; past either bound the call is answered 503 with a
// Retry-After, which core/agent honours instead of doubling its backoff.

const (
	// recoveryHoldTimeout bounds how long a call waits for recovery
	// (Config.recoveryHold).
	recoveryHoldTimeout = 5 * time.Second
	// maxHeldCalls bounds how many calls wait at once: each holds a
	// connection and a goroutine.
	maxHeldCalls = 50000
	// recoveryRetryAfter is the Retry-After of a call that could not be
	// held: about the time a recovery takes.
	recoveryRetryAfter = time.Second
)

// awaitRecovery holds a call made while the master recovers, until it
// leads (true), or the hold's bound passes, the client goes away or the
// master stops (false).
func (m *Master) awaitRecovery(ctx context.Context) bool {
	if m.held.Add(1) > maxHeldCalls {
		m.held.Add(-1)
		return false
	}
	defer m.held.Add(-1)
	t := time.NewTimer(m.cfg.recoveryHold)
	defer t.Stop()
	select {
	case <-m.recovered:
		return true
	case <-t.C:
	case <-ctx.Done():
	case <-m.stopped:
	}
	return false
}

// notRecovered answers a call the master could not hold until recovery
// completed.
func notRecovered(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(int(recoveryRetryAfter/time.Second)))
	http.Error(w, "Master has not finished recovery", http.StatusServiceUnavailable)
}
