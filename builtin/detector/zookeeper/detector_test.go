package zookeeper_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	gozk "github.com/go-zookeeper/zk"
	"google.golang.org/protobuf/proto"

	zkcontender "github.com/gomesos/mesos/builtin/contender/zookeeper"
	"github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/masterdetector/masterdetectortest"
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

func master(n int) *mesospb.MasterInfo {
	port := uint32(5050 + n)
	return &mesospb.MasterInfo{
		Id: proto.String(fmt.Sprintf("master-%d", n)), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(port),
		Pid: proto.String(fmt.Sprintf("master@127.0.0.1:%d", port)), Hostname: proto.String("localhost"), Version: proto.String("1.11.0"),
		Address: &mesospb.Address{Hostname: proto.String("localhost"), Ip: proto.String("127.0.0.1"), Port: proto.Int32(int32(port))},
	}
}

func detector(t testing.TB, url string, timeout time.Duration) *zookeeper.Detector {
	t.Helper()
	d, err := zookeeper.New(zookeeper.Config{URL: parse(t, url), SessionTimeout: timeout, Logger: logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

func client(t testing.TB, url string, timeout time.Duration, link *zktest.Link) *zk.Client {
	t.Helper()
	opts := zk.Options{SessionTimeout: timeout, Logger: logger(t)}
	if link != nil {
		opts.Dialer = link.Dial
	}
	c, err := zk.NewClient(parse(t, url), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func session(t testing.TB, c *zk.Client) *zk.Session {
	t.Helper()
	s, err := c.Session(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// candidate is a master contending through its own client.
type candidate struct {
	c     *zkcontender.Contender
	link  *zktest.Link
	lease string
}

func contend(t testing.TB, url string, timeout time.Duration, info *mesospb.MasterInfo) *candidate {
	t.Helper()
	link := zktest.NewLink()
	c, err := zkcontender.New(zkcontender.Config{Client: client(t, url, timeout, link), Logger: logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	resp, err := c.Contend(ctx(t), &mastercontender.ContendRequest{MasterInfo: info})
	if err != nil {
		t.Fatal(err)
	}
	return &candidate{c, link, resp.GetLease()}
}

func (m *candidate) withdraw(t testing.TB) {
	t.Helper()
	if _, err := m.c.Withdraw(ctx(t), &mastercontender.WithdrawRequest{Lease: m.lease}); err != nil {
		t.Fatal(err)
	}
}

// detects waits until d reports want (nil: no leader) and returns when.
func detects(t testing.TB, d masterdetector.MasterDetector, previous, want *mesospb.MasterInfo, within time.Duration) time.Time {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		resp, err := d.Detect(c, &masterdetector.DetectRequest{Previous: previous})
		if err != nil {
			t.Fatalf("waiting for leader %v: Detect = %v (last %v)", want.GetId(), err, previous.GetId())
		}
		if !masterdetector.Differs(resp.GetLeader(), want) {
			return time.Now()
		}
		previous = resp.GetLeader()
	}
}

func stays(t testing.TB, d masterdetector.MasterDetector, leader *mesospb.MasterInfo, for_ time.Duration) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), for_)
	defer cancel()
	resp, err := d.Detect(c, &masterdetector.DetectRequest{Previous: leader})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("leader changed from %v to %v (%v)", leader.GetId(), resp.GetLeader().GetId(), err)
	}
}

// The conformance suite, with leaders appointed by writing their znodes.
func TestConformance(t *testing.T) {
	srv := zktest.Start(t)
	admin := session(t, client(t, srv.URL("/"), 4*time.Second, nil))
	var n atomic.Int32
	paths := map[masterdetector.MasterDetector]string{}
	// appoint replaces the masters' znodes with leader's, in one
	// transaction: the detector sees one change.
	appoint := func(t *testing.T, path string, leader *mesospb.MasterInfo) {
		if err := zk.CreatePath(ctx(t), admin, path); err != nil {
			t.Fatal(err)
		}
		ms, err := zk.ListMembers(ctx(t), admin, path)
		if err != nil {
			t.Fatal(err)
		}
		var ops []any
		for _, m := range ms {
			ops = append(ops, &gozk.DeleteRequest{Path: zk.Join(path, m.Name), Version: -1})
		}
		if leader != nil {
			ops = append(ops, &gozk.CreateRequest{
				Path: path + "/json.info_", Data: mustJSON(t, leader), Acl: admin.ACL(), Flags: gozk.FlagSequence | gozk.FlagEphemeral,
			})
		}
		if len(ops) == 0 {
			return
		}
		if _, err := admin.Conn().Multi(ops...); err != nil {
			t.Fatal(err)
		}
	}
	fixture := func(leader *mesospb.MasterInfo) masterdetectortest.Fixture {
		return masterdetectortest.Fixture{
			Leader: leader,
			New: func(t *testing.T) masterdetector.MasterDetector {
				path := fmt.Sprintf("/conformance/%d", n.Add(1))
				appoint(t, path, leader)
				d := detector(t, srv.URL(path), 4*time.Second)
				if leader != nil {
					detects(t, d, nil, leader, 10*time.Second)
				}
				paths[d] = path
				return d
			},
			Appoint: func(t *testing.T, d masterdetector.MasterDetector, leader *mesospb.MasterInfo) {
				appoint(t, paths[d], leader)
			},
		}
	}
	masterdetectortest.Run(t, fixture(master(1)))
	t.Run("no leader", func(t *testing.T) { masterdetectortest.Run(t, fixture(nil)) })
}

// The detector follows an election among three masters: withdrawal,
// a leader's lost session, and all of them gone.
func TestFollowsElection(t *testing.T) {
	srv := zktest.Start(t)
	url := srv.URL("/mesos")
	d := detector(t, url, 2*time.Second)
	stays(t, d, nil, 300*time.Millisecond)

	var ms []*candidate
	for i := range 3 {
		ms = append(ms, contend(t, url, 2*time.Second, master(i)))
	}
	detects(t, d, nil, master(0), 5*time.Second)

	ms[0].withdraw(t)
	detects(t, d, master(0), master(1), 5*time.Second)

	start := time.Now()
	ms[1].link.Cut()
	at := detects(t, d, master(1), master(2), 10*time.Second)
	t.Logf("leader cut off; the next detected after %v", at.Sub(start).Round(time.Millisecond))

	ms[2].withdraw(t)
	detects(t, d, master(2), nil, 5*time.Second)
}

// Older Mesos masters' znodes: info_<seq> with binary MasterInfo, and a
// bare <seq> holding the UPID. The lowest sequence leads, whatever the
// format; other children are not masters.
func TestOldFormats(t *testing.T) {
	srv := zktest.Start(t)
	admin := session(t, client(t, srv.URL("/"), 4*time.Second, nil))
	if err := zk.CreatePath(ctx(t), admin, "/mesos/registry"); err != nil {
		t.Fatal(err)
	}
	create := func(name string, data []byte) string {
		p, err := admin.Conn().Create("/mesos/"+name, data, gozk.FlagSequence, admin.ACL())
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	create("other_", []byte("not a master"))
	bin, _ := proto.Marshal(master(1))
	first := create("info_", bin)
	upid := create("", []byte("master@10.0.0.2:5050"))
	create("json.info_", mustJSON(t, master(3)))

	d := detector(t, srv.URL("/mesos"), 4*time.Second)
	detects(t, d, nil, master(1), 5*time.Second)
	if err := admin.Conn().Delete(first, -1); err != nil {
		t.Fatal(err)
	}
	want, _ := zk.DecodeMasterInfo("", []byte("master@10.0.0.2:5050"))
	detects(t, d, master(1), want, 5*time.Second)
	if err := admin.Conn().Delete(upid, -1); err != nil {
		t.Fatal(err)
	}
	detects(t, d, want, master(3), 5*time.Second)
}

func mustJSON(t testing.TB, info *mesospb.MasterInfo) []byte {
	data, err := zk.EncodeMasterInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A leader's znode that cannot be read is no leader, until it changes.
func TestUnreadableLeader(t *testing.T) {
	srv := zktest.Start(t)
	admin := session(t, client(t, srv.URL("/"), 4*time.Second, nil))
	if err := zk.CreatePath(ctx(t), admin, "/mesos"); err != nil {
		t.Fatal(err)
	}
	bad, err := admin.Conn().Create("/mesos/json.info_", []byte("{not json"), gozk.FlagSequence, admin.ACL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Conn().Create("/mesos/json.info_", mustJSON(t, master(2)), gozk.FlagSequence, admin.ACL()); err != nil {
		t.Fatal(err)
	}
	d := detector(t, srv.URL("/mesos"), 4*time.Second)
	stays(t, d, nil, 500*time.Millisecond)
	if err := admin.Conn().Delete(bad, -1); err != nil {
		t.Fatal(err)
	}
	detects(t, d, nil, master(2), 5*time.Second)
}

// ZooKeeper down: the leader stands through a short restart, is unknown
// once the session times out, and is found again when ZooKeeper is back.
func TestZooKeeperOutage(t *testing.T) {
	srv := zktest.Start(t)
	url := srv.URL("/mesos")
	m := contend(t, url, 3*time.Second, master(1))
	d := detector(t, url, 3*time.Second)
	detects(t, d, nil, master(1), 5*time.Second)

	srv.Stop(t)
	srv.Start(t)
	stays(t, d, master(1), time.Second)

	srv.Kill(t)
	start := time.Now()
	detects(t, d, master(1), nil, 8*time.Second)
	if since := time.Since(start); since < 2*time.Second {
		t.Errorf("leader forgotten %v into the outage, before the session timeout", since)
	}
	srv.Start(t)
	// The master lost its candidacy with its session and contends again.
	resp, err := m.c.Contend(ctx(t), &mastercontender.ContendRequest{MasterInfo: master(1)})
	if err != nil {
		t.Fatal(err)
	}
	m.lease = resp.GetLease()
	detects(t, d, nil, master(1), 15*time.Second)
}

// With a three-server ensemble, losing one server (whichever the clients
// use) changes nothing: sessions move to the others.
func TestEnsembleServerLoss(t *testing.T) {
	ens := zktest.StartEnsemble(t)
	url := ens.URL("/mesos")
	m := contend(t, url, 4*time.Second, master(1))
	lost := make(chan string, 1)
	go func() {
		resp, err := m.c.Watch(ctx(t), &mastercontender.WatchRequest{Lease: m.lease})
		if err == nil {
			lost <- resp.GetReason()
		}
	}()
	d := detector(t, url, 4*time.Second)
	detects(t, d, nil, master(1), 5*time.Second)
	for i := range ens.Servers {
		ens.Servers[i].Kill(t)
		stays(t, d, master(1), 1500*time.Millisecond)
		ens.Servers[i].Start(t)
	}
	select {
	case r := <-lost:
		t.Fatalf("lease lost while the ensemble kept a quorum: %s", r)
	default:
	}
	m.withdraw(t)
	detects(t, d, master(1), nil, 5*time.Second)
}

func TestParams(t *testing.T) {
	if _, err := zookeeper.NewFromParams(map[string]string{"zk_session_timeout": "1secs"}); err == nil {
		t.Error("NewFromParams without zk succeeded")
	}
	d, err := zookeeper.NewFromParams(map[string]string{"zk": "zk://127.0.0.1:1/mesos"})
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := d.Detect(c, &masterdetector.DetectRequest{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Detect with ZooKeeper unreachable = %v", err)
	}
	if err := d.(*zookeeper.Detector).Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}
