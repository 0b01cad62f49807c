package zk_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	gozk "github.com/go-zookeeper/zk"

	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
)

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("test", t.Name())
	}
	return slog.New(slog.DiscardHandler)
}

func newClient(t *testing.T, url string, timeout time.Duration, link *zktest.Link) *zk.Client {
	t.Helper()
	u, err := zk.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opts := zk.Options{SessionTimeout: timeout, Logger: testLogger(t)}
	if link != nil {
		opts.Dialer = link.Dial
	}
	c, err := zk.NewClient(u, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func session(t *testing.T, c *zk.Client) *zk.Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := c.Session(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ended(t *testing.T, s *zk.Session, within time.Duration, want error) {
	t.Helper()
	select {
	case <-s.Done():
		if !errors.Is(s.Err(), want) {
			t.Fatalf("session ended with %v, want %v", s.Err(), want)
		}
	case <-time.After(within):
		t.Fatalf("session still alive after %v", within)
	}
}

func TestSessionLifecycle(t *testing.T) {
	srv := zktest.Start(t)
	ctx := context.Background()

	c := newClient(t, srv.URL("/mesos/a/b"), 4*time.Second, nil)
	s := session(t, c)
	if err := zk.CreatePath(ctx, s, "/mesos/a/b"); err != nil {
		t.Fatal(err)
	}
	if err := zk.CreatePath(ctx, s, "/mesos/a/b"); err != nil {
		t.Fatalf("CreatePath again = %v", err)
	}
	path, err := s.Conn().Create("/mesos/a/b/json.info_", []byte("{}"), gozk.FlagEphemeral|gozk.FlagSequence, s.ACL())
	if err != nil {
		t.Fatal(err)
	}
	owned, err := zk.OwnedMembers(ctx, s, "/mesos/a/b")
	if err != nil || len(owned) != 1 || zk.Join("/mesos/a/b", owned[0].Name) != path {
		t.Fatalf("OwnedMembers = %+v, %v (created %s)", owned, err, path)
	}
	if s.Timeout() != 4*time.Second {
		t.Errorf("negotiated timeout = %v", s.Timeout())
	}
	// The server grants at most its maxSessionTimeout (60s in the
	// scripts' configuration); the client learns what it granted.
	long := session(t, newClient(t, srv.URL("/"), 100*time.Second, nil))
	for deadline := time.Now().Add(time.Second); long.Timeout() != time.Minute && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if long.Timeout() != time.Minute {
		t.Errorf("timeout granted for 100s = %v, want 1m", long.Timeout())
	}

	other := session(t, newClient(t, srv.URL("/mesos/a/b"), 4*time.Second, nil))
	if n, err := zk.Masters(ctx, other, "/mesos/a/b"); err != nil || n != 1 {
		t.Fatalf("Masters = %d, %v", n, err)
	}
	// Closing ends the session, and ZooKeeper deletes its znodes at once.
	c.Close()
	ended(t, s, time.Second, zk.ErrClosed)
	if ok, _, err := other.Conn().Exists(path); err != nil || ok {
		t.Fatalf("Exists(%s) after Close = %v, %v", path, ok, err)
	}
	if _, err := c.Session(ctx); !errors.Is(err, zk.ErrClosed) {
		t.Fatalf("Session after Close = %v", err)
	}
}

// A client cut off for longer than the session timeout gives its session
// up without waiting to hear ZooKeeper expire it, then starts a new one.
func TestSessionTimesOutWhenCutOff(t *testing.T) {
	srv := zktest.Start(t)
	link := zktest.NewLink()
	c := newClient(t, srv.URL("/"), 2*time.Second, link)
	s := session(t, c)

	start := time.Now()
	link.Cut()
	ended(t, s, 5*time.Second, zk.ErrSessionTimedOut)
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("session given up after %v, before its timeout", d)
	}
	if c.Current() != nil {
		t.Error("a session is current while cut off")
	}
	link.Restore()
	next := session(t, c)
	if next.ID() == s.ID() || !next.Alive() {
		t.Fatalf("after the link is back: session %x (old %x)", next.ID(), s.ID())
	}
}

// A short disconnection does not end the session.
func TestSessionSurvivesShortDisconnection(t *testing.T) {
	srv := zktest.Start(t)
	link := zktest.NewLink()
	c := newClient(t, srv.URL("/"), 4*time.Second, link)
	s := session(t, c)
	link.Cut()
	time.Sleep(time.Second)
	link.Restore()
	if _, _, err := zk.Call2(context.Background(), func() (bool, *gozk.Stat, error) { return s.Conn().Exists("/") }); err != nil {
		// The first call may meet the broken connection; the next not.
		if _, _, err := s.Conn().Exists("/"); err != nil {
			t.Fatal(err)
		}
	}
	if !s.Alive() || session(t, c) != s {
		t.Fatalf("session ended after a short disconnection: %v", s.Err())
	}
}

// A server restart within the session timeout keeps the session; an outage
// longer than it does not.
func TestServerRestartAndOutage(t *testing.T) {
	srv := zktest.Start(t)
	c := newClient(t, srv.URL("/"), 6*time.Second, nil)
	s := session(t, c)

	srv.Stop(t)
	srv.Start(t)
	if _, err := zk.Call(context.Background(), func() (string, error) {
		return s.Conn().Create("/probe", nil, gozk.FlagEphemeral, s.ACL())
	}); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
	if !s.Alive() {
		t.Fatalf("session ended across a quick restart: %v", s.Err())
	}

	srv.Kill(t)
	ended(t, s, 10*time.Second, zk.ErrSessionTimedOut)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := c.Session(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Session while ZooKeeper is down = %v", err)
	}
	srv.Start(t)
	next := session(t, c)
	if next.ID() == s.ID() {
		t.Fatal("the session given up was handed out again")
	}
}

// With credentials, znodes are world-readable and only their creator may
// change them, as Mesos sets them.
func TestDigestAuthAndACL(t *testing.T) {
	srv := zktest.Start(t)
	ctx := context.Background()
	owner := session(t, newClient(t, "zk://jo:secret@"+srv.ConnectString()+"/mesos", 4*time.Second, nil))
	if err := zk.CreatePath(ctx, owner, "/mesos/x"); err != nil {
		t.Fatal(err)
	}
	acl, _, err := owner.Conn().GetACL("/mesos/x")
	if err != nil {
		t.Fatal(err)
	}
	if len(acl) != 2 || acl[0].Scheme != "world" || acl[0].Perms != gozk.PermRead || acl[1].Scheme != "digest" || acl[1].ID[:3] != "jo:" {
		t.Fatalf("ACL = %+v", acl)
	}
	if _, err := owner.Conn().Set("/mesos/x", []byte("mine"), -1); err != nil {
		t.Fatal(err)
	}

	anonymous := session(t, newClient(t, srv.URL("/mesos"), 4*time.Second, nil))
	if data, _, err := anonymous.Conn().Get("/mesos/x"); err != nil || string(data) != "mine" {
		t.Fatalf("anonymous read = %q, %v", data, err)
	}
	if _, err := anonymous.Conn().Set("/mesos/x", []byte("theirs"), -1); !errors.Is(err, gozk.ErrNoAuth) {
		t.Fatalf("anonymous write = %v, want ErrNoAuth", err)
	}
	wrong := session(t, newClient(t, "zk://jo:guess@"+srv.ConnectString()+"/mesos", 4*time.Second, nil))
	if err := wrong.Conn().Delete("/mesos/x", -1); !errors.Is(err, gozk.ErrNoAuth) {
		t.Fatalf("write with the wrong password = %v, want ErrNoAuth", err)
	}
}
