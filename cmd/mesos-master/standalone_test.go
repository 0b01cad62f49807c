package main

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStandaloneMaster runs a master without ZooKeeper: it leads at once
// and serves Mesos's endpoints, with its effective flags, its modules and
// its log file; SIGTERM stops it cleanly.
func TestStandaloneMaster(t *testing.T) {
	dir := t.TempDir()
	whitelist := filepath.Join(dir, "whitelist")
	if err := os.WriteFile(whitelist, []byte("agent1.example\nagent2.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := startMaster(t, "master",
		"--work_dir="+filepath.Join(dir, "work"), "--log_dir="+filepath.Join(dir, "log"),
		"--roles=web,batch", "--weights=web=2", "--allocation_interval=100ms", "--offer_timeout=30secs",
		"--whitelist=file://"+whitelist, "--cluster=test-cluster")
	m.waitHealthy(10 * time.Second)

	state := getJSON(m.url("/master/state"))
	if state == nil {
		t.Fatal("no /master/state")
	}
	if state["leader"] != m.pid() || state["pid"] != m.pid() || state["elected_time"] == nil {
		t.Errorf("state: leader %v pid %v elected_time %v, want %s leading", state["leader"], state["pid"], state["elected_time"], m.pid())
	}
	if state["cluster"] != "test-cluster" || state["hostname"] != "127.0.0.1" {
		t.Errorf("state: cluster %v hostname %v", state["cluster"], state["hostname"])
	}
	flags, _ := state["flags"].(map[string]any)
	if flags["roles"] != "web,batch" || flags["allocation_interval"] != "100ms" || flags["whitelist"] != whitelist {
		t.Errorf("state flags: %v", flags)
	}
	doc := getJSON(m.url("/flags"))
	if f, _ := doc["flags"].(map[string]any); f["work_dir"] != filepath.Join(dir, "work") || f["port"] == nil {
		t.Errorf("/flags: %v", doc)
	}
	metrics := getJSON(m.url("/metrics/snapshot"))
	if metrics["master/elected"] != 1.0 || metrics["modules/builtin/HierarchicalDRF/calls"] == nil {
		t.Errorf("metrics: elected %v, allocator calls %v", metrics["master/elected"], metrics["modules/builtin/HierarchicalDRF/calls"])
	}
	mods := getJSON(m.url("/modules"))
	if list, _ := mods["modules"].([]any); len(list) != 1 || list[0].(map[string]any)["name"] != "HierarchicalDRF" {
		t.Errorf("/modules: %v", mods)
	}
	roles := getJSON(m.url("/master/roles"))
	if !strings.Contains(strings.Join(roleNames(roles), ","), "web") {
		t.Errorf("/master/roles: %v", roles)
	}
	if code, loc, _ := request(t, "GET", m.url("/master/redirect"), "", ""); code != 307 || loc != "//"+m.addr {
		t.Errorf("/master/redirect: %d %q", code, loc)
	}
	if code, _, _ := request(t, "POST", m.url("/api/v1"), "application/json", `{"type":"GET_HEALTH"}`); code != 200 {
		t.Errorf("GET_HEALTH: %d", code)
	}
	// The log file is served as /master/log.
	logs, _ := filepath.Glob(filepath.Join(dir, "log", "mesos-master.*.log.INFO.*"))
	if len(logs) != 1 {
		t.Fatalf("log files %v", logs)
	}
	if data, _ := os.ReadFile(logs[0]); !strings.Contains(string(data), "master started") {
		t.Errorf("log file %s lacks the master's log", logs[0])
	}
	if code, _, body := request(t, "POST", m.url("/api/v1"), "application/json",
		`{"type":"READ_FILE","read_file":{"path":"/master/log","offset":0}}`); code != 200 || !strings.Contains(body, "data") {
		t.Errorf("READ_FILE /master/log: %d %s", code, body)
	}

	if err := m.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := m.waitExit(10 * time.Second); code != 0 {
		t.Errorf("exit code %d after SIGTERM\n%s", code, m.output.String())
	}
}

func roleNames(doc map[string]any) []string {
	var names []string
	list, _ := doc["roles"].([]any)
	for _, r := range list {
		if role, ok := r.(map[string]any); ok {
			names = append(names, role["name"].(string))
		}
	}
	return names
}

// TestPortInUse: a master whose port is taken fails at once.
func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	m := startProcess(t, "master", l.Addr().String(), "--ip=127.0.0.1", "--port="+strconv.Itoa(port), "--registry=in_memory")
	if code := m.waitExit(10 * time.Second); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if out := m.output.String(); !strings.Contains(out, "Address already in use") {
		t.Errorf("output does not say the address is in use:\n%s", out)
	}
}

// TestBadFlagsExit: the binary refuses bad flags with exit code 1 and a
// message on stderr.
func TestBadFlagsExit(t *testing.T) {
	m := startProcess(t, "master", "", "--zk=zk://127.0.0.1:1/mesos", "--work_dir="+t.TempDir())
	if code := m.waitExit(10 * time.Second); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if out := m.output.String(); !strings.Contains(out, "Need to specify --quorum for replicated log based registry when using ZooKeeper") {
		t.Errorf("output:\n%s", out)
	}
}
