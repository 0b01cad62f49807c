package zk

import "errors"

// Why a Session ends; test with errors.Is.
var (
	// ErrSessionExpired: ZooKeeper expired the session (reported when the
	// client reconnected).
	ErrSessionExpired = errors.New("zookeeper session expired")
	// ErrSessionTimedOut: the client was disconnected for longer than the
	// session timeout and gave the session up, as Mesos does, without
	// waiting for ZooKeeper to say it expired.
	ErrSessionTimedOut = errors.New("zookeeper session timed out: disconnected for longer than the session timeout")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("zookeeper client closed")
	// ErrAuthFailed: ZooKeeper refused the credentials. The client stops:
	// retrying cannot help.
	ErrAuthFailed = errors.New("zookeeper authentication failed")
)
