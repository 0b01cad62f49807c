package decorate

import (
	"slices"
	"time"

	"github.com/gomesos/mesos/modules"
)

// Failure is what the core does when a module of a kind fails.
type Failure string

const (
	// Propagate: the caller gets the error and acts on it (an isolator's
	// failed Prepare fails the container's launch).
	Propagate Failure = "propagate"
	// FailClosed: the answer is the safe one, deny (authentication,
	// authorization).
	FailClosed Failure = "fail-closed"
	// FallBack: a built-in takes over (the allocator; see Allocator).
	FallBack Failure = "fall-back"
	// Skip: the core carries on without the module (hooks, QoS
	// corrections, oversubscription estimates).
	Skip Failure = "skip"
)

// Policy is how a kind's modules are called and what their failure means.
type Policy struct {
	// Timeout is the deadline of a call when the manifest gives no
	// call_timeout.
	Timeout time.Duration
	// Unbounded are the methods that block by design and get no deadline.
	Unbounded []string
	// OnFailure is what the core does when a call fails.
	OnFailure Failure
	// FailAfter is how many failures in a row make the module "failed"
	// rather than "failing". A panic or a crash makes it failed at once.
	FailAfter int
}

// PolicyFor returns kind k's policy: the defaults of docs/MODULES.md's
// failure policy table.
func PolicyFor(k modules.Kind) Policy {
	switch k {
	case modules.KindAllocator:
		// One call per allocation cycle, on the master's loop: a stuck
		// allocator stalls the master, so the deadline is short and the
		// first failure hands over to the built-in.
		return Policy{Timeout: 5 * time.Second, OnFailure: FallBack, FailAfter: 1}
	case modules.KindAuthenticator, modules.KindHTTPAuthenticator, modules.KindAuthorizer:
		return Policy{Timeout: 5 * time.Second, OnFailure: FailClosed, FailAfter: 3}
	case modules.KindIsolator:
		return Policy{Timeout: time.Minute, Unbounded: []string{"Watch"}, OnFailure: Propagate, FailAfter: 3}
	case modules.KindHook:
		return Policy{Timeout: 5 * time.Second, OnFailure: Skip, FailAfter: 3}
	case modules.KindQoSController, modules.KindResourceEstimator:
		return Policy{Timeout: 10 * time.Second, OnFailure: Skip, FailAfter: 3}
	case modules.KindContainerLogger:
		return Policy{Timeout: 30 * time.Second, OnFailure: Propagate, FailAfter: 3}
	case modules.KindMasterContender, modules.KindMasterDetector:
		// A contender's Watch and a detector's Detect wait for a change
		// of leader.
		return Policy{Timeout: 10 * time.Second, Unbounded: []string{"Detect", "Watch"}, OnFailure: Propagate, FailAfter: 3}
	}
	return Policy{Timeout: 10 * time.Second, OnFailure: Propagate, FailAfter: 3}
}

// timeout returns the deadline of a call to method (0: none).
func (p *Policy) timeout(method string, callTimeout time.Duration) time.Duration {
	if slices.Contains(p.Unbounded, method) {
		return 0
	}
	if callTimeout > 0 {
		return callTimeout
	}
	return p.Timeout
}
