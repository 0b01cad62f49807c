package zktest

import (
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"testing"
)

// Ports below Linux's ephemeral range, so that no client connection takes
// one between the choice and the server's start.
const (
	portLow  = 15000
	portHigh = 32000
)

var handedOut sync.Map // int -> struct{}: ports given to this process's servers

// freePorts returns a port p such that p, p+1 and p+2 (the client, quorum
// and election ports) are free on 127.0.0.1.
func freePorts(t testing.TB) int {
	t.Helper()
	for range 200 {
		p := portLow + rand.IntN(portHigh-portLow-3)
		if free(p) && free(p+1) && free(p+2) {
			if _, taken := handedOut.LoadOrStore(p, struct{}{}); taken {
				continue
			}
			handedOut.Store(p+1, struct{}{})
			handedOut.Store(p+2, struct{}{})
			return p
		}
	}
	t.Fatal("no three free consecutive ports on 127.0.0.1")
	return 0
}

func free(port int) bool {
	if _, taken := handedOut.Load(port); taken {
		return false
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
