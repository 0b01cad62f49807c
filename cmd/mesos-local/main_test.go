package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/cmd/internal/executors"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/schedulerclient"
)

// The agents re-execute this test binary as their containers' supervisor
// and executors, as they do mesos-local itself.
func TestMain(m *testing.M) {
	containerizer.MaybeRunHelper()
	executors.MaybeRun()
	os.Exit(m.Run())
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name      string
		args, env []string
		code      int
		stdout    string
		stderr    string
	}{
		{name: "help", args: []string{"--help"}, code: 0, stdout: "Launches an in-memory cluster within a single process."},
		{name: "version", args: []string{"--version"}, code: 0, stdout: "mesos 1.11.0\n"},
		{name: "unknown flag rejected", args: []string{"--frobnicate=1"}, code: 1, stderr: "Failed to load unknown flag 'frobnicate'"},
		{name: "bad master flag on the command line", args: []string{"--port=0", "--work_dir=" + t.TempDir(), "--allocation_interval=soon"},
			code: 1, stderr: "allocation_interval"},
		{name: "negative agents", args: []string{"--num_slaves=-1"}, code: 1, stderr: "cannot be negative"},
		{name: "bad master flag from the environment", args: []string{"--port=0", "--work_dir=" + t.TempDir()},
			env: []string{"MESOS_ALLOCATION_INTERVAL=soon"}, code: 1, stderr: "allocation_interval"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tc.args, tc.env, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.stderr)
			}
		})
	}
}

// freePorts finds n consecutive free ports on loopback (the master's and
// the agents' that follow it).
func freePorts(t *testing.T, n int) int {
	t.Helper()
	for attempt := 0; attempt < 50; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := l.Addr().(*net.TCPAddr).Port
		l.Close()
		ok := true
		for i := 1; i < n && ok; i++ {
			if l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+i)); err != nil {
				ok = false
			} else {
				l2.Close()
			}
		}
		if ok {
			return base
		}
	}
	t.Fatal("no run of free ports")
	return 0
}

// lockedBuffer collects a process's output from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLocalClusterRunsATask starts the embedded default with two agents and
// runs a real command task on it through the v1 scheduler API.
func TestLocalClusterRunsATask(t *testing.T) {
	port := freePorts(t, 3)
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	// A master flag on the command line, an agent flag in the environment.
	args := []string{"--port=" + strconv.Itoa(port), "--num_slaves=2", "--work_dir=" + t.TempDir(), "--quiet", "--allocation_interval=100ms"}
	go func() { done <- run(ctx, args, []string{"MESOS_ISOLATION=posix/cpu,posix/mem"}, &stdout, &stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("mesos-local exited %d: %s", code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("mesos-local did not stop")
		}
	})

	master := "127.0.0.1:" + strconv.Itoa(port)
	info := &mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String("local-test"),
		Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}},
		Roles:        []string{"*"}}
	var s *schedulerclient.Session
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if s, err = schedulerclient.Subscribe(ctx, schedulerclient.Config{Master: master, Codec: httpapi.Protobuf}, info); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("subscribe: %v\nstderr: %s", err, stderr.String())
	}
	defer s.Close()

	agents := map[string]bool{}
	launched := false
	timeout := time.After(60 * time.Second)
	for {
		select {
		case <-timeout:
			t.Fatalf("no TASK_FINISHED; agents seen %v\nstderr: %s", agents, stderr.String())
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatalf("stream ended: %v", s.Err())
			}
			switch ev.GetType() {
			case schedulerpb.Event_OFFERS:
				for _, o := range ev.GetOffers().GetOffers() {
					agents[o.GetAgentId().GetValue()] = true
					if launched {
						continue
					}
					launched = true
					r, _ := resources.Parse("cpus:0.1;mem:32", "*")
					task := &mesospb.TaskInfo{
						Name: proto.String("hello"), TaskId: &mesospb.TaskID{Value: proto.String("hello")},
						AgentId: o.GetAgentId(), Resources: r.Allocate("*").Protos(),
						Command: &mesospb.CommandInfo{Value: proto.String("echo hello from mesos-local")},
					}
					if err := s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
						OfferIds: []*mesospb.OfferID{o.GetId()},
						Operations: []*mesospb.Offer_Operation{{Type: mesospb.Offer_Operation_LAUNCH.Enum(),
							Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{task}}}},
					}}); err != nil {
						t.Fatal(err)
					}
				}
			case schedulerpb.Event_UPDATE:
				st := ev.GetUpdate().GetStatus()
				if len(st.GetUuid()) > 0 {
					_ = s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
						AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid}})
				}
				switch st.GetState() {
				case mesospb.TaskState_TASK_FINISHED:
					if !strings.Contains(stdout.String(), fmt.Sprintf("master at http://%s", master)) {
						t.Errorf("mesos-local did not say where the master is: %q", stdout.String())
					}
					// --quiet: nothing logged to stderr, the master's
					// records included (they used to be).
					if strings.Contains(stderr.String(), "level=INFO") {
						t.Errorf("--quiet, yet INFO records on stderr:\n%s", stderr.String())
					}
					return
				case mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_ERROR, mesospb.TaskState_TASK_LOST,
					mesospb.TaskState_TASK_DROPPED, mesospb.TaskState_TASK_KILLED:
					t.Fatalf("task ended %s: %s\nstderr: %s", st.GetState(), st.GetMessage(), stderr.String())
				}
			}
		}
	}
}
