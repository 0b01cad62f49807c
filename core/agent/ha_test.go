package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/schedulerclient"
	"github.com/gomesos/mesos/core/zk/zktest"
)

// High availability with a real ZooKeeper (core/zk/zktest) and three real
// mesos-master processes: the agent, given --master=zk://..., registers
// with the leader; when the leader is killed it re-registers with the
// master elected next, with its task; the framework re-subscribes with
// its id and sees the task running and every later update.

// haMaster is a mesos-master process.
type haMaster struct {
	name, addr string
	cmd        *exec.Cmd
	out        *strings.Builder
	done       chan struct{}
}

func (m *haMaster) pid() string { return "master@" + m.addr }

func (m *haMaster) kill() {
	select {
	case <-m.done:
		return
	default:
	}
	_ = m.cmd.Process.Kill()
	<-m.done
}

// buildMaster builds mesos-master into dir.
func buildMaster(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "mesos-master")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/mesos-master")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build mesos-master: %v\n%s", err, out)
	}
	return bin
}

func startHAMaster(t *testing.T, bin, name, zkURL, dir string) *haMaster {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	m := &haMaster{name: name, addr: "127.0.0.1:" + strconv.Itoa(port), out: &strings.Builder{}, done: make(chan struct{})}
	m.cmd = exec.Command(bin, "--ip=127.0.0.1", "--port="+strconv.Itoa(port), "--no-hostname_lookup",
		"--zk="+zkURL, "--quorum=2", "--zk_session_timeout=2secs", "--work_dir="+filepath.Join(dir, name),
		"--allocation_interval=100ms")
	w := &lockedWriter{b: m.out}
	m.cmd.Stdout, m.cmd.Stderr = w, w
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		_ = m.cmd.Wait()
		close(m.done)
	}()
	t.Cleanup(func() {
		m.kill()
		if t.Failed() {
			w.mu.Lock()
			t.Logf("%s output:\n%s", name, m.out.String())
			w.mu.Unlock()
		}
	})
	// Wait until it listens: the port was free when picked, but the next
	// pick could be handed the same port before this master binds it.
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", m.addr, time.Second); err == nil {
			c.Close()
			break
		}
		select {
		case <-m.done:
			t.Fatalf("%s exited before listening", name)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen on %s", name, m.addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return m
}

type lockedWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// masterState is the part of /master/state the test reads.
type masterState struct {
	Leader string `json:"leader"`
	Slaves []struct {
		ID     string `json:"id"`
		Active bool   `json:"active"`
	} `json:"slaves"`
	Frameworks []struct {
		ID     string `json:"id"`
		Active bool   `json:"active"`
		Tasks  []struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"tasks"`
	} `json:"frameworks"`
}

func getState(addr string) (*masterState, error) {
	c := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get("http://" + addr + "/master/state")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/master/state: %s", resp.Status)
	}
	var s masterState
	return &s, json.NewDecoder(resp.Body).Decode(&s)
}

// leading reports whether m leads and serves (an operator call is
// answered, not redirected nor refused).
func (m *haMaster) leading() bool {
	c := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Post("http://"+m.addr+"/api/v1", "application/json", strings.NewReader(`{"type":"GET_HEALTH"}`))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func pollUntil(t *testing.T, d time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %v", d, what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitLeading(t *testing.T, ms []*haMaster, d time.Duration) *haMaster {
	t.Helper()
	var leader *haMaster
	pollUntil(t, d, "a leading master", func() error {
		for _, m := range ms {
			if m.leading() {
				leader = m
				return nil
			}
		}
		return fmt.Errorf("none of %d masters leads", len(ms))
	})
	return leader
}

// nextUpdate waits for the next status update of task, acknowledging it.
func nextUpdate(t *testing.T, ctx context.Context, s *schedulerclient.Session, task string, d time.Duration) *mesospb.TaskStatus {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("the scheduler's stream ended waiting for an update of %s: %v", task, s.Err())
			}
			if ev.GetType() != schedulerpb.Event_UPDATE || ev.GetUpdate().GetStatus().GetTaskId().GetValue() != task {
				continue
			}
			st := ev.GetUpdate().GetStatus()
			if len(st.GetUuid()) > 0 {
				if err := s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
					AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid,
				}}); err != nil {
					t.Errorf("acknowledge %s: %v", st.GetState(), err)
				}
			}
			return st
		case <-timeout:
			t.Fatalf("no update of %s within %v", task, d)
		}
	}
}

func TestAgentFollowsLeaderThroughZooKeeper(t *testing.T) {
	zks := zktest.Start(t)
	zkURL := zks.URL("/mesos")
	dir := t.TempDir()
	bin := buildMaster(t, dir)
	var masters []*haMaster
	for _, name := range []string{"m1", "m2", "m3"} {
		masters = append(masters, startHAMaster(t, bin, name, zkURL, dir))
	}
	leader := waitLeading(t, masters, 60*time.Second)
	t.Logf("%s leads", leader.name)

	// A --master given through a file, holding the zk:// URL.
	masterFile := filepath.Join(dir, "master")
	if err := os.WriteFile(masterFile, []byte(zkURL+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := agentConfig(t, "file://"+masterFile, filepath.Join(dir, "agent"))
	agent := startAgent(t, cfg)
	var agentID string
	pollUntil(t, 30*time.Second, "the agent registered with the leader", func() error {
		// The agent's id belongs to its loop: read it there.
		if err := agent.call(t.Context(), func() { agentID = agent.agentID() }); err != nil {
			return err
		}
		s, err := getState(leader.addr)
		if err != nil {
			return err
		}
		for _, sl := range s.Slaves {
			if sl.ID == agentID && agentID != "" && sl.Active {
				return nil
			}
		}
		return fmt.Errorf("agent %q not listed", agentID)
	})

	// The framework finds the leader in ZooKeeper too.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	info := frameworkInfo("ha", true)
	info.FailoverTimeout = proto.Float64(3600)
	scfg := schedulerclient.Config{Master: zkURL, Codec: httpapi.Protobuf, Logger: testLogger(t)}
	sess, err := schedulerclient.SubscribeRetrying(ctx, scfg, info, schedulerclient.Backoff{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { sess.Close() }()
	if sess.Master() != leader.addr {
		t.Errorf("subscribed with %s, the leader is %s", sess.Master(), leader.addr)
	}
	var offer *mesospb.Offer
	for offer == nil {
		select {
		case ev, ok := <-sess.Events():
			if !ok {
				t.Fatalf("stream ended: %v", sess.Err())
			}
			if ev.GetType() == schedulerpb.Event_OFFERS {
				offer = ev.GetOffers().GetOffers()[0]
			}
		case <-ctx.Done():
			t.Fatal("no offer")
		}
	}
	task := commandTask("sleeper", "sleep 600", "cpus:0.1;mem:32")
	task.AgentId = offer.GetAgentId()
	if err := sess.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds:   []*mesospb.OfferID{offer.GetId()},
		Operations: []*mesospb.Offer_Operation{{Type: mesospb.Offer_Operation_LAUNCH.Enum(), Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{task}}}},
		Filters:    &mesospb.Filters{RefuseSeconds: proto.Float64(3600)},
	}}); err != nil {
		t.Fatal(err)
	}
	for {
		st := nextUpdate(t, ctx, sess, "sleeper", 30*time.Second)
		if st.GetState() == mesospb.TaskState_TASK_RUNNING {
			break
		}
		if st.GetState() != mesospb.TaskState_TASK_STARTING {
			t.Fatalf("task: %s %s", st.GetState(), st.GetMessage())
		}
	}

	// Kill the leader.
	killed := time.Now()
	leader.kill()
	rest := make([]*haMaster, 0, 2)
	for _, m := range masters {
		if m != leader {
			rest = append(rest, m)
		}
	}
	next := waitLeading(t, rest, 30*time.Second)
	elected := time.Since(killed)

	pollUntil(t, 30*time.Second, "the agent re-registered with the new leader", func() error {
		s, err := getState(next.addr)
		if err != nil {
			return err
		}
		for _, sl := range s.Slaves {
			if sl.ID == agentID && sl.Active {
				return nil
			}
		}
		return fmt.Errorf("agent %s not active on %s", agentID, next.name)
	})
	reregistered := time.Since(killed)
	var got string
	if err := agent.call(t.Context(), func() { got = agent.agentID() }); err != nil {
		t.Fatal(err)
	}
	if got != agentID {
		t.Errorf("agent id %s after the failover, want %s", got, agentID)
	}

	// The framework's stream ended with its master: it re-subscribes
	// with its id.
	select {
	case <-waitEnded(sess):
	case <-time.After(30 * time.Second):
		t.Fatal("the scheduler's stream did not end with its master")
	}
	again, err := sess.Resubscribe(ctx, info, schedulerclient.Backoff{Min: 100 * time.Millisecond, Max: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sess = again
	resubscribed := time.Since(killed)
	if sess.Master() != next.addr {
		t.Errorf("re-subscribed with %s, the leader is %s", sess.Master(), next.addr)
	}
	t.Logf("failover: %s killed; %s leads after %v; agent re-registered after %v; framework re-subscribed after %v",
		leader.name, next.name, elected.Round(time.Millisecond), reregistered.Round(time.Millisecond), resubscribed.Round(time.Millisecond))

	// Reconciliation: the task still runs.
	if err := sess.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_RECONCILE.Enum(), Reconcile: &schedulerpb.Call_Reconcile{
		Tasks: []*schedulerpb.Call_Reconcile_Task{{TaskId: task.TaskId, AgentId: task.AgentId}},
	}}); err != nil {
		t.Fatal(err)
	}
	if st := nextUpdate(t, ctx, sess, "sleeper", 30*time.Second); st.GetState() != mesospb.TaskState_TASK_RUNNING {
		t.Fatalf("reconciled: %s (%s)", st.GetState(), st.GetMessage())
	}

	// Later updates reach the framework through the new leader.
	if err := sess.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{TaskId: task.TaskId, AgentId: task.AgentId}}); err != nil {
		t.Fatal(err)
	}
	for {
		st := nextUpdate(t, ctx, sess, "sleeper", 30*time.Second)
		if st.GetState() == mesospb.TaskState_TASK_KILLED {
			break
		}
		if st.GetState() != mesospb.TaskState_TASK_KILLING && st.GetState() != mesospb.TaskState_TASK_RUNNING {
			t.Fatalf("after KILL: %s", st.GetState())
		}
	}
	_ = sess.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum()})
}

// waitEnded is closed once the session's stream ended (events drained).
func waitEnded(s *schedulerclient.Session) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		for range s.Events() {
		}
		close(done)
	}()
	return done
}

// --master: host:port, zk://..., file:// holding either.
func TestMasterFlag(t *testing.T) {
	dir := t.TempDir()
	zkFile := filepath.Join(dir, "zk")
	if err := os.WriteFile(zkFile, []byte(" zk://a:2181,b:2182/mesos \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nested := filepath.Join(dir, "nested")
	if err := os.WriteFile(nested, []byte("file://"+zkFile), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ master, want, err string }{
		{master: "10.0.0.1:5050", want: "10.0.0.1:5050"},
		{master: "master@10.0.0.1:5050", want: "master@10.0.0.1:5050"},
		{master: "zk://a:2181,b:2182/mesos", want: "zk://a:2181,b:2182/mesos"},
		{master: "file://" + zkFile, want: "zk://a:2181,b:2182/mesos"},
		{master: "file://" + nested, err: "names another file"},
		{master: "file://" + filepath.Join(dir, "missing"), err: "read the master"},
		{master: "zk://", err: "zookeeper URL"},
		{master: "nohost", err: "is not host:port or zk://"},
	} {
		cfg := Config{Master: tc.master, WorkDir: dir}
		cfg.setDefaults()
		err := cfg.validate()
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.master, err, tc.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.master, err)
		case cfg.Master != tc.want:
			t.Errorf("%s: master %s, want %s", tc.master, cfg.Master, tc.want)
		}
	}
	if got := (&Config{Master: "zk://a:2181,b:2182/mesos"}).masterURL(); got != "http://a:2181" {
		t.Errorf("masterURL of zk:// = %s", got)
	}
}

func TestLeaderAddress(t *testing.T) {
	for _, tc := range []struct {
		info *mesospb.MasterInfo
		want string
	}{
		{&mesospb.MasterInfo{Pid: proto.String("master@10.0.0.1:5050"), Hostname: proto.String("m1")}, "10.0.0.1:5050"},
		{&mesospb.MasterInfo{Address: &mesospb.Address{Ip: proto.String("10.0.0.2"), Port: proto.Int32(5051)}}, "10.0.0.2:5051"},
		{&mesospb.MasterInfo{Hostname: proto.String("m3"), Port: proto.Uint32(5052)}, "m3:5052"},
	} {
		if got, err := leaderAddress(tc.info); err != nil || got != tc.want {
			t.Errorf("leaderAddress(%v) = %s, %v; want %s", tc.info, got, err, tc.want)
		}
	}
	if base, err := redirectBase("//master2:5050/internal/v1/agent"); err != nil || base != "http://master2:5050" {
		t.Errorf("redirectBase = %s, %v", base, err)
	}
}

// A non-leading master answers 503 while no leader is known, then 307 to
// the leader: the agent retries and follows, and its calls go to the
// leader.
func TestAgentFollowsRedirect(t *testing.T) {
	m := startMaster(t)
	var hits atomic.Int32
	follower := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			http.Error(w, "No leader elected", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Location", "//"+m.addr+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer follower.Close()
	a := startAgent(t, agentConfig(t, strings.TrimPrefix(follower.URL, "http://"), t.TempDir()))
	eventually(t, "registration through the redirect", func() bool {
		var ok bool
		_ = a.call(t.Context(), func() { ok = a.state == stateRunning && a.master != nil && a.master.base == "http://"+m.addr })
		return ok
	})
	if hits.Load() < 3 {
		t.Errorf("the follower was asked %d times", hits.Load())
	}
	// The agent's calls reach the leader: a task runs and its updates come.
	s := subscribeScheduler(t, m.addr, frameworkInfo("redirected", false))
	s.launch(s.offer(), commandTask("t", "sleep 1", "cpus:0.1;mem:32"))
	s.waitState("t", mesospb.TaskState_TASK_FINISHED)
}
