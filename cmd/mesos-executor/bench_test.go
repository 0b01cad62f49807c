package main

import (
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

var benchBuilds = flag.String("bench.builds", "", "executor builds to compare, alternating: name=DIR,name=DIR (DIR holds mesos-executor); default: this source, built as make build does (CGO_ENABLED=0)")

// BenchmarkCommandExecutor runs the command executor, one at a time,
// against a fake agent that subscribes it, launches the task `true` and
// acknowledges its three updates, and reports the CPU time of each run:
// the executor's start, registration, task, updates and exit, plus
// `sh -c true` (getrusage of the reaped process, children included).
// With -bench.builds the builds take turns, so load from other jobs falls
// on each alike.
func BenchmarkCommandExecutor(b *testing.B) {
	builds := benchExecutorBuilds(b)
	agent := newBenchAgent(b)
	sandbox := b.TempDir()
	cpu := make([]float64, len(builds))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, build := range builds {
			cpu[j] += runExecutor(b, build.path, agent.URL, sandbox)
		}
	}
	for j, build := range builds {
		b.ReportMetric(cpu[j]/float64(b.N), "cpu-ms/run-"+build.name)
	}
}

// runExecutor runs the executor at path to its end against the agent at
// url and returns the CPU-ms it and its reaped children used.
func runExecutor(tb testing.TB, path, url, sandbox string) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = append(os.Environ(), "MESOS_FRAMEWORK_ID=f", "MESOS_EXECUTOR_ID=e",
		"MESOS_AGENT_ENDPOINT="+strings.TrimPrefix(url, "http://"), "MESOS_SANDBOX="+sandbox)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("%s: %v\n%s", path, err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

type executorBuild struct{ name, path string }

// buildExecutor builds this source as make build does (statically).
func buildExecutor(tb testing.TB) string {
	dir := tb.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/", ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build mesos-executor: %v\n%s", err, out)
	}
	return dir + "/mesos-executor"
}

func benchExecutorBuilds(b *testing.B) []executorBuild {
	if *benchBuilds == "" {
		return []executorBuild{{"this", buildExecutor(b)}}
	}
	var builds []executorBuild
	for _, spec := range strings.Split(*benchBuilds, ",") {
		name, dir, ok := strings.Cut(spec, "=")
		if !ok {
			b.Fatalf("-bench.builds: %q: want name=DIR", spec)
		}
		path := dir + "/mesos-executor"
		if _, err := os.Stat(path); err != nil {
			b.Fatalf("-bench.builds: %v", err)
		}
		builds = append(builds, executorBuild{name, path})
	}
	return builds
}

// newBenchAgent serves the executor API as the agent would for one
// command task at a time: SUBSCRIBED and LAUNCH on the subscription, an
// acknowledgement on it for each update.
func newBenchAgent(tb testing.TB) *httptest.Server {
	acks := make(chan *executorpb.Event, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var call executorpb.Call
		codec, err := httpapi.DecodeRequest(r, &call, 0)
		if err != nil {
			httpapi.WriteError(w, err)
			return
		}
		switch call.GetType() {
		case executorpb.Call_SUBSCRIBE:
			out, err := httpapi.StartStream(w, codec, "")
			if err != nil {
				return
			}
			for _, ev := range benchEvents(&call) {
				if out.Send(ev) != nil {
					return
				}
			}
			for {
				select {
				case ev := <-acks:
					if out.Send(ev) != nil {
						return
					}
				case <-r.Context().Done():
					return
				}
			}
		case executorpb.Call_UPDATE:
			st := call.GetUpdate().GetStatus()
			w.WriteHeader(http.StatusAccepted)
			acks <- &executorpb.Event{Type: executorpb.Event_ACKNOWLEDGED.Enum(),
				Acknowledged: &executorpb.Event_Acknowledged{TaskId: st.GetTaskId(), Uuid: st.GetUuid()}}
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// benchEvents are SUBSCRIBED and LAUNCH as the agent sends them for a
// command task (cpus:0.01;mem:32, `true`).
func benchEvents(call *executorpb.Call) []*executorpb.Event {
	scalar := func(name string, v float64) *mesospb.Resource {
		return &mesospb.Resource{Name: proto.String(name), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)}}
	}
	agentID := &mesospb.AgentID{Value: proto.String("a")}
	return []*executorpb.Event{
		{Type: executorpb.Event_SUBSCRIBED.Enum(), Subscribed: &executorpb.Event_Subscribed{
			ExecutorInfo: &mesospb.ExecutorInfo{ExecutorId: call.GetExecutorId(), FrameworkId: call.GetFrameworkId(),
				Command: &mesospb.CommandInfo{Value: proto.String("mesos-executor")}, Resources: []*mesospb.Resource{scalar("cpus", 0.1), scalar("mem", 32)}},
			FrameworkInfo: &mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String("bench"), Id: call.GetFrameworkId()},
			AgentInfo:     &mesospb.AgentInfo{Hostname: proto.String("localhost"), Id: agentID},
			ContainerId:   &mesospb.ContainerID{Value: proto.String("c")},
		}},
		{Type: executorpb.Event_LAUNCH.Enum(), Launch: &executorpb.Event_Launch{Task: &mesospb.TaskInfo{
			Name: proto.String("t"), TaskId: &mesospb.TaskID{Value: proto.String("t")}, AgentId: agentID,
			Resources: []*mesospb.Resource{scalar("cpus", 0.01), scalar("mem", 32)},
			Command:   &mesospb.CommandInfo{Value: proto.String("true")},
		}}},
	}
}

// The benchmark's agent speaks the agent's protocol: the executor, built
// statically, runs its task to the end against it and exits 0 (a hang or
// failure here would make the benchmark's numbers meaningless).
func TestBenchAgentRunsAnExecutor(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the executor")
	}
	agent := newBenchAgent(t)
	if cpu := runExecutor(t, buildExecutor(t), agent.URL, t.TempDir()); cpu <= 0 {
		t.Errorf("CPU time %v ms, want > 0", cpu)
	}
}
