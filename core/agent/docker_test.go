package agent

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/dockertest"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// The Docker containerizer end to end: a real master, a real agent with
// --containerizers=docker,mesos, a real Docker daemon and a busybox image
// built for the test (no registry).

type dockerEnv struct {
	client  *engine.Client
	image   string
	master  *testMaster
	workDir string
	cfg     Config
}

func newDockerEnv(t *testing.T) *dockerEnv {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Docker containers")
	}
	image := dockertest.BusyboxImage(t)
	env := &dockerEnv{client: dockertest.Client(t), image: image, master: startMaster(t), workDir: t.TempDir()}
	env.cfg = agentConfig(t, env.master.addr, env.workDir)
	env.cfg.Containerizers = []string{"docker", "mesos"}
	env.cfg.Docker = DockerConfig{Socket: engine.DefaultSocket, KillOrphans: true, RemoveDelay: time.Hour, MappedDirectory: engine.DefaultMappedDirectory}
	dockertest.RemoveContainersOf(t, env.client, env.dockerRuntimeDir())
	return env
}

// dockerRuntimeDir is the value of the agent's containers' owner label.
func (e *dockerEnv) dockerRuntimeDir() string { return filepath.Join(e.workDir, "run", "docker") }

// containers are the agent's Docker containers.
func (e *dockerEnv) containers(t *testing.T) []engine.ContainerSummary {
	t.Helper()
	list, err := e.client.ListContainers(context.Background(), engine.LabelOwner+"="+e.dockerRuntimeDir())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (e *dockerEnv) task(id, command, res string) *mesospb.TaskInfo {
	ti := commandTask(id, command, res)
	ti.Container = &mesospb.ContainerInfo{
		Type:   mesospb.ContainerInfo_DOCKER.Enum(),
		Docker: &mesospb.ContainerInfo_DockerInfo{Image: proto.String(e.image)},
	}
	return ti
}

// sandboxFile reads a file of a task's latest run.
func sandboxFile(t *testing.T, workDir, taskID, name string) string {
	t.Helper()
	var matches []string
	all, _ := filepath.Glob(filepath.Join(workDir, "slaves", "*", "frameworks", "*", "executors", taskID, "runs", "latest", name))
	for _, m := range all {
		if !strings.Contains(m, "/slaves/latest/") {
			matches = append(matches, m)
		}
	}
	if len(matches) != 1 {
		t.Fatalf("sandbox file %s of %s: found %v", name, taskID, matches)
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDockerTaskFinishesWithItsOutputInTheSandbox(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker", false))
	s.launch(s.offer(), env.task("hello", `echo "hello from $MESOS_CONTAINER_NAME in $MESOS_SANDBOX"; echo oops >&2; ls /mnt/mesos/sandbox`, "cpus:0.5;mem:64"))
	if st := s.update("hello"); st.GetState() != mesospb.TaskState_TASK_STARTING {
		t.Fatalf("first update %s, want TASK_STARTING", st.GetState())
	}
	running := s.waitState("hello", mesospb.TaskState_TASK_RUNNING)
	if !strings.Contains(string(running.GetData()), `"Image"`) {
		t.Errorf("TASK_RUNNING data is not the container's inspect output: %.200s", running.GetData())
	}
	done := s.waitState("hello", mesospb.TaskState_TASK_FINISHED)
	if done.GetMessage() != "Container exited with status 0" {
		t.Errorf("message %q", done.GetMessage())
	}
	stdout := sandboxFile(t, env.workDir, "hello", "stdout")
	if !strings.Contains(stdout, "hello from mesos-") || !strings.Contains(stdout, "in /mnt/mesos/sandbox") {
		t.Errorf("stdout lacks the task's output:\n%s", stdout)
	}
	// The sandbox is the container's /mnt/mesos/sandbox: it lists its
	// own stdout and stderr.
	if !strings.Contains(stdout, "stderr") {
		t.Errorf("the sandbox is not mounted in the container:\n%s", stdout)
	}
	if stderr := sandboxFile(t, env.workDir, "hello", "stderr"); !strings.Contains(stderr, "oops") {
		t.Errorf("stderr lacks the task's output:\n%s", stderr)
	}
}

func TestDockerFailingCommandFailsTheTask(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker", false))
	s.launch(s.offer(), env.task("fail", "exit 3", "cpus:0.5;mem:64"))
	st := s.waitState("fail", mesospb.TaskState_TASK_FAILED)
	if st.GetMessage() != "Container exited with status 3" {
		t.Errorf("message %q, want %q", st.GetMessage(), "Container exited with status 3")
	}
}

func TestDockerMissingImageFailsWithThePullError(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker", false))
	// A registry on loopback port 1 refuses at once: no host is contacted.
	missing := "localhost:1/" + dockertest.Prefix + "missing:v1"
	ti := env.task("missing", "true", "cpus:0.5;mem:64")
	ti.Container.Docker.Image = proto.String(missing)
	s.launch(s.offer(), ti)
	st := s.waitState("missing", mesospb.TaskState_TASK_FAILED)
	if !strings.Contains(st.GetMessage(), "Failed to pull image '"+missing+"'") {
		t.Errorf("message %q does not name the image's pull failure", st.GetMessage())
	}
	if st.GetReason() != mesospb.TaskStatus_REASON_CONTAINER_LAUNCH_FAILED {
		t.Errorf("reason %s", st.GetReason())
	}
}

func TestDockerKillStopsGracefullyWithLimitsInHostConfig(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker", false))
	o := s.offer()
	s.launch(o, env.task("sleeper", `trap 'echo stopping gracefully; exit 143' TERM; echo started; while true; do sleep 0.1; done`, "cpus:0.5;mem:96"))
	s.waitState("sleeper", mesospb.TaskState_TASK_RUNNING)

	list := env.containers(t)
	if len(list) != 1 || !strings.HasPrefix(list[0].Names[0], "/mesos-") {
		t.Fatalf("containers: %+v", list)
	}
	info, err := env.client.InspectContainer(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	// The task's and its executor's resources (0.1 cpus, 32 MB): 0.6
	// cpus are 614 shares (truncated, as Mesos does).
	if got, want := info.HostConfig.CPUShares, int64(614); got != want {
		t.Errorf("CpuShares %d, want %d", got, want)
	}
	if got, want := info.HostConfig.Memory, int64(128<<20); got != want {
		t.Errorf("Memory %d, want %d", got, want)
	}
	if info.HostConfig.NetworkMode != "host" {
		t.Errorf("NetworkMode %q, want host (DockerInfo's default)", info.HostConfig.NetworkMode)
	}

	eventually(t, "the task's first output", func() bool {
		return strings.Contains(sandboxFile(t, env.workDir, "sleeper", "stdout"), "started")
	})
	s.send(killCall("sleeper", o.GetAgentId()))
	st := s.waitState("sleeper", mesospb.TaskState_TASK_KILLED)
	if st.GetMessage() != "Container exited with status 143" {
		t.Errorf("message %q", st.GetMessage())
	}
	if out := sandboxFile(t, env.workDir, "sleeper", "stdout"); !strings.Contains(out, "stopping gracefully") {
		t.Errorf("the container was not stopped with SIGTERM first:\n%s", out)
	}
}

func TestDockerBridgeNetworkPublishesMappedPort(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker", false))
	const hostPort = 31042
	ti := env.task("web", `echo served-by-docker > /mnt/mesos/sandbox/index.html; exec httpd -f -p 8080 -h /mnt/mesos/sandbox`, "cpus:0.5;mem:64")
	ti.Resources = append(ti.Resources, &mesospb.Resource{
		Name: proto.String("ports"), Type: mesospb.Value_RANGES.Enum(),
		Ranges:         &mesospb.Value_Ranges{Range: []*mesospb.Value_Range{{Begin: proto.Uint64(hostPort), End: proto.Uint64(hostPort)}}},
		AllocationInfo: &mesospb.Resource_AllocationInfo{Role: proto.String("*")},
	})
	ti.Container.Docker.Network = mesospb.ContainerInfo_DockerInfo_BRIDGE.Enum()
	ti.Container.Docker.PortMappings = []*mesospb.ContainerInfo_DockerInfo_PortMapping{{
		HostPort: proto.Uint32(hostPort), ContainerPort: proto.Uint32(8080), Protocol: proto.String("tcp"),
	}}
	o := s.offer()
	s.launch(o, ti)
	running := s.waitState("web", mesospb.TaskState_TASK_RUNNING)
	ips := running.GetContainerStatus().GetNetworkInfos()
	if len(ips) != 1 || len(ips[0].GetIpAddresses()) == 0 || ips[0].GetIpAddresses()[0].GetIpAddress() == "" {
		t.Errorf("TASK_RUNNING has no container address: %v", running.GetContainerStatus())
	}
	var body string
	eventually(t, "the published port to answer", func() bool {
		resp, err := http.Get("http://127.0.0.1:31042/index.html")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body = string(b)
		return resp.StatusCode == http.StatusOK
	})
	if strings.TrimSpace(body) != "served-by-docker" {
		t.Errorf("body %q", body)
	}
	s.send(killCall("web", o.GetAgentId()))
	s.waitState("web", mesospb.TaskState_TASK_KILLED)
}

func TestDockerTaskSurvivesAgentRestartAndOrphansAreRemoved(t *testing.T) {
	env := newDockerEnv(t)
	first := startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker", true))
	o := s.offer()
	s.launch(o, env.task("survivor", `trap 'exit 143' TERM; while true; do sleep 0.1; done`, "cpus:0.5;mem:64"))
	s.waitState("survivor", mesospb.TaskState_TASK_RUNNING)
	before := env.containers(t)
	if len(before) != 1 {
		t.Fatalf("containers: %+v", before)
	}

	// A container of this agent that no executor of it runs: an orphan.
	ctx := context.Background()
	orphan := dockertest.Prefix + "orphan-" + strings.TrimPrefix(before[0].ID[:12], "/")
	if _, err := env.client.CreateContainer(ctx, orphan, &engine.CreateConfig{
		Image: env.image, Cmd: []string{"sleep", "1000"}, Labels: map[string]string{engine.LabelOwner: env.dockerRuntimeDir()},
		HostConfig: engine.HostConfig{NetworkMode: "none"},
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.client.RemoveContainer(context.Background(), orphan, true) })

	first.stop(t)
	cfg := env.cfg
	cfg.Port = first.port        // where the executor looks for its agent
	second := startAgent(t, cfg) // --recover=reconnect (the default)
	eventually(t, "the orphan to be removed", func() bool {
		_, err := env.client.InspectContainer(ctx, orphan)
		return engine.IsNotFound(err)
	})
	info, err := env.client.InspectContainer(ctx, before[0].ID)
	if err != nil || !info.State.Running {
		t.Fatalf("the task's container did not survive the restart: %v %+v", err, info.State)
	}

	// The recovered container's usage comes from Docker's stats.
	var stats string
	eventually(t, "the container's statistics", func() bool {
		resp, err := http.Get(second.url("/monitor/statistics.json"))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		stats = string(b)
		return strings.Contains(stats, `"mem_total_bytes"`)
	})
	if !strings.Contains(stats, `"survivor"`) || !strings.Contains(stats, `"cpus_limit":0.6`) {
		t.Errorf("statistics: %s", stats)
	}

	// The executor reconnects (its second subscription) and still kills
	// its task.
	eventually(t, "the executor to reconnect", func() bool {
		return strings.Count(sandboxFile(t, env.workDir, "survivor", "stderr"), "Registered docker executor") == 2
	})
	eventually(t, "re-registration", func() bool {
		var ok bool
		_ = second.call(t.Context(), func() { ok = second.state == stateRunning })
		return ok
	})
	defer func() {
		if t.Failed() {
			t.Logf("executor's stderr:\n%s", sandboxFile(t, env.workDir, "survivor", "stderr"))
		}
	}()
	s.send(killCall("survivor", o.GetAgentId()))
	s.waitState("survivor", mesospb.TaskState_TASK_KILLED)
}
