package executors

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// logsDrainTimeout bounds the wait for a stopped container's last output
// before its terminal update.
const logsDrainTimeout = 5 * time.Second

// mainDocker runs the docker executor (Mesos's mesos-docker-executor):
// it runs the one task of a DOCKER ContainerInfo in a Docker container
// named by --container, with the sandbox mounted at --mapped_directory,
// its output copied to the executor's (the sandbox's stdout and stderr),
// and reports TASK_STARTING, TASK_RUNNING (with the container's inspect
// output as data and its addresses), the task's health check and check
// results (docker_checks.go) and the container's end.
func mainDocker(args []string, lookup func(string) (string, bool), log *slog.Logger) int {
	flags, err := parseDockerFlags(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mesos-docker-executor:", err)
		return 1
	}
	if flags.executorContainer != "" {
		return runExecutorContainer(flags, log)
	}
	env, err := ParseEnv(lookup)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The deprecated --stop_timeout wins when longer, as in Mesos.
	env.ShutdownGracePeriod = max(env.ShutdownGracePeriod, flags.stopTimeout)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	x := &dockerExecutor{
		flags: flags, env: env, log: log, docker: engine.NewClient(flags.socket),
		client: NewClient(env, log), work: make(chan func(), 64), started: make(chan struct{}),
	}
	return x.run(ctx, sigs)
}

// dockerExecutor is the docker executor's state, owned by its loop.
type dockerExecutor struct {
	flags  *dockerFlags
	env    Env
	log    *slog.Logger
	docker *engine.Client
	client *Client
	work   chan func()

	framework *mesospb.FrameworkInfo
	executor  *mesospb.ExecutorInfo
	task      *mesospb.TaskInfo
	shutdown  bool
	// started is closed once the container was started (or failed to
	// be): a kill waits for it, as Mesos's waits for docker inspect.
	started    chan struct{}
	killed     bool
	killing    bool
	terminated bool
	clientGone bool
	doneAt     time.Time

	// ctx is the executor's run's (set by run).
	ctx context.Context
	// The task's health check and check (docker_checks.go).
	stopChecks     context.CancelFunc
	health         *healthState
	healthy        *bool
	lastCheck      *mesospb.CheckStatusInfo
	killedByHealth bool
	// network is the container's address, reported with TASK_RUNNING.
	network *mesospb.NetworkInfo
}

func (x *dockerExecutor) post(fn func()) { x.work <- fn }

func (x *dockerExecutor) run(ctx context.Context, sigs <-chan os.Signal) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	x.ctx = ctx
	clientDone := make(chan error, 1)
	go func() { clientDone <- x.client.Run(ctx) }()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if code, done := x.finished(); done {
			return code
		}
		select {
		case ev := <-x.client.Events():
			x.handle(ctx, ev)
		case fn := <-x.work:
			fn()
		case <-x.client.Acked():
		case <-tick.C:
		case <-sigs:
			x.log.Info("received a termination signal; shutting down")
			x.shutdownTask(ctx)
		case err := <-clientDone:
			if err != nil {
				x.log.Error("giving up on the agent; shutting down", "error", err)
				x.clientGone = true
				x.shutdownTask(ctx)
			}
			clientDone = nil
		}
	}
}

// finished reports whether the executor may exit: its task ended (or it
// was shut down without one) and the agent has its updates.
func (x *dockerExecutor) finished() (int, bool) {
	if x.task != nil && !x.terminated || x.task == nil && !x.shutdown {
		return 0, false
	}
	return readyToExit(&x.doneAt, x.client, x.env, x.clientGone, x.log)
}

func (x *dockerExecutor) handle(ctx context.Context, ev *executorpb.Event) {
	switch ev.GetType() {
	case executorpb.Event_SUBSCRIBED:
		x.framework = ev.GetSubscribed().GetFrameworkInfo()
		x.executor = ev.GetSubscribed().GetExecutorInfo()
		x.log.Info("Registered docker executor", "agent", ev.GetSubscribed().GetAgentInfo().GetHostname())
	case executorpb.Event_LAUNCH:
		x.launch(ctx, ev.GetLaunch().GetTask())
	case executorpb.Event_LAUNCH_GROUP:
		for _, t := range ev.GetLaunchGroup().GetTaskGroup().GetTasks() {
			x.update(t.GetTaskId(), mesospb.TaskState_TASK_FAILED, "The docker executor cannot run task groups")
		}
	case executorpb.Event_KILL:
		grace := x.killGrace(ev.GetKill().GetKillPolicy())
		x.log.Info("Received killTask", "task", ev.GetKill().GetTaskId().GetValue(), "grace_period", grace)
		x.kill(ctx, grace)
	case executorpb.Event_SHUTDOWN:
		x.log.Info("Shutting down")
		x.shutdownTask(ctx)
	case executorpb.Event_ERROR:
		x.log.Error("Error from the agent", "message", ev.GetError().GetMessage())
	}
}

// killGrace is a kill's grace period: the kill's (override), else the
// task's kill policy's, else the shutdown grace period.
func (x *dockerExecutor) killGrace(override *mesospb.KillPolicy) time.Duration {
	grace := x.env.ShutdownGracePeriod
	if gp := x.task.GetKillPolicy().GetGracePeriod(); gp != nil {
		grace = time.Duration(gp.GetNanoseconds())
	}
	if gp := override.GetGracePeriod(); gp != nil {
		grace = time.Duration(gp.GetNanoseconds())
	}
	return grace
}

// update sends a status; the task's carry its latest health and check
// status.
func (x *dockerExecutor) update(id *mesospb.TaskID, state mesospb.TaskState, message string) {
	status := &mesospb.TaskStatus{TaskId: id, State: state.Enum()}
	if x.task != nil && proto.Equal(id, x.task.GetTaskId()) {
		status.Healthy, status.CheckStatus = x.healthy, x.lastCheck
	}
	if message != "" {
		status.Message = proto.String(message)
	}
	x.client.Update(status)
}

// launch runs the task's container.
func (x *dockerExecutor) launch(ctx context.Context, t *mesospb.TaskInfo) {
	if x.task != nil {
		x.update(t.GetTaskId(), mesospb.TaskState_TASK_FAILED, "Attempted to run multiple tasks using a \"docker\" executor")
		return
	}
	x.task = t
	x.log.Info("Starting task", "task", t.GetTaskId().GetValue())
	x.update(t.GetTaskId(), mesospb.TaskState_TASK_STARTING, "")
	spec := &engine.RunSpec{
		Name:             x.flags.container,
		Container:        t.GetContainer(),
		Command:          t.GetCommand(),
		Resources:        append(append([]*mesospb.Resource(nil), t.GetResources()...), x.executor.GetResources()...),
		Limits:           t.GetLimits(),
		SandboxDirectory: x.flags.sandbox,
		MappedDirectory:  x.flags.mapped,
		Env:              x.flags.taskEnvironment,
		Labels:           map[string]string{},
		EnableCFSQuota:   x.flags.enableCFS,
		Mounts:           x.flags.volumes,
		DefaultDNS:       x.flags.defaultDNS,
	}
	if x.flags.runtimeDirectory != "" {
		spec.Labels[engine.LabelOwner] = x.flags.runtimeDirectory
	}
	cfg, err := spec.CreateConfig()
	if err != nil {
		close(x.started)
		x.end(mesospb.TaskState_TASK_FAILED, "Failed to create docker run options: "+err.Error())
		return
	}
	go x.runContainer(ctx, cfg)
}

// runContainer creates, starts and follows the container (off the loop).
func (x *dockerExecutor) runContainer(ctx context.Context, cfg *engine.CreateConfig) {
	name := x.flags.container
	fail := func(err error) {
		x.post(func() { x.end(mesospb.TaskState_TASK_FAILED, "Failed to run docker container: "+err.Error()) })
	}
	if _, err := x.docker.CreateContainer(ctx, name, cfg); err != nil {
		close(x.started)
		fail(err)
		return
	}
	err := x.docker.StartContainer(ctx, name)
	close(x.started)
	if err != nil {
		_ = x.docker.RemoveContainer(context.Background(), name, true)
		fail(err)
		return
	}
	logsDone := make(chan struct{})
	go func() {
		defer close(logsDone)
		if err := x.docker.FollowLogs(ctx, name, os.Stdout, os.Stderr); err != nil {
			x.log.Warn("cannot follow the container's output", "error", err)
		}
	}()
	if info, err := x.docker.InspectContainer(ctx, name); err != nil {
		x.log.Error("Failed to inspect container", "container", name, "error", err)
	} else {
		x.post(func() { x.running(info) })
	}
	code, err := x.docker.WaitContainer(ctx, name)
	select {
	case <-logsDone:
	case <-time.After(logsDrainTimeout):
	}
	if err != nil {
		fail(err)
		return
	}
	x.post(func() { x.reaped(code) })
}

// running reports TASK_RUNNING with the container's inspect output and
// addresses, unless the task is being killed.
func (x *dockerExecutor) running(info *engine.ContainerJSON) {
	if x.killed || x.terminated {
		return
	}
	x.lastCheck = initialCheckStatus(x.task.GetCheck())
	status := &mesospb.TaskStatus{TaskId: x.task.GetTaskId(), State: mesospb.TaskState_TASK_RUNNING.Enum(), Data: info.Raw, CheckStatus: x.lastCheck}
	if ni := engine.NetworkInfo(info, x.task.GetContainer()); ni != nil {
		x.network = ni
		status.ContainerStatus = &mesospb.ContainerStatus{NetworkInfos: []*mesospb.NetworkInfo{ni}}
	}
	x.client.Update(status)
	x.startChecks(info)
}

// reaped ends the task with the container's exit code: TASK_FINISHED on
// 0, TASK_KILLED when it was killed, TASK_FAILED otherwise.
func (x *dockerExecutor) reaped(code int) {
	state := mesospb.TaskState_TASK_FAILED
	switch {
	case code == 0:
		state = mesospb.TaskState_TASK_FINISHED
	case x.killed:
		state = mesospb.TaskState_TASK_KILLED
	}
	x.end(state, fmt.Sprintf("Container exited with status %d", code))
}

func (x *dockerExecutor) end(state mesospb.TaskState, message string) {
	if x.terminated {
		return
	}
	x.terminated = true
	if x.stopChecks != nil {
		x.stopChecks()
	}
	if x.killedByHealth {
		x.healthy = proto.Bool(false)
	}
	x.log.Info("Task ended", "task", x.task.GetTaskId().GetValue(), "state", state.String(), "message", message)
	x.update(x.task.GetTaskId(), state, message)
}

// kill stops the container with a grace period between SIGTERM and
// SIGKILL (docker stop), once it was started.
func (x *dockerExecutor) kill(ctx context.Context, grace time.Duration) {
	if x.task == nil || x.terminated || x.killing {
		return
	}
	x.killing = true
	if x.stopChecks != nil {
		x.stopChecks() // as Mesos pauses its checker
	}
	if !x.killed {
		x.killed = true
		if x.capable(mesospb.FrameworkInfo_Capability_TASK_KILLING_STATE) {
			x.update(x.task.GetTaskId(), mesospb.TaskState_TASK_KILLING, "")
		}
	}
	go func() {
		<-x.started
		err := x.docker.StopContainer(ctx, x.flags.container, grace)
		if err != nil && !engine.IsNotFound(err) {
			x.log.Error("Failed to stop container", "container", x.flags.container, "error", err)
			x.post(func() { x.killing = false })
		}
	}()
}

// shutdownTask kills the task keeping part of the agent's grace period to
// report it; without a task the executor just exits.
func (x *dockerExecutor) shutdownTask(ctx context.Context) {
	x.shutdown = true
	x.kill(ctx, max(x.env.ShutdownGracePeriod-shutdownReserve, 0))
}

func (x *dockerExecutor) capable(c mesospb.FrameworkInfo_Capability_Type) bool {
	return hasCapability(x.framework, c)
}
