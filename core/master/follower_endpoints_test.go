package master

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// What a master that does not lead answers, endpoint by endpoint, as
// Mesos 1.x's src/master/http.cpp does: every master endpoint but
// /health, /flags and /redirect itself answers `if (!master->elected())
// return redirect(request)`, and redirect() answers 307 with Location
// "//<leader host>:<port>" + the path libprocess handed the master, which
// is always /master/<name> (a request for /state is delegated to the
// master process as /master/state); with no leader known it answers 503
// "No leader elected". The query string is not carried over.

// followerGet asks a follower without following redirects.
func followerDo(t *testing.T, method, url, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	loc := resp.Header.Get("Location")
	code, text := status(t, resp)
	return code, loc, text
}

func TestFollowerRedirectsEveryLeaderEndpointLikeMesos(t *testing.T) {
	hm := startHAMaster(t, nil)
	base := hm.srv.URL
	hm.detector.appoint(otherMaster())
	until(t, "the leader is known", func() error {
		if code, _, _ := followerDo(t, "GET", base+"/master/redirect", ""); code != http.StatusTemporaryRedirect {
			return fmt.Errorf("/master/redirect: %d", code)
		}
		return nil
	})
	const leader = "//leader.example:5050"
	for _, c := range []struct{ method, path, want string }{
		// The state documents: Mesos redirects them; a follower's own
		// would show an empty cluster.
		{"GET", "/master/state", "/master/state"},
		{"GET", "/state", "/master/state"},
		{"GET", "/state.json", "/master/state.json"},
		{"GET", "/master/state.json?jsonp=cb", "/master/state.json"},
		{"GET", "/master/state-summary", "/master/state-summary"},
		{"GET", "/master/frameworks", "/master/frameworks"},
		{"GET", "/frameworks?framework_id=x", "/master/frameworks"},
		{"GET", "/master/slaves", "/master/slaves"},
		{"GET", "/slaves", "/master/slaves"},
		{"GET", "/master/tasks", "/master/tasks"},
		{"GET", "/tasks.json", "/master/tasks.json"},
		{"GET", "/master/roles", "/master/roles"},
		{"GET", "/roles.json", "/master/roles.json"},
		{"GET", "/master/maintenance/status", "/master/maintenance/status"},
		{"GET", "/quota", "/master/quota"},
		{"PUT", "/weights", "/master/weights"},
		// The v1 APIs, under both names; the redirect comes before the
		// method check, so even a GET is redirected.
		{"POST", "/api/v1/scheduler", "/master/api/v1/scheduler"},
		{"POST", "/master/api/v1/scheduler", "/master/api/v1/scheduler"},
		{"GET", "/api/v1/scheduler", "/master/api/v1/scheduler"},
		{"POST", "/api/v1", "/master/api/v1"},
		{"POST", "/master/api/v1", "/master/api/v1"},
		{"GET", "/api/v1", "/master/api/v1"},
		// Our own agent protocol keeps its path.
		{"POST", AgentAPIPath, AgentAPIPath},
		// /redirect points at the leader's root, never at itself.
		{"GET", "/redirect", ""},
		{"GET", "/master/redirect", ""},
	} {
		code, loc, body := followerDo(t, c.method, base+c.path, `{"type":"GET_HEALTH"}`)
		if code != http.StatusTemporaryRedirect || loc != leader+c.want {
			t.Errorf("%s %s on a follower: %d Location %q (%q), want 307 %q", c.method, c.path, code, loc, body, leader+c.want)
		}
	}

	// What a follower answers itself.
	for _, p := range []string{"/health", "/master/health", "/flags", "/master/flags", "/version", "/metrics/snapshot"} {
		if code, loc, body := followerDo(t, "GET", base+p, ""); code != http.StatusOK {
			t.Errorf("GET %s on a follower: %d %q %q, want 200", p, code, loc, body)
		}
	}
	if m := getJSON(t, base+"/metrics/snapshot"); m["master/elected"] != 0.0 {
		t.Errorf("master/elected %v on a follower", m["master/elected"])
	}
}

func TestFollowerWithoutLeaderAnswers503(t *testing.T) {
	hm := startHAMaster(t, nil)
	base := hm.srv.URL
	for _, c := range []struct{ method, path string }{
		{"GET", "/master/state"},
		{"GET", "/state.json"},
		{"GET", "/master/state-summary"},
		{"GET", "/master/frameworks"},
		{"GET", "/master/slaves"},
		{"GET", "/master/tasks"},
		{"GET", "/master/roles"},
		{"GET", "/master/redirect"},
		{"GET", "/redirect"},
		{"POST", "/api/v1/scheduler"},
		{"POST", "/api/v1"},
		{"GET", "/api/v1"},
	} {
		code, loc, body := followerDo(t, c.method, base+c.path, `{"type":"GET_HEALTH"}`)
		if code != http.StatusServiceUnavailable || loc != "" || !strings.Contains(body, "No leader elected") {
			t.Errorf("%s %s with no leader: %d Location %q %q, want 503 No leader elected", c.method, c.path, code, loc, body)
		}
	}
	if code, _, _ := followerDo(t, "GET", base+"/health", ""); code != http.StatusOK {
		t.Errorf("/health with no leader: %d", code)
	}
}

// The leader serves the v1 APIs under /master/ too, as Mesos documents
// (USAGE: /api/v1/scheduler and /master/api/v1/scheduler), so that a
// client following a follower's Location literally reaches them.
func TestLeaderServesV1APIsUnderMaster(t *testing.T) {
	tm := startMaster(t, nil)
	code, _, body := followerDo(t, "POST", tm.srv.URL+"/master/api/v1", `{"type":"GET_HEALTH"}`)
	if code != http.StatusOK || !strings.Contains(body, `"healthy":true`) {
		t.Errorf("POST /master/api/v1 GET_HEALTH: %d %q", code, body)
	}
	// An empty scheduler call: the scheduler API's own 400, not a 404.
	code, _, body = followerDo(t, "POST", tm.srv.URL+"/master/api/v1/scheduler", `{}`)
	if code != http.StatusBadRequest || !strings.Contains(body, "scheduler::Call") {
		t.Errorf("POST /master/api/v1/scheduler {}: %d %q", code, body)
	}
	// GET on the leader: 405, as Mesos's method check.
	for _, p := range []string{"/api/v1/scheduler", "/master/api/v1/scheduler", "/api/v1", "/master/api/v1"} {
		if code, _, body := followerDo(t, "GET", tm.srv.URL+p, ""); code != http.StatusMethodNotAllowed {
			t.Errorf("GET %s on the leader: %d %q", p, code, body)
		}
	}
	// The leader's /master/redirect points at itself.
	if code, loc, _ := followerDo(t, "GET", tm.srv.URL+"/redirect", ""); code != http.StatusTemporaryRedirect || loc != "//"+tm.cfg.IP+":"+itoa(tm.cfg.Port) {
		t.Errorf("/redirect on the leader: %d %q", code, loc)
	}
}
