package agent

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proctest"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// Tests that crash the agent for real: the agent runs as its own process
// (the built mesos-agent binary) and is SIGKILLed, so it neither
// unregisters nor destroys anything, as after a machine-level crash of the
// agent alone. Its executors are left to themselves until it comes back.

// agentProcess is a mesos-agent run as a child process.
type agentProcess struct {
	cmd  *exec.Cmd
	port int
	done chan struct{}
}

// freePort returns a TCP port nobody listens on (the restarted agent must
// come back on the port its executors know).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startAgentProcess starts the agent binary with the test agents' usual
// settings plus extra flags; its log goes to a file of the test.
func startAgentProcess(t *testing.T, masterAddr, work string, port int, extra ...string) *agentProcess {
	t.Helper()
	args := []string{
		"--master=" + masterAddr, "--work_dir=" + work, "--ip=127.0.0.1", "--hostname=localhost",
		fmt.Sprintf("--port=%d", port),
		"--resources=cpus:4;mem:2048;disk:4096;ports:[31000-31100]", "--attributes=rack:r1;zone:2",
		"--registration_backoff_factor=100ms", "--switch_user=false", "--systemd_enable_support=false",
	}
	cmd := exec.Command(binaries.agent, append(args, extra...)...)
	logFile, err := os.OpenFile(filepath.Join(t.TempDir(), "agent.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &agentProcess{cmd: cmd, port: port, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.crash()
		if t.Failed() || os.Getenv("AGENT_TEST_LOG") != "" {
			data, _ := os.ReadFile(logFile.Name())
			t.Logf("agent log:\n%s", data)
		}
	})
	return p
}

// crash SIGKILLs the agent (not its executors) and waits for it to go.
func (p *agentProcess) crash() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// metric reads one value of the agent's /metrics/snapshot (-1 if the
// agent does not answer).
func (p *agentProcess) metric(name string) float64 {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics/snapshot", p.port))
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var m map[string]float64
	if json.NewDecoder(resp.Body).Decode(&m) != nil {
		return -1
	}
	v, ok := m[name]
	if !ok {
		return -1
	}
	return v
}

func (p *agentProcess) waitRegistered(t *testing.T) {
	t.Helper()
	eventually(t, "agent registered", func() bool { return p.metric("slave/registered") == 1 })
}

// TestCrashReconnect: a checkpointing framework's command task survives a
// crash of its agent; the executor subscribes again to the restarted
// agent and the task's FINISHED (after the restart) reaches the
// scheduler, with RUNNING and FINISHED each seen once (by uuid).
func TestCrashReconnect(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	port := freePort(t)
	a := startAgentProcess(t, m.addr, work, port)
	a.waitRegistered(t)
	s := subscribeScheduler(t, m.addr, frameworkInfo("crash", true))
	o := s.offer()
	s.launch(o, commandTask("crashproof", "sleep 4", "cpus:0.1;mem:32"))
	var updates []*mesospb.TaskStatus
	for {
		st := s.update("crashproof")
		updates = append(updates, st)
		if st.GetState() == mesospb.TaskState_TASK_RUNNING {
			break
		}
	}
	a.crash()
	if len(executorPIDs(work)) != 1 {
		t.Fatalf("the executor did not survive the agent's crash: %v", proctest.Under(work))
	}
	b := startAgentProcess(t, m.addr, work, port)
	b.waitRegistered(t)
	updates = append(updates, s.taskUpdates("crashproof")...)
	got := distinctStates(t, updates)
	if !sameStates(got, mesospb.TaskState_TASK_STARTING, mesospb.TaskState_TASK_RUNNING, mesospb.TaskState_TASK_FINISHED) &&
		!sameStates(got, mesospb.TaskState_TASK_RUNNING, mesospb.TaskState_TASK_FINISHED) {
		t.Errorf("updates %v", got)
	}
	if last := updates[len(updates)-1]; last.GetSource() != mesospb.TaskStatus_SOURCE_EXECUTOR {
		t.Errorf("final update from %s: %s %q", last.GetSource(), last.GetReason(), last.GetMessage())
	}
	s.noMoreUpdates("crashproof", 2*time.Second)
	b.crash()
	checkNoProcesses(t, work)
}

// TestCrashNonCheckpointing: the executors of a framework that does not
// checkpoint are not recovered after an agent crash: the restarted agent
// kills what is left of them (an orphan container), and the scheduler
// hears the task is lost once the agent re-registers without it.
func TestCrashNonCheckpointing(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	port := freePort(t)
	a := startAgentProcess(t, m.addr, work, port)
	a.waitRegistered(t)
	s := subscribeScheduler(t, m.addr, frameworkInfo("fragile-crash", false))
	o := s.offer()
	s.launch(o, commandTask("fragile", "sleep 60", "cpus:0.1;mem:32"))
	s.waitState("fragile", mesospb.TaskState_TASK_RUNNING)
	a.crash()
	b := startAgentProcess(t, m.addr, work, port)
	b.waitRegistered(t)
	st := s.finalUpdate("fragile")
	if st.GetState() != mesospb.TaskState_TASK_LOST {
		t.Errorf("after the crash: %s %s %q", st.GetState(), st.GetReason(), st.GetMessage())
	}
	s.noMoreUpdates("fragile", 2*time.Second)
	// Only the agent itself may still run from the work directory.
	eventually(t, "orphan executor gone", func() bool { return len(proctest.Under(work)) == 1 })
	b.crash()
	checkNoProcesses(t, work)
}
