package agent

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/master"
	"github.com/gomesos/mesos/core/proctest"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
)

// testBinaries are programs the tests build once: the agent binary (which
// the agent re-executes as the command and default executors) and a small
// custom executor.
type testBinaries struct {
	agent, customExecutor string
}

// binaries is set by TestMain.
var binaries testBinaries

func TestMain(m *testing.M) {
	containerizer.MaybeRunHelper()
	dir, err := os.MkdirTemp("", "agent-test-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Executors may run as another user (--switch_user): they must be able
	// to run the binaries.
	_ = os.Chmod(dir, 0o755)
	binaries = testBinaries{agent: filepath.Join(dir, "mesos-agent"), customExecutor: filepath.Join(dir, "custom-executor")}
	for _, b := range []struct{ out, pkg string }{
		{binaries.agent, "../../cmd/mesos-agent"},
		{binaries.customExecutor, "./testdata/customexecutor"},
	} {
		cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build", b.pkg, ":", err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testLogger discards unless AGENT_TEST_LOG is set.
func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("AGENT_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("test", t.Name())
}

// --- a real master ---

type testMaster struct {
	addr string
	stop func()
}

func startMaster(t *testing.T) *testMaster { return startMasterAt(t, "127.0.0.1:0") }

// startMasterAt starts a master listening on addr (a fixed port brings a
// master back where its agents look for it).
func startMasterAt(t *testing.T, addr string) *testMaster { return startMasterWith(t, addr, nil) }

// startMasterWith is startMasterAt with the master's Config adjusted by
// mutate first.
func startMasterWith(t *testing.T, addr string, mutate func(*master.Config)) *testMaster {
	t.Helper()
	var l net.Listener
	var err error
	for range 50 {
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	cfg := master.Config{
		IP: "127.0.0.1", Port: port, Version: "1.11.0",
		AllocationInterval: 50 * time.Millisecond,
		Allocator:          hierarchical.New(),
		Logger:             testLogger(t).With("component", "master"),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	m, err := master.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: m.Handler()}
	go srv.Serve(l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := m.Run(ctx); err != nil {
			t.Errorf("master: %v", err)
		}
	}()
	tm := &testMaster{addr: l.Addr().String()}
	var stopped bool
	tm.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
		srv.Close()
	}
	t.Cleanup(tm.stop)
	return tm
}

// --- a real agent ---

type testAgent struct {
	*Agent
	cfg     Config
	cancel  context.CancelFunc
	done    chan error
	once    sync.Once
	runErr  error
	stopped bool
}

// agentConfig is a test agent's configuration: fixed resources, quick
// retries, the built agent binary as executor.
func agentConfig(t *testing.T, masterAddr, workDir string) Config {
	return Config{
		Master:                    masterAddr,
		WorkDir:                   workDir,
		IP:                        "127.0.0.1",
		Hostname:                  "localhost",
		Resources:                 "cpus:4;mem:2048;disk:4096;ports:[31000-31100]",
		Attributes:                "rack:r1;zone:2",
		ExecutorBinary:            binaries.agent,
		RegistrationBackoffFactor: 100 * time.Millisecond,
		StatusUpdateRetryMin:      time.Second,
		StatusUpdateRetryMax:      2 * time.Second,
		Flags:                     map[string]string{"work_dir": workDir},
		Logger:                    testLogger(t).With("component", "agent"),
	}
}

func startAgent(t *testing.T, cfg Config) *testAgent {
	t.Helper()
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ta := &testAgent{Agent: a, cfg: cfg, cancel: cancel, done: make(chan error, 1)}
	go func() { ta.done <- a.Run(ctx) }()
	t.Cleanup(func() {
		ta.stop(t)
		// Nothing may outlive the test: report (and kill) leftovers.
		checkNoProcesses(t, cfg.WorkDir)
	})
	return ta
}

// stop stops the agent (its checkpointed executors keep running).
func (ta *testAgent) stop(t *testing.T) {
	ta.cancel()
	ta.wait(t)
}

// wait waits for Run to return (on its own or after stop) and returns
// its error.
func (ta *testAgent) wait(t *testing.T) error {
	ta.once.Do(func() {
		select {
		case ta.runErr = <-ta.done:
		case <-time.After(30 * time.Second):
			t.Error("agent did not stop")
		}
	})
	return ta.runErr
}

// restartAgent stops a, starts a new agent with cfg on a's port (its
// checkpointed executors keep running in between) and waits until the new
// one is registered again.
func restartAgent(t *testing.T, a *testAgent, cfg Config) *testAgent {
	t.Helper()
	cfg.Port = a.port
	a.stop(t)
	b := startAgent(t, cfg)
	b.waitRegistered(t)
	return b
}

// waitRegistered waits until the agent is registered with its master.
func (ta *testAgent) waitRegistered(t *testing.T) {
	t.Helper()
	eventually(t, "registration", func() bool {
		var ok bool
		_ = ta.call(t.Context(), func() { ok = ta.state == stateRunning })
		return ok
	})
}

// waitExecutorBack waits until the executor running taskID has subscribed
// to the agent again (after a restart).
func (ta *testAgent) waitExecutorBack(t *testing.T, taskID string) {
	t.Helper()
	eventually(t, "the executor of "+taskID+" subscribed again", func() bool {
		var back bool
		_ = ta.call(t.Context(), func() {
			for _, fw := range ta.frameworks {
				for _, e := range fw.executors {
					back = back || (e.state == executorRunning && e.conn != nil && e.launched[taskID] != nil)
				}
			}
		})
		return back
	})
}

func (ta *testAgent) url(path string) string { return "http://" + ta.Endpoint() + path }

// defaultExecutor is a task group's executor of framework fwID: Mesos's
// default executor with the usual 0.1 cpus and 32 MB.
func defaultExecutor(fwID string) *mesospb.ExecutorInfo {
	return &mesospb.ExecutorInfo{
		Type:        mesospb.ExecutorInfo_DEFAULT.Enum(),
		ExecutorId:  &mesospb.ExecutorID{Value: proto.String("default")},
		FrameworkId: &mesospb.FrameworkID{Value: proto.String(fwID)},
		Resources:   mustResources("cpus:0.1;mem:32"),
	}
}

// launchGroupOp launches tasks as one group under exec.
func launchGroupOp(exec *mesospb.ExecutorInfo, tasks ...*mesospb.TaskInfo) *mesospb.Offer_Operation {
	return &mesospb.Offer_Operation{
		Type: mesospb.Offer_Operation_LAUNCH_GROUP.Enum(),
		LaunchGroup: &mesospb.Offer_Operation_LaunchGroup{
			Executor: exec, TaskGroup: &mesospb.TaskGroupInfo{Tasks: tasks},
		},
	}
}

// --- a scheduler ---

type testScheduler struct {
	t        *testing.T
	master   string
	id       string
	streamID string
	events   chan *schedulerpb.Event
	body     io.Closer
}

func subscribeScheduler(t *testing.T, masterAddr string, info *mesospb.FrameworkInfo) *testScheduler {
	t.Helper()
	call := &schedulerpb.Call{
		Type:        schedulerpb.Call_SUBSCRIBE.Enum(),
		FrameworkId: info.GetId(),
		Subscribe:   &schedulerpb.Call_Subscribe{FrameworkInfo: info},
	}
	resp := postProto(t, "http://"+masterAddr+"/api/v1/scheduler", call, nil)
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("SUBSCRIBE: %s %s", resp.Status, b)
	}
	s := &testScheduler{t: t, master: masterAddr, streamID: resp.Header.Get(httpapi.StreamIDHeader),
		events: make(chan *schedulerpb.Event, 1024), body: resp.Body}
	go func() {
		defer close(s.events)
		r := recordio.NewReader(bufio.NewReader(resp.Body), 0)
		for {
			rec, err := r.ReadRecord()
			if err != nil {
				return
			}
			ev := &schedulerpb.Event{}
			if proto.Unmarshal(rec, ev) == nil {
				s.events <- ev
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	ev := s.next("SUBSCRIBED", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_SUBSCRIBED })
	s.id = ev.GetSubscribed().GetFrameworkId().GetValue()
	return s
}

func frameworkInfo(name string, checkpoint bool) *mesospb.FrameworkInfo {
	return &mesospb.FrameworkInfo{
		User:       proto.String("root"),
		Name:       proto.String(name),
		Checkpoint: proto.Bool(checkpoint),
		Roles:      []string{"*"},
		Capabilities: []*mesospb.FrameworkInfo_Capability{
			{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()},
		},
	}
}

// next waits for an event accepted by match (others are skipped).
func (s *testScheduler) next(what string, match func(*schedulerpb.Event) bool) *schedulerpb.Event {
	s.t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.t.Fatalf("scheduler stream ended while waiting for %s", what)
			}
			if match(ev) {
				return ev
			}
		case <-deadline:
			s.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func (s *testScheduler) send(call *schedulerpb.Call) {
	s.t.Helper()
	call.FrameworkId = &mesospb.FrameworkID{Value: proto.String(s.id)}
	resp := postProto(s.t, "http://"+s.master+"/api/v1/scheduler", call, http.Header{httpapi.StreamIDHeader: {s.streamID}})
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		b, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("%s: %s %s", call.GetType(), resp.Status, b)
	}
}

func (s *testScheduler) offer() *mesospb.Offer {
	s.t.Helper()
	return s.next("OFFERS", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_OFFERS }).GetOffers().GetOffers()[0]
}

// launch accepts an offer with tasks.
func (s *testScheduler) launch(o *mesospb.Offer, tasks ...*mesospb.TaskInfo) {
	s.t.Helper()
	s.launchRefusing(o, 0, tasks...)
}

// launchRefusing accepts an offer with tasks and refuses what is left of
// the agent for refuse seconds.
func (s *testScheduler) launchRefusing(o *mesospb.Offer, refuse float64, tasks ...*mesospb.TaskInfo) {
	s.t.Helper()
	for _, t := range tasks {
		t.AgentId = o.GetAgentId()
	}
	s.send(&schedulerpb.Call{
		Type: schedulerpb.Call_ACCEPT.Enum(),
		Accept: &schedulerpb.Call_Accept{
			OfferIds: []*mesospb.OfferID{o.GetId()},
			Operations: []*mesospb.Offer_Operation{{
				Type:   mesospb.Offer_Operation_LAUNCH.Enum(),
				Launch: &mesospb.Offer_Operation_Launch{TaskInfos: tasks},
			}},
			Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(refuse)},
		},
	})
}

// update waits for the next update of a task and acknowledges it (unless
// noAck).
func (s *testScheduler) update(taskID string) *mesospb.TaskStatus {
	s.t.Helper()
	st := s.updateNoAck(taskID)
	s.ack(st)
	return st
}

func (s *testScheduler) updateNoAck(taskID string) *mesospb.TaskStatus {
	s.t.Helper()
	ev := s.next("UPDATE of "+taskID, func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_UPDATE && e.GetUpdate().GetStatus().GetTaskId().GetValue() == taskID
	})
	return ev.GetUpdate().GetStatus()
}

func (s *testScheduler) ack(st *mesospb.TaskStatus) {
	s.t.Helper()
	if len(st.GetUuid()) == 0 {
		return
	}
	s.send(&schedulerpb.Call{
		Type: schedulerpb.Call_ACKNOWLEDGE.Enum(),
		Acknowledge: &schedulerpb.Call_Acknowledge{
			AgentId: st.GetAgentId(), TaskId: st.GetTaskId(), Uuid: st.GetUuid(),
		},
	})
}

// waitState acknowledges the task's updates until one in state comes,
// and returns it; it fails on an unexpected terminal state.
func (s *testScheduler) waitState(taskID string, state mesospb.TaskState) *mesospb.TaskStatus {
	s.t.Helper()
	for {
		st := s.update(taskID)
		if st.GetState() == state {
			return st
		}
		if isTerminal(st.GetState()) {
			s.t.Fatalf("task %s: got %s (%s: %s) waiting for %s", taskID, st.GetState(), st.GetReason(), st.GetMessage(), state)
		}
	}
}

func (s *testScheduler) teardown() {
	s.t.Helper()
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum()})
}

func postProto(t *testing.T, url string, m proto.Message, h http.Header) *http.Response {
	t.Helper()
	body, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", httpapi.MediaProtobuf)
	req.Header.Set("Accept", httpapi.MediaProtobuf)
	for k, vs := range h {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// --- tasks ---

func commandTask(id, command string, res string) *mesospb.TaskInfo {
	return &mesospb.TaskInfo{
		Name:      proto.String(id),
		TaskId:    &mesospb.TaskID{Value: proto.String(id)},
		Resources: mustResources(res),
		Command:   &mesospb.CommandInfo{Value: proto.String(command), Shell: proto.Bool(true)},
	}
}

func mustResources(text string) []*mesospb.Resource {
	var out []*mesospb.Resource
	for _, part := range strings.Split(text, ";") {
		name, value, _ := strings.Cut(part, ":")
		f, _ := strconv.ParseFloat(value, 64)
		out = append(out, &mesospb.Resource{
			Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(),
			Scalar:         &mesospb.Value_Scalar{Value: proto.Float64(f)},
			AllocationInfo: &mesospb.Resource_AllocationInfo{Role: proto.String("*")},
		})
	}
	return out
}

// --- leftovers ---

// checkNoProcesses fails if a process still runs from dir (its working
// directory or command line is below it), and kills it.
func checkNoProcesses(t *testing.T, dir string) { proctest.CheckNone(t, dir) }

// killProcessesUnder kills whatever still runs from dir (for tests that
// leave a checkpointed task running on purpose).
func killProcessesUnder(dir string) { proctest.KillAll(dir) }

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func killCall(taskID string, agentID *mesospb.AgentID) *schedulerpb.Call {
	return &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{
		TaskId: &mesospb.TaskID{Value: proto.String(taskID)}, AgentId: agentID,
	}}
}
