package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/schedulerclient"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
)

// High availability against a real ZooKeeper (core/zk/zktest; skipped
// only when ZooKeeper cannot be installed).

// zkSessionTimeout is the masters' --zk_session_timeout in these tests.
const zkSessionTimeout = "2secs"

// startHAMaster starts a master contending through url.
func startHAMaster(t *testing.T, name, url string, quorum int, dir string) *process {
	t.Helper()
	return startMaster(t, name, "--zk="+url, fmt.Sprintf("--quorum=%d", quorum), "--zk_session_timeout="+zkSessionTimeout,
		"--work_dir="+filepath.Join(dir, name), "--allocation_interval=100ms")
}

// waitForLeader waits until every master in ms agrees on a leader among
// them, which has recovered and serves; it returns it.
func waitForLeader(t *testing.T, ms []*process, d time.Duration) *process {
	t.Helper()
	var leader *process
	waitFor(t, d, "a leader", func() error {
		leader = nil
		var seen []string
		for _, m := range ms {
			// Each master's /master/redirect points at the leader it
			// knows (the leader's at itself); 503 while it knows none.
			resp, err := noRedirects.Get(m.url("/master/redirect"))
			if err != nil {
				return fmt.Errorf("%s: %v", m.name, err)
			}
			resp.Body.Close()
			to, ok := strings.CutPrefix(resp.Header.Get("Location"), "//")
			if resp.StatusCode != http.StatusTemporaryRedirect || !ok {
				return fmt.Errorf("%s: /master/redirect: %s", m.name, resp.Status)
			}
			pid := "master@" + to
			seen = append(seen, m.name+"->"+pid)
			if pid == m.pid() {
				leader = m
			}
		}
		if leader == nil {
			return fmt.Errorf("no leader among them: %v", seen)
		}
		for _, s := range seen {
			if !strings.HasSuffix(s, "->"+leader.pid()) {
				return fmt.Errorf("they disagree: %v", seen)
			}
		}
		if !leader.leading() {
			return fmt.Errorf("%s elected but not serving yet", leader.name)
		}
		return nil
	})
	return leader
}

func others(ms []*process, not *process) []*process {
	return slices.DeleteFunc(slices.Clone(ms), func(m *process) bool { return m == not })
}

// checkFollower checks what a master that does not lead answers.
func checkFollower(t *testing.T, f, leader *process) {
	t.Helper()
	base := "//" + leader.addr
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/scheduler", `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"f"}}}`},
		{"POST", "/api/v1", `{"type":"GET_STATE"}`},
		{"POST", "/internal/v1/agent", `{"type":"SUBSCRIBE"}`},
		{"POST", "/master/teardown", "frameworkId=x"},
		{"POST", "/master/reserve", "slaveId=x"},
		{"GET", "/master/maintenance/schedule", ""},
	} {
		// Mesos's Location names the path as the master process sees it:
		// /api/v1/... is /master/api/v1/... (our agent protocol keeps its).
		want := base + c.path
		if strings.HasPrefix(c.path, "/api/") {
			want = base + "/master" + c.path
		}
		code, loc, body := request(t, c.method, f.url(c.path), "application/json", c.body)
		if code != 307 || loc != want {
			t.Errorf("%s: %s %s: %d Location %q (%s), want 307 to %s", f.name, c.method, c.path, code, loc, body, want)
		}
	}
	if code, loc, _ := request(t, "GET", f.url("/master/redirect"), "", ""); code != 307 || loc != base {
		t.Errorf("%s: /master/redirect: %d %q, want 307 to %s", f.name, code, loc, base)
	}
	// The state documents are the leader's: a follower redirects them, as
	// Mesos 1.x does.
	if code, loc, _ := request(t, "GET", f.url("/master/state"), "", ""); code != 307 || loc != base+"/master/state" {
		t.Errorf("%s: /master/state: %d %q, want 307 to %s/master/state", f.name, code, loc, base)
	}
	flagsDoc := getJSON(f.url("/master/flags"))
	if flags, _ := flagsDoc["flags"].(map[string]any); flags["quorum"] != "2" || !strings.HasPrefix(fmt.Sprint(flags["zk"]), "zk://") {
		t.Errorf("%s: flags zk %v quorum %v", f.name, flags["zk"], flags["quorum"])
	}
	if m := getJSON(f.url("/metrics/snapshot")); m["master/elected"] != 0.0 {
		t.Errorf("%s: master/elected = %v", f.name, m["master/elected"])
	}
}

// TestHighAvailability: three masters elect one leader; the others
// redirect to it; a scheduler subscribed through a follower follows the
// leader and, when the leader is killed, re-subscribes with its framework
// id to the master elected next.
func TestHighAvailability(t *testing.T) {
	zks := zktest.Start(t)
	url := zks.URL("/mesos")
	dir := t.TempDir()
	var masters []*process
	for _, name := range []string{"m1", "m2", "m3"} {
		masters = append(masters, startHAMaster(t, name, url, 2, dir))
	}
	start := time.Now()
	leader := waitForLeader(t, masters, 30*time.Second)
	t.Logf("first election: %s leads, %v after the masters started", leader.name, time.Since(start).Round(time.Millisecond))
	if m := getJSON(leader.url("/metrics/snapshot")); m["master/elected"] != 1.0 {
		t.Errorf("leader: master/elected = %v", m["master/elected"])
	}
	if state := getJSON(leader.url("/master/state")); state["elected_time"] == nil {
		t.Error("the leader shows no elected_time")
	}
	followers := others(masters, leader)
	for _, f := range followers {
		checkFollower(t, f, leader)
	}

	// A scheduler subscribes through a follower and is redirected.
	ctx := withContext(t, time.Minute)
	info := &mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String("ha-test"), FailoverTimeout: proto.Float64(3600)}
	sess, err := schedulerclient.Subscribe(ctx, schedulerclient.Config{Master: followers[0].addr}, info)
	if err != nil {
		t.Fatalf("subscribe through %s: %v", followers[0].name, err)
	}
	defer sess.Close()
	frameworkID := sess.FrameworkID()
	if !hasFramework(leader, frameworkID) {
		t.Fatalf("the leader does not list framework %s", frameworkID)
	}

	// Kill the leader: another is elected within a few seconds.
	killed := time.Now()
	leader.kill()
	streamEnded := waitClosed(sess.Events(), 10*time.Second)
	next := waitForLeader(t, followers, 20*time.Second)
	election := time.Since(killed)
	t.Logf("failover: %s leads and serves %v after %s was killed (--zk_session_timeout=%s)",
		next.name, election.Round(time.Millisecond), leader.name, zkSessionTimeout)
	if !streamEnded {
		t.Error("the scheduler's stream did not end with its master")
	}
	if election > 15*time.Second {
		t.Errorf("failover took %v", election)
	}
	for _, f := range others(followers, next) {
		checkFollower(t, f, next)
	}

	// The scheduler re-subscribes with its id, through the follower left.
	info.Id = &mesospb.FrameworkID{Value: proto.String(frameworkID)}
	var again *schedulerclient.Session
	waitFor(t, 10*time.Second, "re-subscription", func() error {
		s, err := schedulerclient.Subscribe(ctx, schedulerclient.Config{Master: others(followers, next)[0].addr}, info)
		if err != nil {
			return err
		}
		again = s
		return nil
	})
	defer again.Close()
	if again.FrameworkID() != frameworkID {
		t.Errorf("re-subscribed as %s, want %s", again.FrameworkID(), frameworkID)
	}
	if !hasFramework(next, frameworkID) {
		t.Errorf("the new leader does not list framework %s", frameworkID)
	}
	t.Logf("re-subscribed %v after the kill", time.Since(killed).Round(time.Millisecond))
}

// hasFramework reports whether m's state lists an active framework id.
func hasFramework(m *process, id string) bool {
	state := getJSON(m.url("/master/state"))
	list, _ := state["frameworks"].([]any)
	for _, fw := range list {
		if fw, ok := fw.(map[string]any); ok && fw["id"] == id && fw["active"] == true {
			return true
		}
	}
	return false
}

// waitClosed drains events until the channel closes or d passes.
func waitClosed[T any](events <-chan T, d time.Duration) bool {
	timeout := time.After(d)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// TestLeaderExitsWhenItLosesZooKeeper: a leader whose ZooKeeper session
// ends (here: ZooKeeper stops) can no longer be sure it leads, and exits.
func TestLeaderExitsWhenItLosesZooKeeper(t *testing.T) {
	zks := zktest.Start(t)
	m := startHAMaster(t, "m1", zks.URL("/mesos"), 1, t.TempDir())
	waitForLeader(t, []*process{m}, 30*time.Second)
	zks.Stop(t)
	stopped := time.Now()
	code := m.waitExit(20 * time.Second)
	t.Logf("the leader exited %v after ZooKeeper stopped (--zk_session_timeout=%s)", time.Since(stopped).Round(time.Millisecond), zkSessionTimeout)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	out := m.output.String()
	// The detector (no leader) or the contender (candidacy lost) tells
	// first; either way the master says why it stops.
	if !strings.Contains(out, "Lost leadership... committing suicide!") ||
		!strings.Contains(out, "no master is elected any more") && !strings.Contains(out, "lost its candidacy") {
		t.Errorf("output does not say why:\n%s", out)
	}
}

// TestElectedMasterRefusesToLeadWithACorruptRegistry: an elected master
// that cannot read the registry in ZooKeeper exits rather than lead.
func TestElectedMasterRefusesToLeadWithACorruptRegistry(t *testing.T) {
	zks := zktest.Start(t)
	u, err := zk.ParseURL(zks.URL("/mesos"))
	if err != nil {
		t.Fatal(err)
	}
	client, err := zk.NewClient(u, zk.Options{SessionTimeout: 2 * time.Second, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx := withContext(t, 30*time.Second)
	sess, err := client.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := zk.CreatePath(ctx, sess, "/mesos"); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Conn().Create("/mesos/registry", []byte("not a registry"), 0, sess.ACL()); err != nil {
		t.Fatal(err)
	}
	m := startHAMaster(t, "m1", zks.URL("/mesos"), 1, t.TempDir())
	if code := m.waitExit(30 * time.Second); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if out := m.output.String(); !strings.Contains(out, "refuses to lead") || !strings.Contains(out, "registry is corrupt") {
		t.Errorf("output does not say why:\n%s", out)
	}
}
