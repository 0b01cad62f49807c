package failover

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sessionTimeout is the masters' --zk_session_timeout: the target
// is an election within 2 s with a 2 s session.
const sessionTimeout = 2 * time.Second

// master is one mesos-master process, restarted on the same address after
// a kill as a supervisor (systemd's Restart=always) would.
type master struct {
	name string
	addr string // 127.0.0.1:port
	args []string
	dir  string

	runs int
	cmd  *exec.Cmd
	done chan struct{} // closed when the current process has exited
}

// pid is the master's libprocess pid, as MasterInfo and /master/state name it.
func (m *master) pid() string { return "master@" + m.addr }

// newMaster configures a master contending through zkURL with --quorum=2
// and the replicated registry (ZooKeeper), as docs/DEPLOYMENT.md runs one.
func newMaster(tb testing.TB, name, dir, zkURL string) *master {
	tb.Helper()
	port := freePort(tb)
	m := &master{name: name, addr: "127.0.0.1:" + strconv.Itoa(port), dir: filepath.Join(dir, name)}
	m.args = []string{
		"--zk=" + zkURL,
		"--quorum=2",
		"--registry=replicated_log",
		"--zk_session_timeout=" + strconv.Itoa(int(sessionTimeout.Seconds())) + "secs",
		"--work_dir=" + filepath.Join(m.dir, "work"),
		"--ip=127.0.0.1",
		"--port=" + strconv.Itoa(port),
		"--no-hostname_lookup",
	}
	return m
}

// start runs the master; its output goes to <dir>/<name>-<run>.log.
func (m *master) start(tb testing.TB, binary string) {
	tb.Helper()
	if err := os.MkdirAll(m.dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	m.runs++
	out, err := os.Create(filepath.Join(m.dir, fmt.Sprintf("%s-%d.log", m.name, m.runs)))
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(binary, m.args...)
	cmd.Stdout, cmd.Stderr = out, out
	// Never outlive the benchmark, even when it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		tb.Fatalf("starting %s: %v", m.name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(done)
	}()
	m.cmd, m.done = cmd, done
}

// kill sends SIGKILL and waits until the process is gone.
func (m *master) kill() {
	if m.cmd == nil {
		return
	}
	select {
	case <-m.done:
		return
	default:
	}
	_ = m.cmd.Process.Signal(syscall.SIGKILL)
	<-m.done
}

// cpu is the CPU time the current process has used so far (user and
// system), from /proc; 0 when it cannot be read.
func (m *master) cpu() time.Duration {
	if m.cmd == nil || m.cmd.Process == nil {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", m.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which ends with the last ')'.
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times (100 on Linux).
const clockTicks = 100

// running reports whether the current process has not exited.
func (m *master) running() bool {
	select {
	case <-m.done:
		return false
	default:
		return m.cmd != nil
	}
}

// logTail is the end of the current run's log, for failure messages.
func (m *master) logTail() string {
	data, err := os.ReadFile(filepath.Join(m.dir, fmt.Sprintf("%s-%d.log", m.name, m.runs)))
	if err != nil {
		return err.Error()
	}
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// follows reports whether the master serves and names leaderPid as the
// leader in /master/state: a restarted master has joined the election.
func (m *master) follows(client *http.Client, leaderPid string) bool {
	state, err := getJSON(client, "http://"+m.addr+"/master/state")
	return err == nil && state["leader"] == leaderPid
}

// metric reads one value of the master's /metrics/snapshot.
func (m *master) metric(client *http.Client, name string) (float64, error) {
	snap, err := getJSON(client, "http://"+m.addr+"/metrics/snapshot")
	if err != nil {
		return 0, err
	}
	v, ok := snap[name].(float64)
	if !ok {
		return 0, fmt.Errorf("%s: no %s in /metrics/snapshot", m.name, name)
	}
	return v, nil
}

func getJSON(client *http.Client, url string) (map[string]any, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	return out, nil
}

// freePort is a port free on 127.0.0.1 now.
func freePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
