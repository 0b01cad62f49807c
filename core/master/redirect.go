package master

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// What a master that does not lead answers (Mesos's Master::Http::redirect):
// the calls only the leader serves, and the state documents, are
// redirected to it with 307 and a protocol-relative Location,
// //leader-host:port/master/<name> (the path libprocess hands Mesos's
// master: /state arrives there as /master/state; the query is dropped, as
// Mesos drops it); with no leader known they answer 503 "No leader
// elected". An elected master still recovering its registry holds the
// calls only the leader serves until it leads, or answers 503 with a
// Retry-After when that takes too long (recovery_hold.go); it answers the
// state documents itself, as Mesos's does (its elected() is true then).

// leaderOnly wraps a handler that only the leading master serves.
func (m *Master) leaderOnly(h http.HandlerFunc) http.HandlerFunc {
	var serve http.HandlerFunc
	serve = func(w http.ResponseWriter, r *http.Request) {
		switch m.currentRole() {
		case roleLeading:
			h(w, r)
		case roleRecovering:
			if !m.awaitRecovery(r.Context()) {
				notRecovered(w)
				return
			}
			serve(w, r) // leading now (or no longer elected: redirected)
		default:
			m.redirect(w, r)
		}
	}
	return serve
}

// redirect answers 307 to the same path on the leader.
func (m *Master) redirect(w http.ResponseWriter, r *http.Request) {
	leader := m.leader.Load()
	if leader == nil {
		m.log.Warn("not the leading master and no leader is known; cannot redirect", "path", r.URL.Path)
		http.Error(w, "No leader elected", http.StatusServiceUnavailable)
		return
	}
	m.log.Debug("redirecting to the leading master", "path", r.URL.Path, "leader", describeLeader(leader))
	w.Header().Set("Location", "//"+leaderAddress(leader)+delegatedPath(r.URL.Path))
	w.WriteHeader(http.StatusTemporaryRedirect)
}

// electedOnly wraps what Mesos serves on any elected master, recovered or
// not (the state documents): a master not elected redirects.
func (m *Master) electedOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !m.elected() {
			m.redirect(w, r)
			return
		}
		h(w, r)
	}
}

// delegatedPath is a master endpoint's path as Mesos's master sees it and
// puts in its Location: libprocess delegates /state, /api/v1/scheduler
// and the like to the master process as /master/state, ... Our own agent
// protocol keeps its path.
func delegatedPath(p string) string {
	if p == "/master" || strings.HasPrefix(p, "/master/") || p == AgentAPIPath {
		return p
	}
	return "/master" + p
}

// serveRedirect is /master/redirect: 307 to the leader's base URL (this
// master's when it leads), 503 when there is none.
func (m *Master) serveRedirect(w http.ResponseWriter, r *http.Request) {
	leader := m.leader.Load()
	if leader == nil {
		http.Error(w, "No leader elected", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Location", "//"+leaderAddress(leader))
	w.WriteHeader(http.StatusTemporaryRedirect)
}

// leaderAddress is host:port of a master as Mesos redirects to it: its
// hostname, else its IP.
func leaderAddress(info *mesospb.MasterInfo) string {
	host := info.GetHostname()
	if host == "" {
		host = info.GetAddress().GetIp()
	}
	if host == "" && info.Ip != nil {
		host = mesosToIPv4(info.GetIp())
	}
	port := info.GetPort()
	if port == 0 {
		port = uint32(info.GetAddress().GetPort())
	}
	if strings.Contains(host, ":") {
		return net.JoinHostPort(host, strconv.Itoa(int(port)))
	}
	return host + ":" + strconv.Itoa(int(port))
}

// mesosToIPv4 reads MasterInfo.ip (see ipv4ToMesos).
func mesosToIPv4(ip uint32) string {
	return netip.AddrFrom4([4]byte{byte(ip), byte(ip >> 8), byte(ip >> 16), byte(ip >> 24)}).String()
}

// registerAPIs routes the v1 scheduler and operator APIs under both the
// names Mesos serves them at (/api/v1/scheduler and
// /master/api/v1/scheduler, ...): a follower's Location names the second.
// A master that does not lead redirects whatever the method, as Mesos's
// does; the leader answers anything but POST with 405.
func (m *Master) registerAPIs(mux *http.ServeMux) {
	scheduler := m.leaderOnly(postOnly(m.serveScheduler))
	mux.HandleFunc("/api/v1/scheduler", scheduler)
	mux.HandleFunc("/master/api/v1/scheduler", scheduler)
	mux.HandleFunc("/api/v1", m.serveOperator)
	mux.HandleFunc("/master/api/v1", m.serveOperator)
}

// postOnly answers anything but POST with Mesos's 405.
func postOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			methodNotAllowed(w, r, http.MethodPost)
			return
		}
		h(w, r)
	}
}
