package zkstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	gozk "github.com/go-zookeeper/zk"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/registry/zkstore"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
)

func logger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil)).With("test", t.Name())
	}
	return slog.New(slog.DiscardHandler)
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func open(t testing.TB, url string, opts zkstore.Options) *zkstore.Store {
	t.Helper()
	u, err := zk.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = logger(t)
	}
	if opts.SessionTimeout == 0 {
		opts.SessionTimeout = 4 * time.Second
	}
	s, err := zkstore.Open(u, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func get(t testing.TB, s registry.Store) *registry.Snapshot {
	t.Helper()
	snap, err := s.Get(ctx(t))
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	return snap
}

func set(t testing.TB, s registry.Store, data []byte, expected registry.Version) {
	t.Helper()
	if err := s.Set(ctx(t), data, expected); err != nil {
		t.Fatalf("Set(%d bytes, %d) = %v", len(data), expected, err)
	}
}

func random(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// children lists the registry znode's children (chunks).
func children(t testing.TB, srv *zktest.Standalone, path string) []string {
	t.Helper()
	conn, _, err := gozk.Connect([]string{srv.Addr()}, 4*time.Second, func(c *gozk.Conn) { c.SetLogger(nop{}) })
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c, _, err := conn.Children(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type nop struct{}

func (nop) Printf(string, ...any) {}

func TestVersionsAndConflicts(t *testing.T) {
	srv := zktest.Start(t)
	a := open(t, srv.URL("/mesos"), zkstore.Options{})
	if a.Path() != "/mesos/registry" {
		t.Errorf("Path = %s", a.Path())
	}
	if snap := get(t, a); snap.Version != 0 || len(snap.Data) != 0 {
		t.Fatalf("empty store: %+v", snap)
	}
	set(t, a, []byte("one"), 0)
	b := open(t, srv.URL("/mesos"), zkstore.Options{})
	if snap := get(t, b); snap.Version != 1 || string(snap.Data) != "one" {
		t.Fatalf("after the first write: %q at %d", snap.Data, snap.Version)
	}
	// A second master writing at a version it did not read conflicts.
	if err := b.Set(ctx(t), []byte("stale"), 0); !errors.Is(err, registry.ErrConflict) {
		t.Fatalf("Set at version 0 over version 1 = %v", err)
	}
	set(t, a, []byte("two"), 1)
	if err := b.Set(ctx(t), []byte("stale"), 1); !errors.Is(err, registry.ErrConflict) {
		t.Fatalf("Set at version 1 over version 2 = %v", err)
	} else {
		t.Log(err)
	}
	if err := b.Set(ctx(t), []byte("ahead"), 5); !errors.Is(err, registry.ErrConflict) {
		t.Fatalf("Set at version 5 over version 2 = %v", err)
	}
	set(t, b, nil, 2)
	if snap := get(t, a); snap.Version != 3 || len(snap.Data) != 0 {
		t.Fatalf("after an empty write: %q at %d", snap.Data, snap.Version)
	}
	a.Close()
	if _, err := a.Get(ctx(t)); !errors.Is(err, registry.ErrClosed) {
		t.Fatalf("Get after Close = %v", err)
	}
	if err := a.Set(ctx(t), nil, 3); !errors.Is(err, registry.ErrClosed) {
		t.Fatalf("Set after Close = %v", err)
	}
}

// A registry larger than a znode is chunked; the chunks of a write are
// deleted by the next one, and so are chunks a crashed writer left.
func TestChunking(t *testing.T) {
	srv := zktest.Start(t)
	s := open(t, srv.URL("/mesos"), zkstore.Options{})
	big := random(t, 3<<20) // incompressible: 4 chunks
	set(t, s, big, 0)
	if got := get(t, s); got.Version != 1 || !bytes.Equal(got.Data, big) {
		t.Fatalf("read back %d bytes at version %d", len(got.Data), got.Version)
	}
	first := children(t, srv, "/mesos/registry")
	if len(first) != 4 {
		t.Fatalf("chunks = %v", first)
	}

	// A writer that crashed between its chunks and its commit.
	admin := session(t, srv.URL("/"))
	if _, err := admin.Conn().Create("/mesos/registry/wcrashed-00000", random(t, 1000), 0, admin.ACL()); err != nil {
		t.Fatal(err)
	}
	bigger := random(t, 5<<20)
	set(t, s, bigger, 1)
	if got := get(t, s); got.Version != 2 || !bytes.Equal(got.Data, bigger) {
		t.Fatalf("read back %d bytes at version %d", len(got.Data), got.Version)
	}
	second := children(t, srv, "/mesos/registry")
	if len(second) != 7 {
		t.Fatalf("after the second write: chunks = %v", second)
	}
	for _, c := range second {
		if strings.HasPrefix(c, strings.TrimSuffix(first[0], "-00000")) || strings.HasPrefix(c, "wcrashed") {
			t.Fatalf("chunk %s of an earlier write is left", c)
		}
	}
	set(t, s, []byte("small again"), 2)
	if c := children(t, srv, "/mesos/registry"); len(c) != 0 {
		t.Fatalf("after an inline write: chunks = %v", c)
	}
}

func session(t testing.TB, url string) *zk.Session {
	t.Helper()
	u, _ := zk.ParseURL(url)
	c, err := zk.NewClient(u, zk.Options{SessionTimeout: 4 * time.Second, Logger: logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := c.Session(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Two masters writing chunked registries at once: one wins, the other
// conflicts, and the winner's registry reads back whole.
func TestConcurrentWriters(t *testing.T) {
	srv := zktest.Start(t)
	a := open(t, srv.URL("/mesos"), zkstore.Options{ChunkSize: 64 << 10})
	b := open(t, srv.URL("/mesos"), zkstore.Options{ChunkSize: 64 << 10})
	set(t, a, []byte("base"), 0)
	for round := range 5 {
		base := get(t, a).Version
		da, db := random(t, 1<<20), random(t, 1<<20)
		errs := make(chan error, 2)
		go func() { errs <- a.Set(ctx(t), da, base) }()
		go func() { errs <- b.Set(ctx(t), db, base) }()
		e1, e2 := <-errs, <-errs
		wins := 0
		for _, err := range []error{e1, e2} {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, registry.ErrConflict):
				t.Fatalf("round %d: Set = %v", round, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d writers won (%v, %v)", round, wins, e1, e2)
		}
		got := get(t, b)
		if got.Version != base+1 || !bytes.Equal(got.Data, da) && !bytes.Equal(got.Data, db) {
			t.Fatalf("round %d: read %d bytes at version %d, neither write", round, len(got.Data), got.Version)
		}
	}
	set(t, a, []byte("done"), get(t, a).Version)
	if c := children(t, srv, "/mesos/registry"); len(c) != 0 {
		t.Fatalf("chunks left behind: %v", c)
	}
}

func TestCorruption(t *testing.T) {
	srv := zktest.Start(t)
	s := open(t, srv.URL("/mesos"), zkstore.Options{})
	admin := session(t, srv.URL("/"))

	set(t, s, random(t, 2<<20), 0)
	chunks := children(t, srv, "/mesos/registry")
	if err := admin.Conn().Delete("/mesos/registry/"+chunks[1], -1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx(t)); !errors.Is(err, registry.ErrCorrupt) {
		t.Fatalf("Get with a chunk missing = %v", err)
	}
	data, _, err := admin.Conn().Get("/mesos/registry/" + chunks[0])
	if err != nil {
		t.Fatal(err)
	}
	data[100] ^= 0xff
	if err := admin.Conn().Delete("/mesos/registry/"+chunks[0], -1); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Conn().Create("/mesos/registry/"+chunks[0], data, 0, admin.ACL()); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Conn().Create("/mesos/registry/"+chunks[1], make([]byte, 768<<10), 0, admin.ACL()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx(t)); !errors.Is(err, registry.ErrCorrupt) {
		t.Fatalf("Get with a damaged chunk = %v", err)
	}
	for _, bad := range [][]byte{[]byte("something else"), []byte("gomesos-registry/1\n{\"version\":2"), nil} {
		if _, err := admin.Conn().Set("/mesos/registry", bad, -1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx(t)); !errors.Is(err, registry.ErrCorrupt) {
			t.Fatalf("Get of %q = %v", bad, err)
		}
	}
}

// The registry outlives a ZooKeeper restart, and a write during an outage
// fails (it is not lost silently).
func TestZooKeeperRestart(t *testing.T) {
	srv := zktest.Start(t)
	s := open(t, srv.URL("/mesos"), zkstore.Options{SessionTimeout: 2 * time.Second})
	data := random(t, 1<<20)
	set(t, s, data, 0)
	srv.Kill(t)
	c, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.Set(c, []byte("during the outage"), 1); err == nil {
		t.Fatal("Set during an outage succeeded")
	}
	srv.Start(t)
	got := get(t, s)
	if got.Version != 1 || !bytes.Equal(got.Data, data) {
		t.Fatalf("after the restart: %d bytes at version %d", len(got.Data), got.Version)
	}
	set(t, s, []byte("after"), 1)
}

// agents is a registry of n admitted agents like real ones.
func agents(n int) *registrypb.Registry {
	reg := &registrypb.Registry{
		Master: &registrypb.Registry_Master{Info: &mesospb.MasterInfo{
			Id: proto.String("m"), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(5050),
		}},
		Agents: &registrypb.Registry_Agents{},
	}
	scalar := func(name string, v float64) *mesospb.Resource {
		return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
	}
	for i := range n {
		id := fmt.Sprintf("0f3a1c5e-8d2b-4e61-9a7c-%012d-S%d", i*7919, i)
		reg.Agents.Agents = append(reg.Agents.Agents, &registrypb.Registry_Agent{Info: &mesospb.AgentInfo{
			Hostname: proto.String(fmt.Sprintf("agent-%05d.rack%02d.dc1.example.com", i, i%40)),
			Port:     proto.Int32(5051),
			Id:       &mesospb.AgentID{Value: proto.String(id)},
			Resources: []*mesospb.Resource{
				scalar("cpus", float64(8+i%24)), scalar("mem", float64(32768+i%7*1024)), scalar("disk", 917504),
				{Name: proto.String("ports"), Type: mesospb.Value_RANGES.Enum(), Ranges: &mesospb.Value_Ranges{
					Range: []*mesospb.Value_Range{{Begin: proto.Uint64(31000), End: proto.Uint64(32000)}},
				}},
			},
			Attributes: []*mesospb.Attribute{
				{Name: proto.String("rack"), Type: mesospb.Value_TEXT.Enum(), Text: &mesospb.Value_Text{Value: proto.String(fmt.Sprintf("r%d", i%40))}},
				{Name: proto.String("zone"), Type: mesospb.Value_TEXT.Enum(), Text: &mesospb.Value_Text{Value: proto.String("eu-west-1b")}},
			},
		}})
	}
	return reg
}

// The 50,000-agent registry (about 9 MB) round-trips, and a registrar
// recovers from it and admits one more agent.
func TestLargeRegistry(t *testing.T) {
	srv := zktest.Start(t)
	s := open(t, srv.URL("/mesos"), zkstore.Options{})
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(agents(50_000))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	set(t, s, data, 0)
	wrote := time.Since(start)
	start = time.Now()
	got := get(t, s)
	read := time.Since(start)
	if !bytes.Equal(got.Data, data) {
		t.Fatalf("read back %d bytes of %d", len(got.Data), len(data))
	}
	t.Logf("registry of 50000 agents: %.1f MB, %d chunks; write %v, read %v",
		float64(len(data))/(1<<20), len(children(t, srv, "/mesos/registry")), wrote.Round(time.Millisecond), read.Round(time.Millisecond))

	r := registry.New(registry.Config{Store: s, Logger: logger(t)})
	defer r.Close()
	reg, err := r.Recover(ctx(t), &mesospb.MasterInfo{Id: proto.String("m2"), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(5050)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(reg.GetAgents().GetAgents()); n != 50_000 {
		t.Fatalf("recovered %d agents", n)
	}
	if err := r.Apply(ctx(t), &registry.AdmitAgent{Info: &mesospb.AgentInfo{
		Hostname: proto.String("new.example.com"), Id: &mesospb.AgentID{Value: proto.String("new-S1")},
	}}); err != nil {
		t.Fatal(err)
	}
	final := get(t, open(t, srv.URL("/mesos"), zkstore.Options{}))
	back := &registrypb.Registry{}
	if err := proto.Unmarshal(final.Data, back); err != nil || len(back.GetAgents().GetAgents()) != 50_001 || final.Version != 3 {
		t.Fatalf("after admitting: version %d, %d agents, %v", final.Version, len(back.GetAgents().GetAgents()), err)
	}
}

// BenchmarkSetLargeRegistry writes the 50,000-agent registry.
func BenchmarkSetLargeRegistry(b *testing.B) {
	srv := zktest.Start(b)
	s := open(b, srv.URL("/mesos"), zkstore.Options{})
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(agents(50_000))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	v := registry.Version(0)
	for b.Loop() {
		if err := s.Set(context.Background(), data, v); err != nil {
			b.Fatal(err)
		}
		v++
	}
}
