package agent

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/dockertest"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
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
	second.waitRegistered(t)
	defer func() {
		if t.Failed() {
			t.Logf("executor's stderr:\n%s", sandboxFile(t, env.workDir, "survivor", "stderr"))
		}
	}()
	s.send(killCall("survivor", o.GetAgentId()))
	s.waitState("survivor", mesospb.TaskState_TASK_KILLED)
}

// staticCustomExecutor builds the tests' custom executor (testdata/
// customexecutor) statically, to run in a FROM scratch image.
func staticCustomExecutor(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "custom-executor")
	cmd := exec.Command("go", "build", "-o", out, "./testdata/customexecutor")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the custom executor: %v\n%s", err, b)
	}
	return out
}

// TestDockerCustomExecutorInContainer: a task whose ExecutorInfo has a
// DOCKER ContainerInfo runs its executor as the Docker container, as
// Mesos's Docker containerizer does: the executor (the tests' custom
// executor, in a FROM scratch image) subscribes to the agent over the
// host network at MESOS_AGENT_ENDPOINT, gets the task, reports
// TASK_RUNNING and TASK_FINISHED, and its output lands in the sandbox; a
// second task joins it in the same container, and once that is killed the
// executor exits and so does the container.
func TestDockerCustomExecutorInContainer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Docker containers")
	}
	image := dockertest.BusyboxImageWith(t, map[string]string{"custom-executor": staticCustomExecutor(t)})
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-custom", false))
	o := s.offer()
	ti := &mesospb.TaskInfo{
		Name:      proto.String("job"),
		TaskId:    &mesospb.TaskID{Value: proto.String("job")},
		Resources: mustResources("cpus:0.2;mem:32"),
		Data:      []byte("finish"),
		Executor: &mesospb.ExecutorInfo{
			ExecutorId: &mesospb.ExecutorID{Value: proto.String("in-docker")},
			Command: &mesospb.CommandInfo{
				Value: proto.String("/custom-executor"), Shell: proto.Bool(false),
				Environment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{{Name: proto.String("FROM_COMMAND"), Value: proto.String("yes")}}},
			},
			Resources: mustResources("cpus:0.1;mem:32"),
			Container: &mesospb.ContainerInfo{
				Type:   mesospb.ContainerInfo_DOCKER.Enum(),
				Docker: &mesospb.ContainerInfo_DockerInfo{Image: proto.String(image)},
			},
		},
	}
	s.launch(o, ti)
	s.waitState("job", mesospb.TaskState_TASK_RUNNING)
	s.waitState("job", mesospb.TaskState_TASK_FINISHED)

	list := env.containers(t)
	if len(list) != 1 || !strings.HasPrefix(list[0].Names[0], "/mesos-") {
		t.Fatalf("containers: %+v", list)
	}
	ctx := context.Background()
	info, err := env.client.InspectContainer(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if info.HostConfig.NetworkMode != "host" {
		t.Errorf("NetworkMode %q, want host", info.HostConfig.NetworkMode)
	}
	cenv := strings.Join(info.Config.Env, "\n") + "\n"
	for _, want := range []string{"MESOS_SANDBOX=/mnt/mesos/sandbox\n", "MESOS_EXECUTOR_ID=in-docker\n", "MESOS_AGENT_ENDPOINT=", "FROM_COMMAND=yes\n"} {
		if !strings.Contains(cenv, want) {
			t.Errorf("the container's environment lacks %q:\n%s", want, cenv)
		}
	}
	if out := sandboxFile(t, env.workDir, "in-docker", "stdout"); !strings.Contains(out, "custom executor started") || !strings.Contains(out, "event LAUNCH") {
		t.Errorf("the executor's output is not in the sandbox:\n%s", out)
	}

	// A second task on the same executor: the container grows to the
	// executor's and the task's resources (0.3 cpus, 64 MB) while it
	// runs; killed, the executor reports it and exits, and so does the
	// container.
	second := proto.CloneOf(ti)
	second.TaskId.Value, second.Name, second.Data = proto.String("long"), proto.String("long"), nil
	o = s.offer()
	s.launch(o, second)
	s.waitState("long", mesospb.TaskState_TASK_RUNNING)
	eventually(t, "the container's resources to follow the task's", func() bool {
		info, err := env.client.InspectContainer(ctx, list[0].ID)
		return err == nil && info.HostConfig.CPUShares == 307 && info.HostConfig.Memory == 64<<20
	})
	s.send(killCall("long", o.GetAgentId()))
	s.waitState("long", mesospb.TaskState_TASK_KILLED)
	eventually(t, "the executor's container to exit", func() bool {
		info, err := env.client.InspectContainer(ctx, list[0].ID)
		return err == nil && !info.State.Running
	})
	if len(env.containers(t)) != 1 {
		t.Errorf("the second task started a container of its own: %+v", env.containers(t))
	}
}

// TestDockerCustomExecutorSurvivesAgentRestart: the container of a
// checkpointing framework's executor keeps running while the agent is
// down, the restarted agent recovers it (it is no orphan), the executor
// subscribes again and still gets its task killed.
func TestDockerCustomExecutorSurvivesAgentRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Docker containers")
	}
	image := dockertest.BusyboxImageWith(t, map[string]string{"custom-executor": staticCustomExecutor(t)})
	env := newDockerEnv(t)
	first := startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-custom-restart", true))
	o := s.offer()
	ti := &mesospb.TaskInfo{
		Name:      proto.String("kept"),
		TaskId:    &mesospb.TaskID{Value: proto.String("kept")},
		Resources: mustResources("cpus:0.2;mem:32"),
		Executor: &mesospb.ExecutorInfo{
			ExecutorId: &mesospb.ExecutorID{Value: proto.String("kept-executor")},
			Command:    &mesospb.CommandInfo{Value: proto.String("/custom-executor"), Shell: proto.Bool(false)},
			Resources:  mustResources("cpus:0.1;mem:32"),
			Container: &mesospb.ContainerInfo{
				Type:   mesospb.ContainerInfo_DOCKER.Enum(),
				Docker: &mesospb.ContainerInfo_DockerInfo{Image: proto.String(image)},
			},
		},
	}
	s.launch(o, ti)
	s.waitState("kept", mesospb.TaskState_TASK_RUNNING)
	before := env.containers(t)
	if len(before) != 1 {
		t.Fatalf("containers: %+v", before)
	}

	first.stop(t)
	ctx := context.Background()
	if info, err := env.client.InspectContainer(ctx, before[0].ID); err != nil || !info.State.Running {
		t.Fatalf("the executor's container did not outlive the agent: %v %+v", err, info.State)
	}
	cfg := env.cfg
	cfg.Port = first.port // where the executor looks for its agent
	second := startAgent(t, cfg)
	eventually(t, "the executor to subscribe again", func() bool {
		return strings.Count(sandboxFile(t, env.workDir, "kept-executor", "stdout"), "event SUBSCRIBED") == 2
	})
	second.waitRegistered(t)
	if info, err := env.client.InspectContainer(ctx, before[0].ID); err != nil || !info.State.Running {
		t.Fatalf("the recovered container is not running: %v %+v", err, info.State)
	}
	s.send(killCall("kept", o.GetAgentId()))
	s.waitState("kept", mesospb.TaskState_TASK_KILLED)
	eventually(t, "the executor's container to exit", func() bool {
		info, err := env.client.InspectContainer(ctx, before[0].ID)
		return err == nil && !info.State.Running
	})
}

// TestDockerTaskPersistentVolume: a Docker task launched on a persistent
// volume finds it at $MESOS_SANDBOX/<container_path> (Mesos mounts it
// into the sandbox), what it writes lands in the volume under the agent's
// work_dir, and a later Docker task on the same volume reads it back.
func TestDockerTaskPersistentVolume(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	info := frameworkInfo("docker-volumes", false)
	info.Roles = []string{"vol"}
	s := subscribeScheduler(t, env.master.addr, info)

	o := s.offer()
	reserve := func(text string) []*mesospb.Resource {
		rs := mustResources(text)
		for _, r := range rs {
			r.AllocationInfo.Role = proto.String("vol")
			r.Reservations = []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("vol")}}
		}
		return rs
	}
	reserved := reserve("cpus:0.4;mem:128;disk:32")
	volume := proto.CloneOf(reserved[2])
	volume.Disk = &mesospb.Resource_DiskInfo{
		Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String("dv1")},
		Volume:      &mesospb.Volume{ContainerPath: proto.String("data"), Mode: mesospb.Volume_RW.Enum()},
	}
	writer := env.task("writer", `echo kept > $MESOS_SANDBOX/data/proof`, "cpus:0.1;mem:32")
	writer.Resources = append(reserve("cpus:0.1;mem:32"), volume)
	writer.AgentId = o.GetAgentId()
	s.send(&schedulerpb.Call{
		Type: schedulerpb.Call_ACCEPT.Enum(),
		Accept: &schedulerpb.Call_Accept{
			OfferIds: []*mesospb.OfferID{o.GetId()},
			Operations: []*mesospb.Offer_Operation{
				{Type: mesospb.Offer_Operation_RESERVE.Enum(), Reserve: &mesospb.Offer_Operation_Reserve{Resources: reserved}},
				{Type: mesospb.Offer_Operation_CREATE.Enum(), Create: &mesospb.Offer_Operation_Create{Volumes: []*mesospb.Resource{volume}}},
				{Type: mesospb.Offer_Operation_LAUNCH.Enum(), Launch: &mesospb.Offer_Operation_Launch{TaskInfos: []*mesospb.TaskInfo{writer}}},
			},
			Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(0)},
		},
	})
	s.waitState("writer", mesospb.TaskState_TASK_FINISHED)
	if b, err := os.ReadFile(filepath.Join(env.workDir, "volumes", "roles", "vol", "dv1", "proof")); err != nil || string(b) != "kept\n" {
		t.Fatalf("the volume holds %q, %v; want what the task wrote", b, err)
	}

	var again *mesospb.Offer
	s.next("an offer with volume dv1", func(e *schedulerpb.Event) bool {
		for _, o := range e.GetOffers().GetOffers() {
			for _, r := range o.GetResources() {
				if r.GetDisk().GetPersistence().GetId() == "dv1" {
					again = o
					return true
				}
			}
		}
		return false
	})
	// Read-only this time: the read works, a write fails.
	ro := proto.CloneOf(volume)
	ro.Disk.Volume.Mode = mesospb.Volume_RO.Enum()
	reader := env.task("reader", `grep -qx kept /mnt/mesos/sandbox/data/proof && ! touch /mnt/mesos/sandbox/data/new 2>/dev/null`, "cpus:0.1;mem:32")
	reader.Resources = append(reserve("cpus:0.1;mem:32"), ro)
	s.launch(again, reader)
	s.waitState("reader", mesospb.TaskState_TASK_FINISHED)
	if _, err := os.Stat(filepath.Join(env.workDir, "volumes", "roles", "vol", "dv1", "new")); !os.IsNotExist(err) {
		t.Errorf("a read-only volume was written: %v", err)
	}
}

// TestDockerCustomExecutorBadContainerInfoFailsTheTask: an executor
// container Docker cannot be asked for (port mappings on the host
// network) fails the launch, and the task says why.
func TestDockerCustomExecutorBadContainerInfoFailsTheTask(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-custom-bad", false))
	ti := commandTask("bad", "true", "cpus:0.2;mem:32")
	ti.Command = nil
	ti.Executor = &mesospb.ExecutorInfo{
		ExecutorId: &mesospb.ExecutorID{Value: proto.String("bad-executor")},
		Command:    &mesospb.CommandInfo{Value: proto.String("/bin/true"), Shell: proto.Bool(false)},
		Resources:  mustResources("cpus:0.1;mem:32"),
		Container: &mesospb.ContainerInfo{
			Type: mesospb.ContainerInfo_DOCKER.Enum(),
			Docker: &mesospb.ContainerInfo_DockerInfo{
				Image:        proto.String(env.image),
				PortMappings: []*mesospb.ContainerInfo_DockerInfo_PortMapping{{HostPort: proto.Uint32(31001), ContainerPort: proto.Uint32(80)}},
			},
		},
	}
	s.launch(s.offer(), ti)
	st := s.waitState("bad", mesospb.TaskState_TASK_FAILED)
	if !strings.Contains(st.GetMessage(), "port mappings are only supported for bridge") {
		t.Errorf("message %q does not say why", st.GetMessage())
	}
	if st.GetReason() != mesospb.TaskStatus_REASON_CONTAINER_LAUNCH_FAILED {
		t.Errorf("reason %s", st.GetReason())
	}
	if list := env.containers(t); len(list) != 0 {
		t.Errorf("a container was created: %+v", list)
	}
}
