package zk

import (
	"time"

	"github.com/go-zookeeper/zk"
)

// Session is one ZooKeeper session of a Client. Ephemeral znodes created
// through it live as long as it does. Operations go through Conn; an
// operation may fail while the client reconnects, and one queued while the
// session ends may run in the client's next session, so whoever creates
// ephemeral znodes checks their owner (Stat.EphemeralOwner == ID).
type Session struct {
	client    *Client
	conn      *connection
	id        int64
	requested time.Duration

	// Guarded by client.mu.
	ready bool
	err   error
	done  chan struct{}
}

// ID is ZooKeeper's session id.
func (s *Session) ID() int64 { return s.id }

// Conn is the go-zookeeper connection the session lives on.
func (s *Session) Conn() *zk.Conn { return s.conn.zk }

// Done is closed when the session ends.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err is why the session ended (ErrSessionExpired, ErrSessionTimedOut,
// ErrClosed, ErrAuthFailed), nil while it lasts.
func (s *Session) Err() error {
	s.client.mu.Lock()
	defer s.client.mu.Unlock()
	return s.err
}

// Timeout is the session timeout the server negotiated, or the one asked
// for until it is known.
func (s *Session) Timeout() time.Duration {
	if n := s.conn.negotiated.Load(); n > 0 {
		return time.Duration(n)
	}
	return s.requested
}

// Alive reports whether the session has not ended.
func (s *Session) Alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// ACL is the ACL to create znodes with (URL.ACL).
func (s *Session) ACL() []zk.ACL { return s.client.url.ACL() }
