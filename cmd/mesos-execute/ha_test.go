package main

import (
	"bytes"

	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/zk/zktest"
)

// mesos-execute with --master=zk://... against three real masters and a
// real agent (processes, with a real ZooKeeper): the leading master is
// killed while the task runs; mesos-execute re-subscribes with its
// framework id to the master elected next and exits 0 with the task's
// TASK_FINISHED.

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

type daemon struct {
	name, addr string
	cmd        *exec.Cmd
	out        *lockedBuffer
	done       chan struct{}
}

func (d *daemon) kill() {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Kill()
	<-d.done
}

// distinctPorts picks n free ports, holding each until all are picked:
// picked one after the other (freeAddr), the kernel may hand a port out
// again before the process it was picked for binds it.
func distinctPorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

func freeAddr(t *testing.T) (string, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	return "127.0.0.1:" + strconv.Itoa(port), port
}

func startDaemon(t *testing.T, name, addr, bin string, args ...string) *daemon {
	t.Helper()
	d := &daemon{name: name, addr: addr, out: &lockedBuffer{}, done: make(chan struct{})}
	d.cmd = exec.Command(bin, args...)
	d.cmd.Stdout, d.cmd.Stderr = d.out, d.out
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = d.cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(func() {
		if d.cmd.Process != nil {
			// The agent's executors run in its process group.
			_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		}
		d.kill()
		if t.Failed() {
			t.Logf("%s output:\n%s", name, d.out.String())
		}
	})
	return d
}

func leads(addr string) bool {
	c := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Post("http://"+addr+"/api/v1", "application/json", strings.NewReader(`{"type":"GET_HEALTH"}`))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func waitUntil(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestExecuteSurvivesMasterFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs masters and an agent")
	}
	zks := zktest.Start(t)
	zkURL := zks.URL("/mesos")
	dir := t.TempDir()
	bins := map[string]string{}
	for _, name := range []string{"mesos-master", "mesos-agent"} {
		bins[name] = filepath.Join(dir, name)
		if out, err := exec.Command("go", "build", "-o", bins[name], "../"+name).CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	var masters []*daemon
	ports := distinctPorts(t, 4) // three masters and the agent
	for i, name := range []string{"m1", "m2", "m3"} {
		port := ports[i]
		addr := "127.0.0.1:" + strconv.Itoa(port)
		masters = append(masters, startDaemon(t, name, addr, bins["mesos-master"], "--ip=127.0.0.1", "--port="+strconv.Itoa(port),
			"--no-hostname_lookup", "--zk="+zkURL, "--quorum=2", "--zk_session_timeout=2secs",
			"--work_dir="+filepath.Join(dir, name), "--allocation_interval=100ms"))
	}
	var leader *daemon
	waitUntil(t, time.Minute, "a leading master", func() bool {
		for _, m := range masters {
			if leads(m.addr) {
				leader = m
				return true
			}
		}
		return false
	})
	agentPort := ports[3]
	agentAddr := "127.0.0.1:" + strconv.Itoa(agentPort)
	agent := startDaemon(t, "agent", agentAddr, bins["mesos-agent"], "--master="+zkURL, "--ip=127.0.0.1",
		"--port="+strconv.Itoa(agentPort), "--hostname=localhost", "--work_dir="+filepath.Join(dir, "agent"),
		"--isolation=posix/cpu,posix/mem", "--launcher=posix", "--no-switch_user", "--no-systemd_enable_support",
		"--registration_backoff_factor=100ms", "--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31099]")

	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"--master=" + zkURL, "--name=ha-task", "--command=sleep 6", "--resources=cpus:0.1;mem:32"}, nil, &stdout, &stderr)
	}()
	waitUntil(t, time.Minute, "TASK_RUNNING", func() bool { return strings.Contains(stdout.String(), "TASK_RUNNING") })
	killed := time.Now()
	leader.kill()
	waitUntil(t, 30*time.Second, "re-subscription", func() bool { return strings.Contains(stdout.String(), "Re-subscribed with ID") })
	resubscribed := time.Since(killed)
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("mesos-execute exited %d\nstdout:\n%s\nstderr:\n%s", c, stdout.String(), stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("mesos-execute did not finish\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "Received status update TASK_FINISHED for task 'ha-task'") {
		t.Errorf("no TASK_FINISHED:\n%s", out)
	}
	first := strings.SplitN(strings.SplitN(out, "Subscribed with ID ", 2)[1], "\n", 2)[0]
	if !strings.Contains(out, "Re-subscribed with ID "+first+"\n") {
		t.Errorf("did not re-subscribe as %s:\n%s", first, out)
	}
	if !strings.Contains(agent.out.String(), "Re-registered with master") {
		t.Errorf("the agent did not re-register:\n%s", agent.out.String())
	}
	t.Logf("mesos-execute re-subscribed %v after %s was killed", resubscribed.Round(time.Millisecond), leader.name)
	t.Log(out)
}
