package zktest

import (
	"errors"
	"net"
	"sync"
	"time"
)

// Link is a dialer for zk.Options.Dialer that a test can cut: Cut closes
// the client's connections and refuses new ones, as a network partition
// between that client and the ensemble would, until Restore.
type Link struct {
	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
}

// NewLink returns an intact link.
func NewLink() *Link { return &Link{conns: map[net.Conn]struct{}{}} }

// ErrCut is what dialing through a cut link fails with.
var ErrCut = errors.New("zktest: link cut")

// Dial connects unless the link is cut.
func (l *Link) Dial(network, address string, timeout time.Duration) (net.Conn, error) {
	l.mu.Lock()
	cut := l.cut
	l.mu.Unlock()
	if cut {
		time.Sleep(min(timeout, 50*time.Millisecond))
		return nil, ErrCut
	}
	c, err := net.DialTimeout(network, address, timeout)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cut {
		c.Close()
		return nil, ErrCut
	}
	l.conns[c] = struct{}{}
	return &linkConn{Conn: c, link: l}, nil
}

// Cut closes the connections and refuses new ones.
func (l *Link) Cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cut = true
	for c := range l.conns {
		c.Close()
	}
	clear(l.conns)
}

// Restore lets the client connect again.
func (l *Link) Restore() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cut = false
}

type linkConn struct {
	net.Conn
	link *Link
}

func (c *linkConn) Close() error {
	c.link.mu.Lock()
	delete(c.link.conns, c.Conn)
	c.link.mu.Unlock()
	return c.Conn.Close()
}
