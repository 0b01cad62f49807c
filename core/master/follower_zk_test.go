package master

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	zkcontender "github.com/gomesos/mesos/builtin/contender/zookeeper"
	zkdetector "github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
)

// Two masters elect one through a real ZooKeeper; what the other answers
// is Mesos's: the state documents and the APIs redirect to the leader,
// and a client that follows the redirect (curl -L, Go's http.Client)
// reads the leader's state, not an empty follower's.
func TestTwoMastersThroughZooKeeperFollowerRedirects(t *testing.T) {
	zks := zktest.Start(t)
	u, err := zk.ParseURL(zks.URL("/mesos"))
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	withZK := func(c *Config) {
		contender, err := zkcontender.New(zkcontender.Config{URL: u, SessionTimeout: 2 * time.Second, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		detector, err := zkdetector.New(zkdetector.Config{URL: u, SessionTimeout: 2 * time.Second, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		// Registered before startHAMaster's cleanup, so run after it:
		// the master withdraws before its ZooKeeper clients close.
		t.Cleanup(func() {
			_ = contender.Close(context.Background())
			_ = detector.Close(context.Background())
		})
		c.Contender, c.Detector = contender, detector
	}
	first := startHAMaster(t, withZK)
	until(t, "the first master leads", func() error {
		if first.currentRole() != roleLeading {
			return errors.New("not yet")
		}
		return nil
	})
	second := startHAMaster(t, withZK)
	until(t, "the second master knows the leader", func() error {
		if l := second.leader.Load(); l == nil || l.GetId() != first.ID() {
			return errors.New("not yet")
		}
		return nil
	})
	leaderBase := "//" + first.cfg.IP + ":" + itoa(first.cfg.Port)

	for _, c := range []struct{ method, path, want string }{
		{"GET", "/master/state", "/master/state"},
		{"GET", "/state.json", "/master/state.json"},
		{"GET", "/master/frameworks", "/master/frameworks"},
		{"POST", "/api/v1/scheduler", "/master/api/v1/scheduler"},
		{"POST", "/api/v1", "/master/api/v1"},
		{"GET", "/master/redirect", ""},
	} {
		code, loc, body := followerDo(t, c.method, second.srv.URL+c.path, `{"type":"GET_MASTER"}`)
		if code != http.StatusTemporaryRedirect || loc != leaderBase+c.want {
			t.Errorf("%s %s on the follower: %d %q (%q), want 307 %q", c.method, c.path, code, loc, body, leaderBase+c.want)
		}
	}
	// Followed, the redirect reads the leader's state.
	state := getJSON(t, second.srv.URL+"/state")
	if state["pid"] != first.pid || state["leader"] != first.pid || state["elected_time"] == nil {
		t.Errorf("followed /state: pid %v leader %v elected_time %v, want the leader's %s", state["pid"], state["leader"], state["elected_time"], first.pid)
	}
	// A POST followed to /master/api/v1 is served by the leader.
	req, _ := http.NewRequest("POST", second.srv.URL+"/api/v1", strings.NewReader(`{"type":"GET_MASTER"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := status(t, resp); code != http.StatusOK || !strings.Contains(body, first.ID()) {
		t.Errorf("GET_MASTER through the follower: %d %q", code, body)
	}
	if m := getJSON(t, second.srv.URL+"/metrics/snapshot"); m["master/elected"] != 0.0 {
		t.Errorf("follower master/elected %v", m["master/elected"])
	}
	if m := getJSON(t, first.srv.URL+"/metrics/snapshot"); m["master/elected"] != 1.0 {
		t.Errorf("leader master/elected %v", m["master/elected"])
	}
}
