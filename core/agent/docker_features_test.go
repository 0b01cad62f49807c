package agent

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/dockertest"
	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// dockerEnvHook is a built-in Hook module of the tests: its
// slavePreLaunchDockerTaskExecutorDecorator adds vars to the executor's
// environment and taskVars to the task's, and records what it was asked.
type dockerEnvHook struct {
	hook.Nop
	vars     map[string]string
	taskVars map[string]string
	mu       sync.Mutex
	reqs     []*hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest
}

func (h *dockerEnvHook) SlavePreLaunchDockerTaskExecutorDecorator(_ context.Context, req *hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
	h.mu.Lock()
	h.reqs = append(h.reqs, req)
	h.mu.Unlock()
	environment := func(vars map[string]string) *mesospb.Environment {
		env := &mesospb.Environment{}
		for k, v := range vars {
			env.Variables = append(env.Variables, &mesospb.Environment_Variable{Name: proto.String(k), Value: proto.String(v)})
		}
		return env
	}
	return &hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse{Info: &hook.DockerTaskExecutorPrepareInfo{
		ExecutorEnvironment: environment(h.vars), TaskEnvironment: environment(h.taskVars)}}, nil
}

func (h *dockerEnvHook) requests() []*hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest(nil), h.reqs...)
}

// processEnvironsWithArg are the environments (one variable a line) of
// the processes whose command line has arg: the executor's, and a
// supervisor's if it has one.
func processEnvironsWithArg(t *testing.T, arg string) []string {
	t.Helper()
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmdline, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !bytes.Contains(append(cmdline, 0), append([]byte(arg), 0)) {
			continue
		}
		environ, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil {
			continue // gone meanwhile
		}
		out = append(out, strings.ReplaceAll(string(environ), "\x00", "\n"))
	}
	return out
}

// TestDockerPreLaunchHookDecoratesTheExecutorEnvironment: two hooks
// named in --hooks are asked before a Docker container's executor is
// launched (Mesos's slavePreLaunchDockerTaskExecutorDecorator) and their
// environments merged in --hooks order (the later wins). As in Mesos the
// variables are the executor's: a custom executor's container has them,
// and for a command task the docker executor's process does (the task's
// container does not).
func TestDockerPreLaunchHookDecoratesTheExecutorEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Docker containers")
	}
	image := dockertest.BusyboxImageWith(t, map[string]string{"custom-executor": staticCustomExecutor(t)})
	env := newDockerEnv(t)
	first := &dockerEnvHook{vars: map[string]string{"HOOK_A": "first", "HOOK_B": "first"},
		taskVars: map[string]string{"TASK_T": "first", "TASK_U": "first"}}
	second := &dockerEnvHook{vars: map[string]string{"HOOK_B": "second"}, taskVars: map[string]string{"TASK_U": "second"}}
	env.cfg.Catalog = testCatalog(t,
		entry(modules.KindHook, "org_example_docker_first", func(map[string]string) (any, error) { return first, nil }),
		entry(modules.KindHook, "org_example_docker_second", func(map[string]string) (any, error) { return second, nil }))
	env.cfg.Modules = manifestOf(t, builtinLib("org_example", mod("org_example_docker_first", "Hook"), mod("org_example_docker_second", "Hook")))
	env.cfg.Hooks = "org_example_docker_first,org_example_docker_second"
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-hooks", false))

	// A custom executor in a container.
	o := s.offer()
	ti := &mesospb.TaskInfo{
		Name:      proto.String("custom"),
		TaskId:    &mesospb.TaskID{Value: proto.String("custom")},
		Resources: mustResources("cpus:0.2;mem:32"),
		Data:      []byte("finish"),
		Executor: &mesospb.ExecutorInfo{
			ExecutorId: &mesospb.ExecutorID{Value: proto.String("hooked-executor")},
			Command:    &mesospb.CommandInfo{Value: proto.String("/custom-executor"), Shell: proto.Bool(false)},
			Resources:  mustResources("cpus:0.1;mem:32"),
			Container: &mesospb.ContainerInfo{
				Type:   mesospb.ContainerInfo_DOCKER.Enum(),
				Docker: &mesospb.ContainerInfo_DockerInfo{Image: proto.String(image)},
			},
		},
	}
	s.launch(o, ti)
	s.waitState("custom", mesospb.TaskState_TASK_FINISHED)
	list := env.containers(t)
	if len(list) != 1 {
		t.Fatalf("containers: %+v", list)
	}
	info, err := env.client.InspectContainer(context.Background(), list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	cenv := strings.Join(info.Config.Env, "\n") + "\n"
	// A custom executor gets the task variables too (it decides what its
	// tasks inherit), as in Mesos.
	for _, want := range []string{"HOOK_A=first\n", "HOOK_B=second\n", "MESOS_EXECUTOR_ID=hooked-executor\n", "TASK_T=first\n", "TASK_U=second\n"} {
		if !strings.Contains(cenv, want) {
			t.Errorf("the executor's container environment lacks %q:\n%s", want, cenv)
		}
	}
	reqs := first.requests()
	if len(reqs) != 1 {
		t.Fatalf("the first hook was asked %d times, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Task != nil || r.GetExecutor().GetExecutorId().GetValue() != "hooked-executor" || r.GetContainerName() != strings.TrimPrefix(list[0].Names[0], "/") ||
		r.GetMappedSandboxDirectory() != engine.DefaultMappedDirectory || r.GetEnv()["MESOS_EXECUTOR_ID"] != "hooked-executor" ||
		!strings.Contains(r.GetContainerWorkDirectory(), "/executors/hooked-executor/runs/") {
		t.Errorf("the hook's request: %v", r)
	}

	// A command task: the docker executor's process has the variables.
	o = s.offer()
	s.launch(o, env.task("command", `trap 'exit 143' TERM; echo "task sees [$HOOK_A] [$TASK_T] [$TASK_U]"; while true; do sleep 0.1; done`, "cpus:0.2;mem:32"))
	s.waitState("command", mesospb.TaskState_TASK_RUNNING)
	reqs = second.requests()
	if len(reqs) != 2 || reqs[1].GetTask().GetTaskId().GetValue() != "command" {
		t.Fatalf("the second hook's requests: %v", reqs)
	}
	name := reqs[1].GetContainerName()
	environs := processEnvironsWithArg(t, "--container="+name)
	if !slices.ContainsFunc(environs, func(e string) bool {
		lines := strings.Split(e, "\n")
		return slices.Contains(lines, "HOOK_A=first") && slices.Contains(lines, "HOOK_B=second") && slices.Contains(lines, "MESOS_EXECUTOR_ID=command")
	}) {
		t.Errorf("no docker executor process (of %d with --container=%s) has the hooks' variables:\n%s", len(environs), name, strings.Join(environs, "\n----\n"))
	}
	eventually(t, "the task's output", func() bool {
		return strings.Contains(sandboxFile(t, env.workDir, "command", "stdout"), "task sees [")
	})
	// The task's container: the hooks' task variables (a later hook's
	// value winning), not the executor's.
	if out := sandboxFile(t, env.workDir, "command", "stdout"); !strings.Contains(out, "task sees [] [first] [second]") {
		t.Errorf("the task's container did not get the hooks' task environment, or got the executor's:\n%s", out)
	}
	s.send(killCall("command", o.GetAgentId()))
	s.waitState("command", mesospb.TaskState_TASK_KILLED)
}

// TestDockerDefaultContainerDNS: with --default_container_dns a task on
// the bridge network gets the bridge's DNS in its /etc/resolv.conf (its
// DockerInfo sets none), and one on the host network does not (Mesos
// configures none for HOST).
func TestDockerDefaultContainerDNS(t *testing.T) {
	env := newDockerEnv(t)
	dns, err := engine.ParseContainerDNS([]byte(`{"docker": [{"network_mode": "BRIDGE", "dns": {"nameservers": ["192.0.2.53"], "search": ["gomesos.example"], "options": ["ndots:3"]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	env.cfg.Docker.DefaultContainerDNS = dns
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-dns", false))
	bridge := env.task("bridge", "cat /etc/resolv.conf", "cpus:0.2;mem:32")
	bridge.Container.Docker.Network = mesospb.ContainerInfo_DockerInfo_BRIDGE.Enum()
	host := env.task("host", "cat /etc/resolv.conf", "cpus:0.2;mem:32")
	s.launch(s.offer(), bridge, host)
	s.waitState("bridge", mesospb.TaskState_TASK_FINISHED)
	s.waitState("host", mesospb.TaskState_TASK_FINISHED)
	resolv := sandboxFile(t, env.workDir, "bridge", "stdout")
	for _, want := range []string{"nameserver 192.0.2.53", "search gomesos.example", "options ndots:3"} {
		if !strings.Contains(resolv, want) {
			t.Errorf("the bridge task's resolv.conf lacks %q:\n%s", want, resolv)
		}
	}
	if resolv := sandboxFile(t, env.workDir, "host", "stdout"); strings.Contains(resolv, "192.0.2.53") {
		t.Errorf("the host network task got the bridge's DNS:\n%s", resolv)
	}
}

// TestDockerCommandHealthCheckRunsInTheContainer: a COMMAND health check
// of a Docker task runs in its container (it tests a file only the task
// made there): TASK_RUNNING healthy; a COMMAND check reports the exit
// code it got in the container.
func TestDockerCommandHealthCheckRunsInTheContainer(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-health", false))
	o := s.offer()
	ti := env.task("healthy", `touch /gomesos-ready; trap 'exit 143' TERM; while true; do sleep 0.1; done`, "cpus:0.2;mem:32")
	ti.HealthCheck = &mesospb.HealthCheck{
		Type:                mesospb.HealthCheck_COMMAND.Enum(),
		Command:             &mesospb.CommandInfo{Value: proto.String("test -f /gomesos-ready")},
		DelaySeconds:        proto.Float64(0),
		IntervalSeconds:     proto.Float64(0.3),
		TimeoutSeconds:      proto.Float64(10),
		GracePeriodSeconds:  proto.Float64(10),
		ConsecutiveFailures: proto.Uint32(3),
	}
	ti.Check = &mesospb.CheckInfo{
		Type: mesospb.CheckInfo_COMMAND.Enum(),
		Command: &mesospb.CheckInfo_Command{Command: &mesospb.CommandInfo{
			Value: proto.String("/bin/sh"), Shell: proto.Bool(false), Arguments: []string{"-c", "test -f /gomesos-ready && exit 7"},
		}},
		DelaySeconds:    proto.Float64(0),
		IntervalSeconds: proto.Float64(0.3),
		TimeoutSeconds:  proto.Float64(10),
	}
	s.launch(o, ti)
	sawHealthy, sawCheck := false, false
	for !sawHealthy || !sawCheck {
		st := s.update("healthy")
		if isTerminal(st.GetState()) {
			t.Fatalf("the task ended: %s %q", st.GetState(), st.GetMessage())
		}
		switch st.GetReason() {
		case mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED:
			if st.GetState() != mesospb.TaskState_TASK_RUNNING || !st.GetHealthy() {
				t.Fatalf("health update %s healthy %v", st.GetState(), st.Healthy)
			}
			sawHealthy = true
		case mesospb.TaskStatus_REASON_TASK_CHECK_STATUS_UPDATED:
			if c := st.GetCheckStatus().GetCommand(); c.ExitCode != nil {
				if c.GetExitCode() != 7 {
					t.Fatalf("check exit code %d, want 7 (the command's in the container)", c.GetExitCode())
				}
				sawCheck = true
			}
		}
	}
	s.send(killCall("healthy", o.GetAgentId()))
	st := s.waitState("healthy", mesospb.TaskState_TASK_KILLED)
	if !st.GetHealthy() {
		t.Errorf("TASK_KILLED of a healthy task: healthy %v", st.Healthy)
	}
}

// TestDockerFailingHealthCheckKillsTheTask: a health check failing
// consecutive_failures times in a row is reported unhealthy each time,
// then the task is killed: TASK_KILLED with healthy false, as Mesos's
// docker executor reports it.
func TestDockerFailingHealthCheckKillsTheTask(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-unhealthy", false))
	ti := env.task("sick", `trap 'exit 143' TERM; while true; do sleep 0.1; done`, "cpus:0.2;mem:32")
	ti.HealthCheck = &mesospb.HealthCheck{
		Type:                mesospb.HealthCheck_COMMAND.Enum(),
		Command:             &mesospb.CommandInfo{Value: proto.String("test -f /never-there")},
		DelaySeconds:        proto.Float64(0),
		IntervalSeconds:     proto.Float64(0.2),
		TimeoutSeconds:      proto.Float64(10),
		GracePeriodSeconds:  proto.Float64(0),
		ConsecutiveFailures: proto.Uint32(2),
	}
	ti.KillPolicy = &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(1e9)}}
	s.launch(s.offer(), ti)
	unhealthy := 0
	for {
		st := s.update("sick")
		if st.GetReason() == mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED {
			if st.GetState() != mesospb.TaskState_TASK_RUNNING || st.Healthy == nil || st.GetHealthy() {
				t.Fatalf("health update %s healthy %v", st.GetState(), st.Healthy)
			}
			unhealthy++
		}
		if isTerminal(st.GetState()) {
			if st.GetState() != mesospb.TaskState_TASK_KILLED || st.Healthy == nil || st.GetHealthy() {
				t.Errorf("terminal update %s (%s) healthy %v, want TASK_KILLED unhealthy", st.GetState(), st.GetMessage(), st.Healthy)
			}
			break
		}
	}
	if unhealthy != 2 {
		t.Errorf("%d unhealthy updates, want 2 (consecutive_failures)", unhealthy)
	}
}

// TestDockerHTTPHealthCheckInTheContainersNetwork: an HTTP health check
// and a TCP check of a task on the bridge network reach the container's
// loopback port from its network namespace (nothing listens there on the
// host), as Mesos's docker executor's do.
func TestDockerHTTPHealthCheckInTheContainersNetwork(t *testing.T) {
	env := newDockerEnv(t)
	startAgent(t, env.cfg)
	s := subscribeScheduler(t, env.master.addr, frameworkInfo("docker-http-health", false))
	o := s.offer()
	ti := env.task("web", `echo ok > /mnt/mesos/sandbox/health; exec httpd -f -p 127.0.0.1:8931 -h /mnt/mesos/sandbox`, "cpus:0.2;mem:32")
	ti.Container.Docker.Network = mesospb.ContainerInfo_DockerInfo_BRIDGE.Enum()
	ti.HealthCheck = &mesospb.HealthCheck{
		Type:                mesospb.HealthCheck_HTTP.Enum(),
		Http:                &mesospb.HealthCheck_HTTPCheckInfo{Port: proto.Uint32(8931), Path: proto.String("/health")},
		DelaySeconds:        proto.Float64(0),
		IntervalSeconds:     proto.Float64(0.3),
		TimeoutSeconds:      proto.Float64(5),
		GracePeriodSeconds:  proto.Float64(20),
		ConsecutiveFailures: proto.Uint32(3),
	}
	ti.Check = &mesospb.CheckInfo{
		Type:            mesospb.CheckInfo_TCP.Enum(),
		Tcp:             &mesospb.CheckInfo_Tcp{Port: proto.Uint32(8931)},
		DelaySeconds:    proto.Float64(0),
		IntervalSeconds: proto.Float64(0.3),
		TimeoutSeconds:  proto.Float64(5),
	}
	s.launch(o, ti)
	sawHealthy, sawCheck := false, false
	for !sawHealthy || !sawCheck {
		st := s.update("web")
		if isTerminal(st.GetState()) {
			t.Fatalf("the task ended: %s %q", st.GetState(), st.GetMessage())
		}
		switch st.GetReason() {
		case mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED:
			if !st.GetHealthy() {
				t.Fatalf("the HTTP health check failed")
			}
			if len(st.GetContainerStatus().GetNetworkInfos()) != 1 {
				t.Errorf("the health update lacks the container's address: %v", st.GetContainerStatus())
			}
			sawHealthy = true
		case mesospb.TaskStatus_REASON_TASK_CHECK_STATUS_UPDATED:
			// The first result may come before httpd listens.
			sawCheck = st.GetCheckStatus().GetTcp().GetSucceeded()
		}
	}
	s.send(killCall("web", o.GetAgentId()))
	s.waitState("web", mesospb.TaskState_TASK_KILLED)
}
