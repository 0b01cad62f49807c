package zk

import (
	"errors"

	"github.com/go-zookeeper/zk"
)

// Transient reports whether err is a connection problem that a retry,
// in this session or the client's next, may not meet: the connection
// closed or broke, no server could be reached, or the session ended.
// Whether a write that failed so happened is unknown.
func Transient(err error) bool {
	for _, e := range []error{
		zk.ErrConnectionClosed, zk.ErrNoServer, zk.ErrClosing, zk.ErrSessionExpired, zk.ErrSessionMoved,
		ErrSessionExpired, ErrSessionTimedOut,
	} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
