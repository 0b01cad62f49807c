package zk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"
)

// DefaultSessionTimeout is Mesos's --zk_session_timeout default.
const DefaultSessionTimeout = 10 * time.Second

// Options configure a Client.
type Options struct {
	// SessionTimeout is asked of ZooKeeper for each session
	// (--zk_session_timeout); DefaultSessionTimeout when zero. The server
	// may grant another within its bounds (by default 2 to 20 ticks).
	SessionTimeout time.Duration
	// Logger receives the client's log; slog.Default() when nil.
	Logger *slog.Logger
	// Dialer connects to a server; net.DialTimeout when nil. Tests use it
	// to cut a client off from the ensemble.
	Dialer func(network, address string, timeout time.Duration) (net.Conn, error)
	// MaxPacketSize bounds what the client sends and receives in one
	// packet; go-zookeeper's default (1.5 MiB sent, no bound received)
	// when zero. ZooKeeper itself refuses packets over its jute.maxbuffer
	// (1 MiB by default).
	MaxPacketSize int
}

// Client keeps a session with a ZooKeeper ensemble, starting a new one
// when the last ends, until it is closed. It is safe for concurrent use.
type Client struct {
	url     URL
	opts    Options
	timeout time.Duration
	logger  *slog.Logger

	mu      sync.Mutex
	conn    *connection
	session *Session
	// changed is closed and replaced when a session becomes ready, and
	// when the client fails or closes.
	changed chan struct{}
	closed  bool
	failed  error
	bg      sync.WaitGroup
}

// connection is one go-zookeeper Conn. The client replaces it when it
// gives a session up itself (ErrSessionTimedOut), so that the next session
// is a new one, as Mesos makes a new ZooKeeper handle.
type connection struct {
	zk         *zk.Conn
	negotiated atomic.Int64 // the session timeout granted, ns; 0 until known
	// Guarded by Client.mu.
	authenticated bool // credentials added; go-zookeeper resends them
	disconnected  *disconnection
}

// disconnection is the clock of one disconnection.
type disconnection struct{ timer *time.Timer }

func (c *connection) stopTimer() {
	if c.disconnected != nil {
		c.disconnected.timer.Stop()
		c.disconnected = nil
	}
}

// NewClient starts connecting to the servers of u and returns at once;
// Session waits for a session.
func NewClient(u URL, opts Options) (*Client, error) {
	if len(u.Servers) == 0 {
		return nil, errors.New("zookeeper client: no servers")
	}
	if err := CheckPath(u.Path); err != nil {
		return nil, fmt.Errorf("zookeeper client: %w", err)
	}
	timeout := opts.SessionTimeout
	if timeout <= 0 {
		timeout = DefaultSessionTimeout
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	c := &Client{
		url:     u,
		opts:    opts,
		timeout: timeout,
		logger:  logger.With("zk", u.Redacted()),
		changed: make(chan struct{}),
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, err := c.dialLocked()
	if err != nil {
		return nil, err
	}
	c.conn = conn
	return c, nil
}

// URL is the URL the client connects to.
func (c *Client) URL() URL { return c.url }

// ACL is the ACL to create znodes with (URL.ACL).
func (c *Client) ACL() []zk.ACL { return c.url.ACL() }

// SessionTimeout is the session timeout the client asks for.
func (c *Client) SessionTimeout() time.Duration { return c.timeout }

// dialLocked makes a go-zookeeper Conn, which connects in the background.
func (c *Client) dialLocked() (*connection, error) {
	conn := &connection{}
	options := []func(*zk.Conn){
		zk.WithHostProvider(&staticHosts{}),
		zk.WithLogger(zkLogger{logger: c.logger, negotiated: &conn.negotiated}),
		// Called on go-zookeeper's goroutine; it must not block long.
		zk.WithEventCallback(func(ev zk.Event) { c.onEvent(conn, ev) }),
	}
	if c.opts.Dialer != nil {
		options = append(options, zk.WithDialer(c.opts.Dialer))
	}
	if n := c.opts.MaxPacketSize; n > 0 {
		options = append(options, zk.WithMaxBufferSize(n), zk.WithMaxConnBufferSize(n))
	}
	zc, _, err := connect(c.url.Servers, c.timeout, options)
	if err != nil {
		return nil, fmt.Errorf("zookeeper client for %s: %w", c.url.Redacted(), err)
	}
	conn.zk = zc
	return conn, nil
}

// connect is zk.Connect; its options' type is unexported, hence the loop.
func connect(servers []string, timeout time.Duration, options []func(*zk.Conn)) (*zk.Conn, <-chan zk.Event, error) {
	opts := make([]func(*zk.Conn), len(options))
	copy(opts, options)
	return zk.Connect(servers, timeout, func(zc *zk.Conn) {
		for _, o := range opts {
			o(zc)
		}
	})
}

// Session returns the current session once it is established (and, with
// credentials, authenticated), waiting for it while the client connects.
// It fails once the client is closed or has failed for good.
func (c *Client) Session(ctx context.Context) (*Session, error) {
	for {
		c.mu.Lock()
		switch {
		case c.closed:
			c.mu.Unlock()
			return nil, ErrClosed
		case c.failed != nil:
			err := c.failed
			c.mu.Unlock()
			return nil, err
		case c.session != nil && c.session.ready:
			s := c.session
			c.mu.Unlock()
			return s, nil
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for a zookeeper session with %s: %w", c.url.Redacted(), ctx.Err())
		}
	}
}

// Current is the current session, nil while there is none ready.
func (c *Client) Current() *Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != nil && c.session.ready {
		return c.session
	}
	return nil
}

// onEvent follows the connection's state. Events of a connection the
// client has replaced are ignored.
func (c *Client) onEvent(conn *connection, ev zk.Event) {
	if ev.Type != zk.EventSession {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.failed != nil || c.conn != conn {
		return
	}
	switch ev.State {
	case zk.StateHasSession:
		c.hasSessionLocked(conn, ev.Server)
	case zk.StateDisconnected:
		c.disconnectedLocked(conn)
	case zk.StateExpired:
		conn.stopTimer()
		if c.session != nil {
			c.logger.Warn("ZooKeeper session expired", "session", sessionID(c.session.id))
			c.endLocked(ErrSessionExpired)
		}
	case zk.StateAuthFailed:
		c.failLocked(ErrAuthFailed)
	}
}

func (c *Client) hasSessionLocked(conn *connection, server string) {
	conn.stopTimer()
	id := conn.zk.SessionID()
	if s := c.session; s != nil && s.id == id {
		c.logger.Info("Reconnected to ZooKeeper", "session", sessionID(id), "server", server)
		return
	}
	if c.session != nil {
		// A new session id: the old one is gone, whether or not we were
		// told.
		c.logger.Warn("ZooKeeper session replaced", "session", sessionID(c.session.id), "new_session", sessionID(id))
		c.endLocked(ErrSessionExpired)
	}
	s := &Session{client: c, conn: conn, id: id, requested: c.timeout, done: make(chan struct{})}
	c.session = s
	c.logger.Info("Connected to ZooKeeper", "session", sessionID(id), "server", server)
	if c.url.Auth != nil && !conn.authenticated {
		c.bg.Add(1)
		go c.authenticate(conn, s)
		return
	}
	c.readyLocked(s)
}

func (c *Client) readyLocked(s *Session) {
	s.ready = true
	close(c.changed)
	c.changed = make(chan struct{})
}

// disconnectedLocked starts the clock: a session not resumed within its
// timeout is given up.
func (c *Client) disconnectedLocked(conn *connection) {
	s := c.session
	if s == nil || conn.disconnected != nil {
		return
	}
	timeout := s.Timeout()
	c.logger.Info("Lost connection to ZooKeeper, attempting to reconnect", "session", sessionID(s.id), "session_timeout", timeout)
	d := &disconnection{}
	d.timer = time.AfterFunc(timeout, func() { c.timedOut(conn, s, d) })
	conn.disconnected = d
}

// timedOut gives the session up after it was disconnected for its whole
// timeout, and starts a new connection for a new session.
func (c *Client) timedOut(conn *connection, s *Session, d *disconnection) {
	c.mu.Lock()
	if c.closed || c.failed != nil || c.conn != conn || conn.disconnected != d || c.session != s {
		c.mu.Unlock()
		return
	}
	conn.disconnected = nil
	c.logger.Warn("Timed out waiting to reconnect to ZooKeeper, forcing session expiration",
		"session", sessionID(s.id), "session_timeout", s.Timeout())
	c.endLocked(ErrSessionTimedOut)
	next, err := c.dialLocked()
	if err != nil {
		// Only a bad server list fails here, and it did not fail before.
		c.failLocked(err)
	} else {
		c.conn = next
	}
	c.mu.Unlock()
	c.closeConn(conn)
}

// endLocked ends the current session.
func (c *Client) endLocked(err error) {
	s := c.session
	if s == nil {
		return
	}
	c.session = nil
	s.err = err
	close(s.done)
}

// failLocked stops the client for good.
func (c *Client) failLocked(err error) {
	c.logger.Error("ZooKeeper client failed", "error", err)
	c.endLocked(err)
	c.failed = err
	if c.conn != nil {
		c.conn.stopTimer()
		c.closeConn(c.conn)
	}
	close(c.changed)
	c.changed = make(chan struct{})
}

// closeConn closes a go-zookeeper Conn in the background: Close waits for
// the server (up to a few seconds when it cannot be reached).
func (c *Client) closeConn(conn *connection) {
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		conn.zk.Close()
	}()
}

// authenticate adds the URL's credentials to a new connection's first
// session, retrying while the connection comes and goes, then makes the
// session ready. go-zookeeper resends them on every later reconnection.
func (c *Client) authenticate(conn *connection, s *Session) {
	defer c.bg.Done()
	auth := c.url.Auth
	c.logger.Info("Authenticating with ZooKeeper", "scheme", auth.Scheme)
	backoff := 100 * time.Millisecond
	for {
		err := conn.zk.AddAuth(auth.Scheme, []byte(auth.Credentials))
		c.mu.Lock()
		if c.closed || c.failed != nil || c.session != s {
			c.mu.Unlock()
			return
		}
		switch {
		case err == nil:
			conn.authenticated = true
			c.readyLocked(s)
			c.mu.Unlock()
			return
		case errors.Is(err, zk.ErrAuthFailed):
			c.failLocked(fmt.Errorf("%w: scheme %s", ErrAuthFailed, auth.Scheme))
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.logger.Debug("Retrying ZooKeeper authentication", "error", err)
		select {
		case <-s.done:
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// Close ends the session (ZooKeeper deletes its ephemeral znodes at once
// when it can be reached) and stops the client. Later calls fail with
// ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	conn, failed := c.conn, c.failed
	c.endLocked(ErrClosed)
	if conn != nil {
		conn.stopTimer()
	}
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
	if conn != nil && failed == nil {
		conn.zk.Close()
	}
	c.bg.Wait()
	return nil
}

// sessionID formats a session id as ZooKeeper logs it.
type sessionID int64

func (id sessionID) String() string { return fmt.Sprintf("0x%x", int64(id)) }
