package master

import (
	"net/http"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/buildinfo"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Mesos's HTTP endpoints. Each master endpoint answers at /master/<name>
// and, as libprocess delegates unknown paths to the master, at /<name>.
// Read-only endpoints take any method, as Mesos's do; the others check
// theirs (405 otherwise).

func (m *Master) registerEndpoints(mux *http.ServeMux) {
	both := func(name string, h http.HandlerFunc) {
		mux.HandleFunc("/master/"+name, h)
		mux.HandleFunc("/"+name, h)
	}
	readOnly := func(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r = m.authenticatedRequest(w, r, false); r != nil {
				h(w, r)
			}
		}
	}
	// The state documents are an elected master's: the others redirect
	// to the leader, as Mesos's do (a follower's own would show an empty
	// cluster).
	document := func(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return readOnly(m.electedOnly(h))
	}
	// The endpoints that change things are the leader's: the others
	// redirect to it, as Mesos's do.
	readWrite := func(h func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		leaderOnly := m.leaderOnly(h)
		return func(w http.ResponseWriter, r *http.Request) {
			if r = m.authenticatedRequest(w, r, true); r != nil {
				leaderOnly(w, r)
			}
		}
	}

	state := document(func(w http.ResponseWriter, r *http.Request) { m.serveDocument(w, r, "state", m.writeState) })
	both("state", state)
	both("state.json", state)
	both("state-summary", document(func(w http.ResponseWriter, r *http.Request) {
		m.serveDocument(w, r, "state-summary", m.writeStateSummary)
	}))
	both("frameworks", document(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("framework_id")
		m.serveDocument(w, r, "frameworks", func(jw *jsonWriter) { m.writeFrameworks(jw, id) })
	}))
	both("slaves", document(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("slave_id")
		m.serveDocument(w, r, "slaves", func(jw *jsonWriter) { m.writeSlaves(jw, id) })
	}))
	tasks := document(func(w http.ResponseWriter, r *http.Request) {
		q := parseTasksQuery(r.URL.Query())
		m.serveDocument(w, r, "tasks", func(jw *jsonWriter) { m.writeTasks(jw, q) })
	})
	both("tasks", tasks)
	both("tasks.json", tasks)
	roles := document(func(w http.ResponseWriter, r *http.Request) { m.serveDocument(w, r, "roles", m.writeRoles) })
	both("roles", roles)
	both("roles.json", roles)
	both("redirect", m.serveRedirect)
	mux.HandleFunc("/master/redirect/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/redirect/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	both("health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	both("flags", readOnly(m.serveFlags))
	mux.HandleFunc("/version", m.serveVersion)
	mux.HandleFunc("/metrics/snapshot", readOnly(m.serveMetrics))
	mux.HandleFunc("/modules", readOnly(m.serveModules))

	both("reserve", readWrite(m.serveReserve))
	both("unreserve", readWrite(m.serveUnreserve))
	both("create-volumes", readWrite(m.serveCreateVolumes))
	both("destroy-volumes", readWrite(m.serveDestroyVolumes))
	both("teardown", readWrite(m.serveTeardown))
	both("quota", readWrite(m.serveQuota))
	both("quota/{role...}", readWrite(m.serveQuota))
	both("weights", readWrite(m.serveWeights))
	both("maintenance/schedule", readWrite(m.serveSchedule))
	both("maintenance/status", readOnly(m.leaderOnly(m.serveMaintenanceStatus)))
	both("machine/down", readWrite(m.serveMachineDown))
	both("machine/up", readWrite(m.serveMachineUp))
}

// serveDocument writes a JSON document on the loop and sends it. A buffer
// is kept for the next request: a large cluster's /state is tens of
// megabytes, and allocating that for every poll would keep the garbage
// collector busy scanning the master's heap.
func (m *Master) serveDocument(w http.ResponseWriter, r *http.Request, name string, write func(*jsonWriter)) {
	ctx := r.Context()
	v, err := m.viewFor(ctx)
	if err != nil {
		writeCallError(w, err)
		return
	}
	ctx = withView(ctx, v)
	var body []byte
	if err := m.call(ctx, func() {
		// The next document of this name is likely about as large as the
		// last: start there, so the buffer does not grow by copying.
		want := m.documentSizes[name]
		var buf []byte
		select {
		case buf = <-m.documentBuffers:
		default:
		}
		if cap(buf) < want {
			buf = make([]byte, 0, want)
		}
		jw := jsonWriter{buf: buf[:0]}
		m.usingView(ctx, func() { write(&jw) })
		body = jw.buf
		m.documentSizes[name] = len(body) + len(body)/8
	}); err != nil {
		writeCallError(w, err)
		return
	}
	writeJSON(w, r, body)
	select {
	case m.documentBuffers <- body[:0]:
	default: // another request's buffer is kept already
	}
}

// writeJSON answers 200 with a JSON body, or with JSONP when the query
// names a callback (Mesos's OK(json, jsonp)).
func writeJSON(w http.ResponseWriter, r *http.Request, body []byte) {
	if cb := r.URL.Query().Get("jsonp"); cb != "" {
		w.Header().Set("Content-Type", "text/javascript")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(cb + "("))
		_, _ = w.Write(body)
		_, _ = w.Write([]byte(");"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (m *Master) serveFlags(w http.ResponseWriter, r *http.Request) {
	if err := m.authorizeCall(r.Context(), &masterpb.Call{Type: masterpb.Call_GET_FLAGS.Enum()}); err != nil {
		writeCallError(w, err)
		return
	}
	jw := jsonWriter{}
	jw.beginObject()
	jw.key("flags")
	m.writeFlags(&jw)
	jw.endObject()
	writeJSON(w, r, jw.buf)
}

// serveModules is GET /modules: the modules' status, from the module
// host.
func (m *Master) serveModules(w http.ResponseWriter, r *http.Request) {
	if m.cfg.Modules != nil {
		m.cfg.Modules.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, r, http.MethodGet, http.MethodHead)
		return
	}
	writeJSON(w, r, []byte(`{"modules":[]}`))
}

func (m *Master) serveVersion(w http.ResponseWriter, r *http.Request) {
	jw := jsonWriter{}
	jw.beginObject()
	m.writeBuild(&jw)
	jw.endObject()
	writeJSON(w, r, jw.buf)
}

func (m *Master) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if err := m.authorizeEndpoint(r.Context(), "/metrics/snapshot"); err != nil {
		writeCallError(w, err)
		return
	}
	metrics, err := m.snapshotMetrics(r.Context())
	if err != nil {
		writeCallError(w, err)
		return
	}
	writeJSON(w, r, appendMetricsJSON(nil, metrics))
}

// flagProtos is GET_FLAGS's list.
func (m *Master) flagProtos() []*mesospb.Flag {
	out := make([]*mesospb.Flag, 0, len(m.cfg.Flags))
	for _, name := range sortedKeys(m.cfg.Flags) {
		out = append(out, &mesospb.Flag{Name: proto.String(name), Value: proto.String(m.cfg.Flags[name])})
	}
	return out
}

// versionInfo is the master's version and what the Go toolchain recorded
// of its build (the VCS revision and time, when built from a checkout).
func (m *Master) versionInfo() *mesospb.VersionInfo { return buildinfo.VersionInfo(m.cfg.Version) }

// quotaRole is the role of DELETE /master/quota/<role>, which may hold
// slashes itself.
func quotaRole(path string) (string, bool) {
	for _, prefix := range []string{"/master/quota/", "/quota/"} {
		if role, ok := strings.CutPrefix(path, prefix); ok && role != "" {
			return role, true
		}
	}
	return "", false
}
