package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gozk "github.com/go-zookeeper/zk"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/cmd/internal/clustertest"
	"github.com/gomesos/mesos/cmd/internal/executors"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/schedulerclient"
	"github.com/gomesos/mesos/core/zk"
	"github.com/gomesos/mesos/core/zk/zktest"
)

// The test binary is also the agent's container supervisor and command
// executor, as the mesos-agent binary is.
func TestMain(m *testing.M) {
	containerizer.MaybeRunHelper()
	executors.MaybeRun()
	os.Exit(m.Run())
}

// testLogger discards unless MESOS_CLI_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("MESOS_CLI_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// cli runs one mesos command line and returns its status and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return cliContext(t.Context(), args...)
}

func cliContext(ctx context.Context, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := runContext(ctx, args, nil, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// syncBuffer is a buffer a command writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func eventually(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startMaster runs a master on a loopback port until the test ends.
func startMaster(t *testing.T) string { return clustertest.StartMaster(t, testLogger(), nil) }

// startAgent runs an agent registered with masterAddr until the test
// ends, and then checks that nothing it started still runs.
func startAgent(t *testing.T, masterAddr, workDir string) {
	clustertest.StartAgent(t, testLogger(), masterAddr, workDir, "cpus:4;mem:2048;disk:4096;ports:[31000-31100]")
}

// testFramework is a tiny framework: it launches its tasks on the first
// offer, declines the others and acknowledges every update.
type testFramework struct {
	t      *testing.T
	sess   *schedulerclient.Session
	mu     sync.Mutex
	states map[string]mesospb.TaskState
}

func launchTasks(t *testing.T, masterAddr string, tasks ...*mesospb.TaskInfo) *testFramework {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := schedulerclient.Subscribe(ctx, schedulerclient.Config{Master: masterAddr}, &mesospb.FrameworkInfo{
		User: proto.String("root"), Name: proto.String("cli-test"), Roles: []string{"*"},
		Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}},
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	f := &testFramework{t: t, sess: s, states: map[string]mesospb.TaskState{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		launched := false
		for ev := range s.Events() {
			switch ev.GetType() {
			case schedulerpb.Event_OFFERS:
				for _, o := range ev.GetOffers().GetOffers() {
					if launched {
						_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_DECLINE.Enum(),
							Decline: &schedulerpb.Call_Decline{OfferIds: []*mesospb.OfferID{o.GetId()}}})
						continue
					}
					launched = true
					for _, ti := range tasks {
						ti.AgentId = o.GetAgentId()
					}
					if err := s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
						OfferIds: []*mesospb.OfferID{o.GetId()},
						Operations: []*mesospb.Offer_Operation{{
							Type:   mesospb.Offer_Operation_LAUNCH.Enum(),
							Launch: &mesospb.Offer_Operation_Launch{TaskInfos: tasks},
						}},
					}}); err != nil {
						t.Errorf("ACCEPT: %v", err)
					}
				}
			case schedulerpb.Event_UPDATE:
				st := ev.GetUpdate().GetStatus()
				f.mu.Lock()
				f.states[st.GetTaskId().GetValue()] = st.GetState()
				f.mu.Unlock()
				if len(st.GetUuid()) > 0 {
					_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
						AgentId: st.GetAgentId(), TaskId: st.GetTaskId(), Uuid: st.GetUuid(),
					}})
				}
			}
		}
	}()
	t.Cleanup(func() {
		tctx, tcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer tcancel()
		_ = s.Call(tctx, &schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum()})
		s.Close()
		cancel()
		<-done
	})
	return f
}

func (f *testFramework) waitState(id string, want mesospb.TaskState) {
	f.t.Helper()
	eventually(f.t, id+" in "+want.String(), 30*time.Second, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.states[id] == want
	})
}

func shellTask(id, command string) *mesospb.TaskInfo {
	scalar := func(name string, v float64) *mesospb.Resource {
		return &mesospb.Resource{
			Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(),
			Scalar:         &mesospb.Value_Scalar{Value: proto.Float64(v)},
			AllocationInfo: &mesospb.Resource_AllocationInfo{Role: proto.String("*")},
		}
	}
	return &mesospb.TaskInfo{
		Name:      proto.String(id + "-name"),
		TaskId:    &mesospb.TaskID{Value: proto.String(id)},
		Resources: []*mesospb.Resource{scalar("cpus", 0.2), scalar("mem", 32)},
		Command:   &mesospb.CommandInfo{Value: proto.String(command), Shell: proto.Bool(true)},
	}
}

// TestCluster runs the commands against a real master and agent with a
// running task and a finished one.
func TestCluster(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	startAgent(t, m, work)
	const lines = 30
	fw := launchTasks(t, m,
		shellTask("talker", fmt.Sprintf("for i in $(seq 1 %d); do echo line $i; done; echo to-stderr >&2; exec sleep 120", lines)),
		shellTask("done", "echo finished output"),
	)
	fw.waitState("talker", mesospb.TaskState_TASK_RUNNING)
	fw.waitState("done", mesospb.TaskState_TASK_FINISHED)
	frameworkID := fw.sess.FrameworkID()
	master := "--master=" + m
	task := func(id string) []string { return []string{master, "--framework=" + frameworkID, "--task=" + id} }

	var want strings.Builder
	for i := 1; i <= lines; i++ {
		fmt.Fprintf(&want, "line %d\n", i)
	}

	t.Run("cat", func(t *testing.T) {
		var out, errOut string
		eventually(t, "the task's output", 20*time.Second, func() bool {
			var code int
			code, out, errOut = cli(t, append([]string{"cat"}, append(task("talker"), "--file=stdout")...)...)
			return code == 0 && strings.Contains(out, "line 30\n")
		})
		if !strings.HasSuffix(out, want.String()) {
			t.Errorf("cat stdout:\n%s\nstderr: %s", out, errOut)
		}
		code, out, errOut := cli(t, append([]string{"cat"}, append(task("talker"), "--file=stderr")...)...)
		if code != 0 || !strings.Contains(out, "to-stderr\n") {
			t.Errorf("cat stderr: %d %q %s", code, out, errOut)
		}
		// A finished task's sandbox is still there.
		code, out, errOut = cli(t, append([]string{"cat"}, append(task("done"), "--file=stdout")...)...)
		if code != 0 || !strings.Contains(out, "finished output\n") {
			t.Errorf("cat of a finished task: %d %q %s", code, out, errOut)
		}
	})

	t.Run("tail", func(t *testing.T) {
		code, out, errOut := cli(t, append([]string{"tail"}, append(task("talker"), "--file=stdout")...)...)
		wantTail := ""
		for i := lines - 9; i <= lines; i++ {
			wantTail += fmt.Sprintf("line %d\n", i)
		}
		if code != 0 || out != wantTail {
			t.Errorf("tail: %d\n%s\nstderr: %s", code, out, errOut)
		}
		code, out, _ = cli(t, append([]string{"tail"}, append(task("talker"), "--file=stdout", "--lines=3")...)...)
		if code != 0 || out != "line 28\nline 29\nline 30\n" {
			t.Errorf("tail --lines=3: %d %q", code, out)
		}
		code, out, _ = cli(t, append([]string{"tail"}, append(task("talker"), "--file=stdout", "--lines=0")...)...)
		if code != 0 || out != "" {
			t.Errorf("tail --lines=0: %d %q", code, out)
		}
	})

	t.Run("tail follow", func(t *testing.T) {
		// A file of the sandbox the test writes to.
		runs, err := filepath.Glob(filepath.Join(work, "slaves", "*", "frameworks", frameworkID, "executors", "talker", "runs", "latest"))
		if err != nil || len(runs) == 0 {
			t.Fatalf("sandbox: %v %v", runs, err)
		}
		log := filepath.Join(runs[0], "app.log") // slaves/<id> or slaves/latest
		if err := os.WriteFile(log, []byte("old 1\nold 2\nold 3\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var stdout, stderr syncBuffer
		done := make(chan int, 1)
		go func() {
			done <- runContext(ctx, append([]string{"tail"}, append(task("talker"), "--file=app.log", "--lines=2", "--follow")...),
				nil, &stdout, &stderr)
		}()
		eventually(t, "the last lines", 10*time.Second, func() bool { return stdout.String() == "old 2\nold 3\n" })
		f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(f, "new 1\n")
		eventually(t, "the appended line", 10*time.Second, func() bool { return stdout.String() == "old 2\nold 3\nnew 1\n" })
		fmt.Fprint(f, "new 2 ünïcödé\n")
		f.Close()
		eventually(t, "the second appended line", 10*time.Second, func() bool {
			return stdout.String() == "old 2\nold 3\nnew 1\nnew 2 ünïcödé\n"
		})
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("tail --follow ended with %d: %s", code, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatal("tail --follow did not stop")
		}
	})

	t.Run("ps", func(t *testing.T) {
		code, out, errOut := cli(t, "ps", master)
		if code != 0 {
			t.Fatalf("ps: %d %s", code, errOut)
		}
		rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		header := "USER    FRAMEWORK    TASK      SLAVE              MEM                TIME              CPU (allocated)"
		if rows[0] != header {
			t.Errorf("header %q", rows[0])
		}
		if len(rows) != 2 {
			t.Fatalf("ps lists %d tasks, want the running one:\n%s", len(rows)-1, out)
		}
		// The executor's usage: its memory (the task's 32 MB and the
		// executor's 32 MB), CPU time and CPUs (0.2 and 0.1).
		row := regexp.MustCompile(`^root    cli-test     talker\.\.\. localhost          ` +
			`[0-9.]+ [KMG]?B/64\.0 MB +[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} +0\.3 {12}$`)
		if !row.MatchString(rows[1]) || len(rows[1]) != len(header) {
			t.Errorf("row %q", rows[1])
		}
		t.Logf("mesos ps:\n%s", out)
	})

	t.Run("state", func(t *testing.T) {
		code, out, errOut := cli(t, "state", master)
		if code != 0 {
			t.Fatalf("state: %d %s", code, errOut)
		}
		var state masterState
		if err := json.Unmarshal([]byte(out), &state); err != nil {
			t.Fatalf("state is not JSON: %v\n%s", err, out)
		}
		if _, err := findTask(&state, frameworkID, "talker"); err != nil {
			t.Error(err)
		}
		if !strings.HasPrefix(out, "{\n  \"") {
			t.Errorf("state is not indented: %.40q", out)
		}
	})

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			args   []string
			stderr string
		}{
			{append([]string{"cat"}, append(task("nope"), "--file=stdout")...), "mesos cat: No task found! Framework '" + frameworkID + "' has no task 'nope'"},
			{[]string{"tail", master, "--framework=nope", "--task=talker", "--file=stdout"}, "No task found! The master knows no framework 'nope'"},
			{append([]string{"cat"}, append(task("talker"), "--file=missing")...), "mesos cat: No such file or directory: 'missing' in the sandbox of task 'talker' on agent localhost (127.0.0.1:"},
			{append([]string{"tail"}, append(task("talker"), "--file=missing")...), "mesos tail: No such file or directory: 'missing' in the sandbox of task 'talker' on agent localhost"},
		}
		for _, tc := range tests {
			code, out, errOut := cli(t, tc.args...)
			if code != 1 || out != "" || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("%v: %d %q %q, want %q", tc.args, code, out, errOut, tc.stderr)
			}
		}
	})

	t.Run("leader", func(t *testing.T) {
		// A master that does not lead sends the CLI to the leader.
		follower := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/master/redirect" {
				w.Header().Set("Location", "//"+m)
				w.WriteHeader(http.StatusTemporaryRedirect)
				return
			}
			http.Error(w, "not the leader", http.StatusServiceUnavailable)
		}))
		defer follower.Close()
		code, out, errOut := cli(t, "ps", "--master="+follower.Listener.Addr().String())
		if code != 0 || !strings.Contains(out, "talker") {
			t.Errorf("ps through a follower: %d %q %s", code, out, errOut)
		}
		// No leader at all.
		none := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		defer none.Close()
		code, _, errOut = cli(t, "state", "--master="+none.Listener.Addr().String())
		if code != 1 || !strings.Contains(errOut, "knows no leading master") {
			t.Errorf("no leader: %d %s", code, errOut)
		}
	})

	t.Run("zk", func(t *testing.T) {
		srv := zktest.Start(t)
		u, err := zk.ParseURL(srv.URL("/mesos"))
		if err != nil {
			t.Fatal(err)
		}
		client, err := zk.NewClient(u, zk.Options{Logger: testLogger()})
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
		defer cancel()
		sess, err := client.Session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := zk.CreatePath(ctx, sess, "/mesos"); err != nil {
			t.Fatal(err)
		}
		host, port, _ := net.SplitHostPort(m)
		p, _ := strconv.Atoi(port)
		data, err := zk.EncodeMasterInfo(&mesospb.MasterInfo{
			Id: proto.String("leader"), Ip: proto.Uint32(0x0100007f), Port: proto.Uint32(uint32(p)),
			Pid: proto.String("master@" + m), Hostname: proto.String(host),
			Address: &mesospb.Address{Ip: proto.String(host), Port: proto.Int32(int32(p))},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sess.Conn().Create(zk.Join("/mesos", zk.MasterInfoJSONLabel+"_"), data, gozk.FlagEphemeral|gozk.FlagSequence, sess.ACL()); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := cli(t, "ps", "--master="+srv.URL("/mesos"))
		if code != 0 || !strings.Contains(out, "talker") {
			t.Errorf("ps through ZooKeeper: %d %q %s", code, out, errOut)
		}
		// A path without masters: no leader within --timeout.
		code, _, errOut = cli(t, "state", "--master="+srv.URL("/empty"), "--timeout=1")
		if code != 1 || !strings.Contains(errOut, "failed to detect master from '"+srv.URL("/empty")+"' within 1secs") {
			t.Errorf("no master in ZooKeeper: %d %s", code, errOut)
		}
	})
}
