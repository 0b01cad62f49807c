package zk

import (
	"errors"
	"math/rand/v2"
	"sync"
)

// staticHosts hands go-zookeeper the servers as given, in a random order,
// leaving name resolution to each dial: unlike go-zookeeper's DNS
// provider, a name that does not resolve yet (a server that is not up yet)
// does not stop the client from being created, and is tried again on the
// next round. It follows the DNS provider's round logic: retryStart is
// true once every server was tried since the last connection.
type staticHosts struct {
	mu      sync.Mutex
	servers []string
	curr    int
	last    int
}

func (h *staticHosts) Init(servers []string) error {
	if len(servers) == 0 {
		return errors.New("no zookeeper servers")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.servers = append([]string(nil), servers...)
	rand.Shuffle(len(h.servers), func(i, j int) { h.servers[i], h.servers[j] = h.servers[j], h.servers[i] })
	h.curr, h.last = -1, -1
	return nil
}

func (h *staticHosts) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.servers)
}

func (h *staticHosts) Next() (server string, retryStart bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.curr = (h.curr + 1) % len(h.servers)
	retryStart = h.curr == h.last
	if h.last == -1 {
		h.last = 0
	}
	return h.servers[h.curr], retryStart
}

func (h *staticHosts) Connected() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = h.curr
}
