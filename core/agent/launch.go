package agent

import (
	"context"
	"errors"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/core/agent/docker"
	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/agent/executorauth"
	"github.com/gomesos/mesos/core/agent/fetcher"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// launchExecutor starts an executor's container: the containerizer
// prepares it, fetches its URIs into the sandbox and runs its command with
// the executor environment. The executor then has
// --executor_registration_timeout to subscribe.
func (a *Agent) launchExecutor(fw *framework, e *executor, first *mesospb.TaskInfo) {
	cfg := &isolator.ContainerConfig{
		ExecutorInfo:  e.info,
		CommandInfo:   e.info.GetCommand(),
		ContainerInfo: e.info.GetContainer(),
		Resources:     e.allocated().Protos(),
		Directory:     e.directory,
		User:          e.user,
	}
	if e.mode == execmode.Command || e.mode == execmode.Docker {
		cfg.TaskInfo = first
	}
	env := a.executorEnvironment(fw, e)
	e.launchedAt = time.Now()
	e.cancelRegister = a.after(a.cfg.ExecutorRegistrationTimeout, func() { a.registerExecutorTimeout(fw.id, e) })
	id := e.containerID
	ctx := a.runCtx
	go func() {
		if info := a.decorateExecutorEnvironment(ctx, cfg.GetExecutorInfo()); info != cfg.GetExecutorInfo() {
			cfg.ExecutorInfo, cfg.CommandInfo = info, info.GetCommand()
		}
		var err error
		if !docker.Supports(e.info.GetContainer()) { // Docker binds the volumes instead
			err = a.linkPersistentVolumes(e.directory, cfg.GetResources())
		}
		if err == nil {
			// The agent's own command executor supervises itself.
			self := e.mode == execmode.Command && cfg.GetCommandInfo().GetValue() == a.cfg.ExecutorBinary
			err = a.containerizer.Launch(ctx, id, containerizer.LaunchRequest{Config: cfg, Environment: env, SelfSupervised: self})
		}
		var status *mesospb.ContainerStatus
		if err == nil {
			status, _ = a.containerizer.Status(ctx, id)
		}
		a.post(func() { a.executorLaunched(fw.id, e, err, status) })
		a.waitContainer(ctx, fw.id, e)
	}()
}

// waitContainer reports the end of an executor's container to the loop.
func (a *Agent) waitContainer(ctx context.Context, frameworkID string, e *executor) {
	term, err := a.containerizer.Wait(ctx, e.containerID)
	if ctx.Err() != nil {
		return // the agent is stopping; a new one recovers the container
	}
	a.post(func() { a.executorTerminated(frameworkID, e, term, err) })
}

// executorLaunched runs once the containerizer launched (or failed to
// launch) an executor's container.
func (a *Agent) executorLaunched(frameworkID string, e *executor, err error, status *mesospb.ContainerStatus) {
	if err != nil {
		a.metrics.containerLaunchErrors++
		a.log.Error("Container for executor failed to start", "container", e.containerID.GetValue(), "executor", e.id,
			"framework", frameworkID, "error", err)
		if e.pendingTermination == nil {
			// The container's termination says what failed (for a fetch,
			// which URI).
			e.pendingTermination = &termination{state: mesospb.TaskState_TASK_FAILED, reason: mesospb.TaskStatus_REASON_CONTAINER_LAUNCH_FAILED}
			var fe *fetcher.Error
			if errors.As(err, &fe) {
				a.log.Warn("fetching the executor's URIs failed", "uri", fe.URI, "executor", e.id)
			}
		}
		return
	}
	e.containerLaunched = true
	e.containerStatus = status
	a.log.Info("Launched container for executor", "container", e.containerID.GetValue(), "executor", e.id, "framework", frameworkID)
}

// registerExecutorTimeout destroys an executor that did not subscribe in
// time.
func (a *Agent) registerExecutorTimeout(frameworkID string, e *executor) {
	e.cancelRegister = nil
	fw := a.frameworks[frameworkID]
	if fw == nil || fw.executors[e.id] != e || e.state != executorRegistering {
		return
	}
	timeout := units.Duration(a.cfg.ExecutorRegistrationTimeout).String()
	a.log.Warn("Terminating executor because it did not register", "executor", e.id, "framework", frameworkID, "within", timeout)
	e.state = executorTerminating
	e.pendingTermination = &termination{
		state:   mesospb.TaskState_TASK_FAILED,
		reason:  mesospb.TaskStatus_REASON_EXECUTOR_REGISTRATION_TIMEOUT,
		message: "Executor did not register within " + timeout,
	}
	a.destroyContainer(e)
}

// updateContainer gives an executor's container the resources of its
// live tasks (more when tasks join it, less when they end), as Mesos
// does, in the background.
func (a *Agent) updateContainer(e *executor) {
	if !e.containerLaunched || e.state == executorTerminated {
		return
	}
	id, res, ctx, dir, inDocker := e.containerID, e.allocated().Protos(), a.runCtx, e.directory, docker.Supports(e.info.GetContainer())
	if len(res) == 0 {
		return
	}
	go func() {
		if !inDocker { // a symlink on the host is no use in a Docker container
			if err := a.linkPersistentVolumes(dir, res); err != nil {
				a.log.Warn("failed to link the container's persistent volumes", "container", id.GetValue(), "error", err)
			}
		}
		if err := a.containerizer.Update(ctx, id, res); err != nil && ctx.Err() == nil {
			a.log.Warn("failed to update the container's resources", "container", id.GetValue(), "error", err)
		}
	}()
}

// destroyContainer destroys an executor's container in the background;
// the container's wait reports the end.
func (a *Agent) destroyContainer(e *executor) {
	id := e.containerID
	ctx := a.runCtx
	go func() {
		if _, err := a.containerizer.Destroy(ctx, id); err != nil && ctx.Err() == nil &&
			!errors.Is(err, containerizer.ErrUnknownContainer) {
			a.log.Warn("failed to destroy container", "container", id.GetValue(), "error", err)
		}
	}()
}

// executorEnvironment is the environment of an executor (Mesos's
// executorEnvironment): the agent's own (or
// --executor_environment_variables), then the MESOS_* variables executors
// read. The executor's CommandInfo environment is applied over it by the
// containerizer.
func (a *Agent) executorEnvironment(fw *framework, e *executor) map[string]string {
	env := map[string]string{}
	if a.cfg.ExecutorEnvironment != nil {
		for k, v := range a.cfg.ExecutorEnvironment {
			env[k] = v
		}
	} else {
		for _, kv := range a.cfg.Env {
			if k, v, ok := strings.Cut(kv, "="); ok && k != execmode.Env {
				env[k] = v
			}
		}
	}
	grace := a.cfg.ExecutorShutdownGracePeriod
	if gp := e.info.GetShutdownGracePeriod(); gp != nil {
		grace = time.Duration(gp.GetNanoseconds())
	}
	checkpoint := "0"
	if e.checkpoint {
		checkpoint = "1"
	}
	env["LIBPROCESS_PORT"] = "0"
	env["MESOS_FRAMEWORK_ID"] = fw.id
	env["MESOS_EXECUTOR_ID"] = e.id
	env["MESOS_DIRECTORY"] = e.directory
	env["MESOS_SANDBOX"] = e.directory
	env["MESOS_AGENT_ID"] = a.agentID()
	env["MESOS_SLAVE_ID"] = a.agentID()
	env["MESOS_SLAVE_PID"] = a.pid
	env["MESOS_AGENT_ENDPOINT"] = a.Endpoint()
	env["MESOS_CHECKPOINT"] = checkpoint
	env["MESOS_HTTP_COMMAND_EXECUTOR"] = "1"
	env["MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD"] = units.Duration(grace).String()
	if e.checkpoint {
		env["MESOS_RECOVERY_TIMEOUT"] = units.Duration(a.cfg.RecoveryTimeout).String()
		env["MESOS_SUBSCRIPTION_BACKOFF_MAX"] = units.Duration(a.cfg.ExecutorReregistrationTimeout).String()
	}
	if tok := a.executorToken(fw.id, e); tok != "" { // with --jwt_secret_key (executor_auth.go)
		env[executorauth.EnvToken] = tok
	}
	return env
}

// shutdownGracePeriod is how long an executor has to exit after SHUTDOWN.
func (a *Agent) shutdownGracePeriod(e *executor) time.Duration {
	if gp := e.info.GetShutdownGracePeriod(); gp != nil {
		return time.Duration(gp.GetNanoseconds())
	}
	return a.cfg.ExecutorShutdownGracePeriod
}

func launchEvent(t *mesospb.TaskInfo) *executorpb.Event {
	return &executorpb.Event{
		Type:   executorpb.Event_LAUNCH.Enum(),
		Launch: &executorpb.Event_Launch{Task: t},
	}
}

func launchGroupEvent(list []*mesospb.TaskInfo) *executorpb.Event {
	return &executorpb.Event{
		Type:        executorpb.Event_LAUNCH_GROUP.Enum(),
		LaunchGroup: &executorpb.Event_LaunchGroup{TaskGroup: &mesospb.TaskGroupInfo{Tasks: list}},
	}
}

func shutdownEvent() *executorpb.Event {
	return &executorpb.Event{Type: executorpb.Event_SHUTDOWN.Enum()}
}

func killEvent(taskID string, policy *mesospb.KillPolicy) *executorpb.Event {
	return &executorpb.Event{
		Type: executorpb.Event_KILL.Enum(),
		Kill: &executorpb.Event_Kill{TaskId: &mesospb.TaskID{Value: proto.String(taskID)}, KillPolicy: policy},
	}
}
