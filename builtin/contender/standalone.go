package contender

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gomesos/mesos/modules/kinds/mastercontender"
)

// Standalone is Mesos's StandaloneMasterContender: contending always
// succeeds at once, and the candidacy lasts until it is withdrawn or
// replaced by a new Contend.
type Standalone struct {
	prefix string

	mu     sync.Mutex
	serial int
	lease  string
	lost   chan struct{} // closed when lease is lost
	// ended remembers why the last leases ended, for late Watches.
	ended []ended
}

type ended struct{ lease, reason string }

// maxEnded bounds ended.
const maxEnded = 16

var _ mastercontender.MasterContender = (*Standalone)(nil)

// NewStandalone makes the standalone contender; it takes no parameters.
func NewStandalone(params map[string]string) (mastercontender.MasterContender, error) {
	for k := range params {
		return nil, fmt.Errorf("standalone master contender: unknown parameter '%s'", k)
	}
	return NewStandaloneContender(), nil
}

// NewStandaloneContender makes the standalone contender.
func NewStandaloneContender() *Standalone {
	// Leases of another instance (before a restart) are never taken for
	// this one's.
	return &Standalone{prefix: "standalone-" + strings.ToLower(rand.Text()[:8]) + "-"}
}

// Contend starts a candidacy, ending the one before.
func (s *Standalone) Contend(_ context.Context, req *mastercontender.ContendRequest) (*mastercontender.ContendResponse, error) {
	if req.GetMasterInfo() == nil {
		return nil, errors.New("standalone master contender: contending without a MasterInfo")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lease != "" {
		s.endLocked("replaced by a new candidacy")
	}
	s.serial++
	s.lease = fmt.Sprintf("%s%d", s.prefix, s.serial)
	s.lost = make(chan struct{})
	return &mastercontender.ContendResponse{Lease: s.lease}, nil
}

// endLocked ends the current lease. Called with mu held.
func (s *Standalone) endLocked(reason string) {
	close(s.lost)
	s.ended = append(s.ended, ended{s.lease, reason})
	if len(s.ended) > maxEnded {
		s.ended = s.ended[1:]
	}
	s.lease, s.lost = "", nil
}

// reasonLocked says why lease ended. Called with mu held.
func (s *Standalone) reasonLocked(lease string) string {
	for _, e := range s.ended {
		if e.lease == lease {
			return e.reason
		}
	}
	return "unknown lease"
}

// Watch blocks until the lease is withdrawn or replaced.
func (s *Standalone) Watch(ctx context.Context, req *mastercontender.WatchRequest) (*mastercontender.WatchResponse, error) {
	s.mu.Lock()
	if req.GetLease() != s.lease || s.lease == "" {
		reason := s.reasonLocked(req.GetLease())
		s.mu.Unlock()
		return &mastercontender.WatchResponse{Reason: reason}, nil
	}
	lost := s.lost
	s.mu.Unlock()
	select {
	case <-lost:
		s.mu.Lock()
		defer s.mu.Unlock()
		return &mastercontender.WatchResponse{Reason: s.reasonLocked(req.GetLease())}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Withdraw ends the lease if it is the current one.
func (s *Standalone) Withdraw(_ context.Context, req *mastercontender.WithdrawRequest) (*mastercontender.WithdrawResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.GetLease() != "" && req.GetLease() == s.lease {
		s.endLocked("withdrawn")
	}
	return &mastercontender.WithdrawResponse{}, nil
}
