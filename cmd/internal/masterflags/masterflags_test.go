package masterflags

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	zkcontender "github.com/gomesos/mesos/builtin/contender/zookeeper"
	"github.com/gomesos/mesos/core/flags"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
)

// load declares the master's flags and loads args.
func load(t *testing.T, args ...string) *Flags {
	t.Helper()
	fs := flags.NewFlagSet("mesos-master")
	f := Define(fs)
	fs.SetLogger(slog.New(slog.DiscardHandler))
	if err := fs.Load(flags.Sources{Args: args}); err != nil {
		t.Fatal(err)
	}
	if err := f.Check(); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParse(t *testing.T) {
	if w, err := parseWeights("a=2, b/c=0.5"); err != nil || w["a"] != 2 || w["b/c"] != 0.5 || len(w) != 2 {
		t.Errorf("parseWeights: %v %v", w, err)
	}
	for _, bad := range []string{"a", "a=0", "a=-1", "a=x", "*/x=1", "a=NaN"} {
		if _, err := parseWeights(bad); err == nil {
			t.Errorf("parseWeights(%q) accepted", bad)
		}
	}
	if r, err := parseRoles("a, b,,c"); err != nil || strings.Join(r, "|") != "a|b|c" {
		t.Errorf("parseRoles: %v %v", r, err)
	}
	if p, err := parsePercentage("25%"); err != nil || p != 0.25 {
		t.Errorf("parsePercentage: %v %v", p, err)
	}
	for _, bad := range []string{"25", "101%", "-1%", "x%"} {
		if _, err := parsePercentage(bad); err == nil {
			t.Errorf("parsePercentage(%q) accepted", bad)
		}
	}
}

// TestConfig turns flags into a master.Config.
func TestConfig(t *testing.T) {
	dir := t.TempDir()
	f := load(t, "--registry=in_memory", "--ip=127.0.0.1", "--port=0", "--hostname=master.example",
		"--advertise_port=6060", "--weights=web=3", "--roles=web", "--allocation_interval=250ms",
		"--recovery_agent_removal_limit=0%", "--log_dir="+filepath.Join(dir, "log"), "--quiet")
	log, err := f.OpenLog(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	l, err := f.Listen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg, release, err := f.Config(context.Background(), Setup{Log: log, Listener: l})
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	switch {
	case cfg.IP != "127.0.0.1" || cfg.Port != 6060 || cfg.Hostname != "master.example":
		t.Errorf("address %s:%d (%s)", cfg.IP, cfg.Port, cfg.Hostname)
	case cfg.Weights["web"] != 3 || len(cfg.Roles) != 1 || cfg.AllocationInterval != 250*time.Millisecond:
		t.Errorf("weights %v roles %v interval %v", cfg.Weights, cfg.Roles, cfg.AllocationInterval)
	case cfg.RecoveryAgentRemovalLimit <= 0 || cfg.RecoveryAgentRemovalLimit > 1e-300:
		t.Errorf("0%% removal limit became %v", cfg.RecoveryAgentRemovalLimit)
	case cfg.LogFile == "" || filepath.Dir(cfg.LogFile) != filepath.Join(dir, "log"):
		t.Errorf("log file %q", cfg.LogFile)
	case cfg.Flags["weights"] != "web=3" || cfg.Flags["registry"] != "in_memory":
		t.Errorf("flags %v", cfg.Flags)
	case cfg.Allocator == nil || cfg.Registrar == nil || cfg.AllocatorSnapshot == nil || cfg.Modules == nil:
		t.Error("missing allocator, registrar, snapshot or modules")
	case cfg.Contender != nil || cfg.Detector != nil:
		t.Error("a standalone master has a contender")
	}
}

// TestHTTPAuthentication: --authenticate_http_readwrite with the
// built-in basic authenticator and --credentials.
func TestHTTPAuthentication(t *testing.T) {
	f := load(t, "--registry=in_memory", "--ip=127.0.0.1", "--port=0", "--authenticate_http_readwrite",
		`--credentials={"credentials":[{"principal":"ops","secret":"s3cret"}]}`, "--quiet")
	log, _ := f.OpenLog(nil)
	l, err := f.Listen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg, release, err := f.Config(context.Background(), Setup{Log: log, Listener: l})
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if !cfg.AuthenticateReadWrite || cfg.AuthenticateReadOnly || cfg.Authenticate == nil {
		t.Fatalf("authentication not set up: %v %v", cfg.AuthenticateReadWrite, cfg.AuthenticateReadOnly)
	}
	req := httptestRequest("ops", "s3cret")
	if p, err := cfg.Authenticate(req); err != nil || p != "ops" {
		t.Errorf("good credentials: %q %v", p, err)
	}
	if _, err := cfg.Authenticate(httptestRequest("ops", "wrong")); err == nil {
		t.Error("bad credentials accepted")
	}

	g := load(t, "--registry=in_memory", "--port=0", "--authenticate_http_readonly", "--quiet")
	log, _ = g.OpenLog(nil)
	if _, _, err := g.Config(context.Background(), Setup{Log: log, Listener: l}); err == nil || !strings.Contains(err.Error(), "--credentials") {
		t.Errorf("basic authentication without credentials: %v", err)
	}
}

// TestQuorumStore: with --zk, the registry is read once --quorum masters
// contend.
func TestQuorumStore(t *testing.T) {
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
	store := newQuorumStore(registry.NewMemoryStore(), client, 2, slog.New(slog.DiscardHandler))

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	_, err = newQuorumStore(registry.NewMemoryStore(), client, 2, slog.New(slog.DiscardHandler)).Get(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "waiting for a quorum of 2 masters (0 contending)") {
		t.Fatalf("Get without a quorum: %v", err)
	}

	got := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := store.Get(ctx)
		got <- err
	}()
	for i := range 2 {
		select {
		case err := <-got:
			t.Fatalf("read with %d masters contending: %v", i, err)
		case <-time.After(300 * time.Millisecond):
		}
		// Each master has a session of its own.
		c, err := zkcontender.New(zkcontender.Config{URL: u, SessionTimeout: 2 * time.Second, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		info := &mesospb.MasterInfo{Id: proto.String(fmt.Sprint("m", i)), Ip: proto.Uint32(1), Port: proto.Uint32(5050),
			Hostname: proto.String("h"), Pid: proto.String("master@127.0.0.1:5050")}
		if _, err := c.Contend(context.Background(), &mastercontender.ContendRequest{MasterInfo: info}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("read with a quorum: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no read with a quorum contending")
	}
}

func httptestRequest(user, password string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "http://master/weights", nil)
	r.SetBasicAuth(user, password)
	return r
}

// configOf loads args and turns them into a master.Config.
func configOf(t *testing.T, args ...string) (master.Config, error) {
	t.Helper()
	f := load(t, append([]string{"--registry=in_memory", "--ip=127.0.0.1", "--port=0", "--quiet"}, args...)...)
	log, err := f.OpenLog(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	l, err := f.Listen(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	cfg, release, err := f.Config(context.Background(), Setup{Log: log, Listener: l})
	if err == nil {
		t.Cleanup(release)
	}
	return cfg, err
}

// TestAllocatorFlags: the allocator's flags become its settings, and the
// history bounds keep 0 as zero.
func TestAllocatorFlags(t *testing.T) {
	cfg, err := configOf(t)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !cfg.FilterGPUResources || len(cfg.FairSharingExcludedResourceNames) != 0:
		t.Errorf("defaults: filter GPU %v, excluded %v", cfg.FilterGPUResources, cfg.FairSharingExcludedResourceNames)
	case !reflect.DeepEqual(cfg.MinAllocatableResources, []map[string]float64{{"cpus": 0.01}, {"mem": 32}}):
		t.Errorf("default min allocatable %v", cfg.MinAllocatableResources)
	case cfg.MaxCompletedFrameworks != 50 || cfg.MaxCompletedTasksPerFramework != 1000:
		t.Errorf("default history %d %d", cfg.MaxCompletedFrameworks, cfg.MaxCompletedTasksPerFramework)
	}

	cfg, err = configOf(t, "--fair_sharing_excluded_resource_names=gpus, fpgas,,gpus", "--filter_gpu_resources=false",
		"--min_allocatable_resources=disk:1|cpus:1;mem:32;ports:1| mem : 64 ", "--max_completed_frameworks=0",
		"--max_completed_tasks_per_framework=0")
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]float64{{"disk": 1}, {"cpus": 1, "mem": 32, "ports": 1}, {"mem": 64}}
	switch {
	case cfg.FilterGPUResources || !reflect.DeepEqual(cfg.FairSharingExcludedResourceNames, []string{"gpus", "fpgas"}):
		t.Errorf("filter GPU %v, excluded %v", cfg.FilterGPUResources, cfg.FairSharingExcludedResourceNames)
	case !reflect.DeepEqual(cfg.MinAllocatableResources, want):
		t.Errorf("min allocatable %v, want %v", cfg.MinAllocatableResources, want)
	case cfg.MaxCompletedFrameworks != master.KeepNone || cfg.MaxCompletedTasksPerFramework != master.KeepNone:
		t.Errorf("0 history: %d %d, want KeepNone", cfg.MaxCompletedFrameworks, cfg.MaxCompletedTasksPerFramework)
	}

	cfg, err = configOf(t, "--max_completed_frameworks=7", "--max_completed_tasks_per_framework=9")
	if err != nil || cfg.MaxCompletedFrameworks != 7 || cfg.MaxCompletedTasksPerFramework != 9 {
		t.Errorf("history 7 9: %d %d %v", cfg.MaxCompletedFrameworks, cfg.MaxCompletedTasksPerFramework, err)
	}

	for _, bad := range []string{"cpus:-1", "cpus", "cpus:1:2", "cpus:x", "disk:1|ports:[1-2]"} {
		if _, err := configOf(t, "--min_allocatable_resources="+bad); err == nil || !strings.Contains(err.Error(), "--min_allocatable_resources") {
			t.Errorf("--min_allocatable_resources=%s: %v", bad, err)
		}
	}
}

func TestParseMinAllocatable(t *testing.T) {
	// An empty alternative sets no minimum, as in Mesos.
	if sets, err := parseMinAllocatable(""); err != nil || len(sets) != 1 || len(sets[0]) != 0 {
		t.Errorf("empty: %v %v", sets, err)
	}
	if sets, err := parseMinAllocatable("cpus:0.5;cpus:0.5"); err != nil || len(sets) != 1 || sets[0]["cpus"] != 1 {
		t.Errorf("repeated name: %v %v", sets, err)
	}
}
