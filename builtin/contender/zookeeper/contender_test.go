package zookeeper_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gozk "github.com/go-zookeeper/zk"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/contender/zookeeper"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/mastercontender/mastercontendertest"
)

func logger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil)).With("test", t.Name())
	}
	return slog.New(slog.DiscardHandler)
}

func parse(t testing.TB, s string) zk.URL {
	t.Helper()
	u, err := zk.ParseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// master is a master at 127.0.0.1:port with every field tools read.
func master(n int) *mesospb.MasterInfo {
	port := uint32(5050 + n)
	return &mesospb.MasterInfo{
		Id: proto.String(fmt.Sprintf("master-%d", n)), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(port),
		Pid: proto.String(fmt.Sprintf("master@127.0.0.1:%d", port)), Hostname: proto.String("localhost"), Version: proto.String("1.11.0"),
		Address: &mesospb.Address{Hostname: proto.String("localhost"), Ip: proto.String("127.0.0.1"), Port: proto.Int32(int32(port))},
	}
}

// contender is a contender with its own client, cut off through link
// when one is given.
func contender(t testing.TB, url string, timeout time.Duration, link *zktest.Link) *zookeeper.Contender {
	t.Helper()
	cfg := zookeeper.Config{URL: parse(t, url), SessionTimeout: timeout, Logger: logger(t)}
	if link != nil {
		client, err := zk.NewClient(cfg.URL, zk.Options{SessionTimeout: timeout, Logger: cfg.Logger, Dialer: link.Dial})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { client.Close() })
		cfg.Client = client
	}
	c, err := zookeeper.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func contend(t testing.TB, c *zookeeper.Contender, info *mesospb.MasterInfo) string {
	t.Helper()
	resp, err := c.Contend(ctx(t), &mastercontender.ContendRequest{MasterInfo: info})
	if err != nil {
		t.Fatalf("Contend = %v", err)
	}
	return resp.GetLease()
}

// watchLost returns a channel that receives the lease's loss reason.
func watchLost(t testing.TB, c *zookeeper.Contender, lease string) <-chan string {
	lost := make(chan string, 1)
	go func() {
		resp, err := c.Watch(ctx(t), &mastercontender.WatchRequest{Lease: lease})
		if err != nil {
			lost <- "watch error: " + err.Error()
			return
		}
		lost <- resp.GetReason()
	}()
	return lost
}

func elected(t testing.TB, c *zookeeper.Contender, lease string, within time.Duration) {
	t.Helper()
	c2, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	if err := c.Elected(c2, lease); err != nil {
		t.Fatalf("Elected(%s) = %v", lease, err)
	}
}

func notElected(t testing.TB, c *zookeeper.Contender, lease string) {
	t.Helper()
	c2, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := c.Elected(c2, lease); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Elected(%s) = %v, want it not elected", lease, err)
	}
}

func TestConformance(t *testing.T) {
	srv := zktest.Start(t)
	var n atomic.Int32
	mastercontendertest.Run(t, mastercontendertest.Fixture{New: func(t *testing.T) mastercontender.MasterContender {
		return contender(t, srv.URL(fmt.Sprintf("/conformance/%d", n.Add(1))), 4*time.Second, nil)
	}})
}

// Three masters: the first to contend leads; when it withdraws the next
// does; when that one's session is lost (cut off from ZooKeeper) the last
// one does.
func TestElection(t *testing.T) {
	srv := zktest.Start(t)
	url := srv.URL("/mesos")
	links := []*zktest.Link{zktest.NewLink(), zktest.NewLink(), zktest.NewLink()}
	var cs []*zookeeper.Contender
	var leases []string
	for i, link := range links {
		c := contender(t, url, 2*time.Second, link)
		cs = append(cs, c)
		leases = append(leases, contend(t, c, master(i)))
	}
	elected(t, cs[0], leases[0], 5*time.Second)
	notElected(t, cs[1], leases[1])
	notElected(t, cs[2], leases[2])

	lost0 := watchLost(t, cs[0], leases[0])
	if _, err := cs[0].Withdraw(ctx(t), &mastercontender.WithdrawRequest{Lease: leases[0]}); err != nil {
		t.Fatal(err)
	}
	if r := <-lost0; r != "withdrawn" {
		t.Errorf("withdrawn lease lost because %q", r)
	}
	elected(t, cs[1], leases[1], 5*time.Second)
	notElected(t, cs[2], leases[2])

	// The leader is cut off: its lease is lost once its session times out
	// (it does not wait to hear ZooKeeper expire it), and the last master
	// leads once ZooKeeper expires the session.
	lost1 := watchLost(t, cs[1], leases[1])
	start := time.Now()
	links[1].Cut()
	select {
	case r := <-lost1:
		if !strings.Contains(r, "session") {
			t.Errorf("cut-off leader lost its lease because %q", r)
		}
		t.Logf("cut-off leader lost its lease after %v: %s", time.Since(start).Round(time.Millisecond), r)
	case <-time.After(6 * time.Second):
		t.Fatal("the cut-off leader keeps its lease")
	}
	elected(t, cs[2], leases[2], 10*time.Second)
	t.Logf("next leader elected %v after the cut", time.Since(start).Round(time.Millisecond))

	// Back on the network, it contends again and queues behind.
	links[1].Restore()
	again := contend(t, cs[1], master(1))
	notElected(t, cs[1], again)
}

// What tools written for Mesos read: json.info_<10 digits> znodes under
// the path holding the MasterInfo JSON with Mesos's field names.
func TestZnodeAsToolsSeeIt(t *testing.T) {
	srv := zktest.Start(t)
	c := contender(t, srv.URL("/mesos/cluster"), 4*time.Second, nil)
	contend(t, c, master(7))

	conn, _, err := gozk.Connect([]string{srv.Addr()}, 4*time.Second, func(c *gozk.Conn) { c.SetLogger(nopLogger{}) })
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	children, _, err := conn.Children("/mesos/cluster")
	if err != nil || len(children) != 1 {
		t.Fatalf("children = %v, %v", children, err)
	}
	if !regexp.MustCompile(`^json\.info_[0-9]{10}$`).MatchString(children[0]) {
		t.Fatalf("znode %q is not json.info_<10 digits>", children[0])
	}
	data, stat, err := conn.Get("/mesos/cluster/" + children[0])
	if err != nil {
		t.Fatal(err)
	}
	if stat.EphemeralOwner == 0 {
		t.Error("the znode is not ephemeral")
	}
	var doc struct {
		ID       string `json:"id"`
		IP       uint32 `json:"ip"`
		Port     int    `json:"port"`
		PID      string `json:"pid"`
		Hostname string `json:"hostname"`
		Version  string `json:"version"`
		Address  struct {
			Hostname string `json:"hostname"`
			IP       string `json:"ip"`
			Port     int    `json:"port"`
		} `json:"address"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("znode data %q: %v", data, err)
	}
	if doc.ID != "master-7" || doc.IP != 0x0100007f || doc.Port != 5057 || doc.PID != "master@127.0.0.1:5057" ||
		doc.Hostname != "localhost" || doc.Version != "1.11.0" ||
		doc.Address.Hostname != "localhost" || doc.Address.IP != "127.0.0.1" || doc.Address.Port != 5057 {
		t.Fatalf("znode data = %s", data)
	}
	acl, _, err := conn.GetACL("/mesos/cluster/" + children[0])
	if err != nil || len(acl) != 1 || acl[0].Scheme != "world" || acl[0].Perms != gozk.PermAll {
		t.Errorf("ACL without credentials = %+v, %v (want world:anyone all)", acl, err)
	}
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

// Contending again replaces the znode: only one stands for the master.
func TestContendAgainLeavesOneZnode(t *testing.T) {
	srv := zktest.Start(t)
	c := contender(t, srv.URL("/mesos"), 4*time.Second, nil)
	first := contend(t, c, master(1))
	second := contend(t, c, master(1))
	elected(t, c, second, 5*time.Second)
	observer := observer(t, srv.URL("/mesos"))
	if n, err := zk.Masters(ctx(t), observer, "/mesos"); err != nil || n != 1 {
		t.Fatalf("%d master znodes after contending twice (%v)", n, err)
	}
	if err := c.Elected(ctx(t), first); !errors.Is(err, zookeeper.ErrLeaseLost) {
		t.Fatalf("Elected(replaced lease) = %v", err)
	}
	if _, err := c.Withdraw(ctx(t), &mastercontender.WithdrawRequest{Lease: second}); err != nil {
		t.Fatal(err)
	}
	if n, _ := zk.Masters(ctx(t), observer, "/mesos"); n != 0 {
		t.Fatalf("%d master znodes after withdrawing", n)
	}
}

func observer(t testing.TB, url string) *zk.Session {
	t.Helper()
	client, err := zk.NewClient(parse(t, url), zk.Options{SessionTimeout: 4 * time.Second, Logger: logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	s, err := client.Session(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// An operator deleting the znode takes the lease away.
func TestDeletedZnodeLosesLease(t *testing.T) {
	srv := zktest.Start(t)
	c := contender(t, srv.URL("/mesos"), 4*time.Second, nil)
	lease := contend(t, c, master(1))
	lost := watchLost(t, c, lease)
	s := observer(t, srv.URL("/mesos"))
	ms, err := zk.ListMembers(ctx(t), s, "/mesos")
	if err != nil || len(ms) != 1 {
		t.Fatalf("members = %v, %v", ms, err)
	}
	if err := s.Conn().Delete("/mesos/"+ms[0].Name, -1); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-lost:
		if !strings.Contains(r, "deleted") {
			t.Errorf("lost because %q", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("lease not lost after its znode was deleted")
	}
}

// Contend waits for ZooKeeper; a restart within the session timeout keeps
// the candidacy; an outage longer than it loses it.
func TestZooKeeperOutage(t *testing.T) {
	srv := zktest.Start(t)
	srv.Stop(t)
	c := contender(t, srv.URL("/mesos"), 3*time.Second, nil)
	done := make(chan string, 1)
	go func() {
		resp, err := c.Contend(ctx(t), &mastercontender.ContendRequest{MasterInfo: master(1)})
		if err != nil {
			done <- ""
			return
		}
		done <- resp.GetLease()
	}()
	select {
	case <-done:
		t.Fatal("Contend answered while ZooKeeper is down")
	case <-time.After(500 * time.Millisecond):
	}
	srv.Start(t)
	var lease string
	select {
	case lease = <-done:
		if lease == "" {
			t.Fatal("Contend failed")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Contend did not answer once ZooKeeper was up")
	}
	lost := watchLost(t, c, lease)

	srv.Stop(t)
	srv.Start(t)
	select {
	case r := <-lost:
		t.Fatalf("lease lost across a quick restart: %s", r)
	case <-time.After(500 * time.Millisecond):
	}
	elected(t, c, lease, 10*time.Second)

	srv.Kill(t)
	select {
	case r := <-lost:
		if !strings.Contains(r, "timed out") {
			t.Errorf("lost because %q", r)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("lease kept through an outage longer than the session timeout")
	}
	srv.Start(t)
	elected(t, c, contend(t, c, master(1)), 15*time.Second)
}

func TestParams(t *testing.T) {
	if _, err := zookeeper.NewFromParams(map[string]string{}); err == nil {
		t.Error("NewFromParams without zk succeeded")
	}
	if _, err := zookeeper.NewFromParams(map[string]string{"zk": "zk://h/m", "other": "x"}); err == nil {
		t.Error("NewFromParams with an unknown parameter succeeded")
	}
	if _, err := zookeeper.NewFromParams(map[string]string{"zk": "zk://h/m", "zk_session_timeout": "10"}); err == nil {
		t.Error("NewFromParams with a bad duration succeeded")
	}
	c, err := zookeeper.NewFromParams(map[string]string{"zk": "zk://127.0.0.1:1/m", "zk_session_timeout": "2secs"})
	if err != nil {
		t.Fatal(err)
	}
	c.(*zookeeper.Contender).Close(context.Background())
	if _, err := c.Contend(context.Background(), &mastercontender.ContendRequest{MasterInfo: master(1)}); err == nil {
		t.Error("Contend after Close succeeded")
	}
	if _, err := c.Contend(context.Background(), &mastercontender.ContendRequest{}); err == nil {
		t.Error("Contend without a MasterInfo succeeded")
	}
}
