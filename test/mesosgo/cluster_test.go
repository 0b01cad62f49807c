package mesosgo

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cluster is one bin/mesos-master and one bin/mesos-agent, started as an
// operator would (docs/OPERATOR.md flags) on free loopback ports.
type cluster struct {
	masterAddr string // host:port
	agentAddr  string // host:port
	agentDir   string // the agent's --work_dir
	master     *daemon
	agent      *daemon
}

// The agent's resources: enough for the example scheduler's default
// executor (mem 64) plus several tasks, and disk for a persistent volume.
const agentResources = "cpus:4;mem:2048;disk:2048;ports:[31000-31099]"

// startCluster starts the daemons and waits until the agent is registered
// and active. They are stopped, and their logs shown on failure, at cleanup.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	masterBin, agentBin := ourBinary(t, "mesos-master"), ourBinary(t, "mesos-agent")
	dir := t.TempDir()
	// Registered before the daemons' cleanups, so it runs after them.
	t.Cleanup(func() { killProcessesIn(t, dir) })
	masterPort, agentPort := freePort(t), freePort(t)
	c := &cluster{
		masterAddr: "127.0.0.1:" + strconv.Itoa(masterPort),
		agentAddr:  "127.0.0.1:" + strconv.Itoa(agentPort),
		agentDir:   filepath.Join(dir, "agent"),
	}
	c.master = startDaemon(t, dir, "master", masterBin,
		"--ip=127.0.0.1", "--port="+strconv.Itoa(masterPort), "--work_dir="+filepath.Join(dir, "master"),
		"--no-hostname_lookup", "--allocation_interval=100ms")
	c.agent = startDaemon(t, dir, "agent", agentBin,
		"--master="+c.masterAddr, "--ip=127.0.0.1", "--port="+strconv.Itoa(agentPort),
		"--hostname=localhost", "--work_dir="+c.agentDir, "--runtime_dir="+filepath.Join(dir, "agent-run"),
		"--launcher=posix", "--no-systemd_enable_support", "--registration_backoff_factor=100ms",
		"--resources="+agentResources)
	waitFor(t, time.Minute, "the agent to register with the master", func() bool {
		st, err := c.state()
		return err == nil && st.ActivatedSlaves == 1
	})
	return c
}

// schedulerURL is the master's v1 scheduler API endpoint.
func (c *cluster) schedulerURL() string { return "http://" + c.masterAddr + "/api/v1/scheduler" }

// masterState is the part of GET /master/state these tests check.
type masterState struct {
	ActivatedSlaves int              `json:"activated_slaves"`
	Frameworks      []stateFramework `json:"frameworks"`
	Completed       []stateFramework `json:"completed_frameworks"`
	Slaves          []struct {
		ID                string                     `json:"id"`
		ReservedResources map[string]json.RawMessage `json:"reserved_resources"`
	} `json:"slaves"`
}

type stateFramework struct {
	ID             string      `json:"id"`
	Name           string      `json:"name"`
	Active         bool        `json:"active"`
	FailoverTimout float64     `json:"failover_timeout"`
	Tasks          []stateTask `json:"tasks"`
	CompletedTasks []stateTask `json:"completed_tasks"`
}

type stateTask struct {
	ID    string `json:"id"`
	State string `json:"state"`
}

// state fetches and decodes GET /master/state.
func (c *cluster) state() (*masterState, error) {
	var st masterState
	return &st, getJSON("http://"+c.masterAddr+"/master/state", &st)
}

// agentFrameworks is how many frameworks the agent's GET /state lists
// (those with executors on it).
func (c *cluster) agentFrameworks() (int, error) {
	var st struct {
		Frameworks []json.RawMessage `json:"frameworks"`
	}
	err := getJSON("http://"+c.agentAddr+"/state", &st)
	return len(st.Frameworks), err
}

// getJSON decodes the JSON document at url into v.
func getJSON(url string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", url, err)
	}
	return nil
}

// mustState is state() for a test that cannot go on without it.
func (c *cluster) mustState(t *testing.T) *masterState {
	t.Helper()
	st, err := c.state()
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// framework finds a framework (active, inactive or completed) by id.
func (st *masterState) framework(id string) (stateFramework, bool) {
	for _, f := range append(append([]stateFramework(nil), st.Frameworks...), st.Completed...) {
		if f.ID == id {
			return f, true
		}
	}
	return stateFramework{}, false
}

// taskStates maps each of a framework's tasks, running or completed, to
// its state.
func (f stateFramework) taskStates() map[string]string {
	m := map[string]string{}
	for _, task := range append(append([]stateTask(nil), f.Tasks...), f.CompletedTasks...) {
		m[task.ID] = task.State
	}
	return m
}

// daemon is one of our binaries running as a child process.
type daemon struct {
	name string
	cmd  *exec.Cmd
	out  *os.File
	done chan struct{}
}

func startDaemon(t *testing.T, dir, name, bin string, args ...string) *daemon {
	t.Helper()
	d := &daemon{name: name, out: outputFile(t, dir, name), done: make(chan struct{})}
	d.cmd = exec.Command(bin, args...)
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	// Its own process group, so that stopping it also stops what it started.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		d.stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, readOutput(d.out))
		}
	})
	return d
}

// stop ends the daemon (SIGTERM, then SIGKILL) and waits for it.
func (d *daemon) stop() {
	pid := d.cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(15 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-d.done
	}
}

// killProcessesIn kills what still runs in dir once the daemons are gone:
// executors of checkpointing frameworks outlive their agent on purpose (a
// restarted agent recovers them; the example executor waits for its
// recovery timeout, 15 minutes), as with Apache Mesos, but nothing may
// outlive the test.
func killProcessesIn(t *testing.T, dir string) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Logf("cannot look for leftover processes: %v", err)
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if err != nil || !strings.HasPrefix(cwd, dir+string(filepath.Separator)) {
			continue
		}
		t.Logf("killing leftover process %d in %s", pid, strings.TrimSuffix(cwd, " (deleted)"))
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// freePort is a TCP port free on 127.0.0.1 at the time of the call.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitFor polls ok until it holds or the (generous: the machine is shared)
// deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// outputFile is a file in dir for a process's output (stdout and stderr),
// read back with readOutput.
func outputFile(t *testing.T, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatalf("output file for %s: %v", name, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readOutput is what a process wrote to its output file so far.
func readOutput(f *os.File) string {
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", f.Name(), err)
	}
	return string(b)
}

// currentUser is the user the frameworks register as: the agent runs
// tasks as the framework's user, and the tests need not run as root.
func currentUser(t *testing.T) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatalf("who runs the test: %v", err)
	}
	return u.Username
}
