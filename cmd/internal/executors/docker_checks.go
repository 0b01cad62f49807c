package executors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker/engine"
	"github.com/gomesos/mesos/core/proto/executorlitepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// The docker executor's health check and check run against the task's
// container, as Mesos's do: a COMMAND one in the container (Mesos runs
// `docker exec`; here the Engine API's exec), HTTP and TCP ones from the
// container's network namespace (which is the executor's own on the
// host network). The probes, schedules and health rules are the command
// executor's (checks.go).

// startChecks starts the task's health check and check once its
// container runs (info is its inspect output).
func (x *dockerExecutor) startChecks(info *engine.ContainerJSON) {
	hc, ci := x.task.GetHealthCheck(), x.task.GetCheck()
	if hc == nil && ci == nil {
		return
	}
	ctx, cancel := context.WithCancel(x.ctx)
	x.stopChecks = cancel
	id := x.task.GetTaskId().GetValue()
	var dial func(ctx context.Context, network, addr string) (net.Conn, error)
	if info.HostConfig.NetworkMode != "host" {
		dial = netnsDialer(info.State.Pid)
	}
	if hc != nil {
		lite := &executorlitepb.HealthCheck{}
		p, err := func() (*probe, error) {
			if err := convertProto(hc, lite); err != nil {
				return nil, err
			}
			return healthProbe(lite, nil, x.flags.sandbox)
		}()
		if err != nil {
			x.log.Error("invalid health check; not running it", "task", id, "error", err)
		} else {
			p.runIn, p.dial = x.execProbe, dial
			x.health = &healthState{check: lite, start: time.Now(), initializing: true}
			schedule(ctx, p, seconds(lite.GetDelaySeconds()), seconds(lite.GetIntervalSeconds()), seconds(lite.GetTimeoutSeconds()),
				func(r probeResult) { x.post(func() { x.healthResult(r) }) })
		}
	}
	if ci != nil {
		lite := &executorlitepb.CheckInfo{}
		p, err := func() (*probe, error) {
			if err := convertProto(ci, lite); err != nil {
				return nil, err
			}
			return checkProbe(lite, nil, x.flags.sandbox)
		}()
		if err != nil {
			x.log.Error("invalid check; not running it", "task", id, "error", err)
		} else {
			p.runIn, p.dial = x.execProbe, dial
			schedule(ctx, p, seconds(lite.GetDelaySeconds()), seconds(lite.GetIntervalSeconds()), seconds(lite.GetTimeoutSeconds()),
				func(r probeResult) { x.post(func() { x.checkResult(lite.GetType(), r) }) })
		}
	}
}

// execProbe runs a COMMAND probe in the container: a shell command as
// `sh -c <value>`, otherwise the value and arguments as docker run takes
// them, with the command's environment. A probe past its timeout is
// failed; its process keeps running in the container (docker exec
// cannot kill it either).
func (x *dockerExecutor) execProbe(ctx context.Context, cmd *executorlitepb.CommandInfo) probeResult {
	var argv []string
	switch {
	case cmd.GetShell():
		argv = []string{"sh", "-c", cmd.GetValue()}
	case cmd.Value != nil:
		argv = append([]string{cmd.GetValue()}, cmd.GetArguments()...)
	default:
		argv = cmd.GetArguments()
	}
	if len(argv) == 0 {
		return probeResult{err: errors.New("the command has no value nor arguments")}
	}
	var env []string
	for _, v := range cmd.GetEnvironment().GetVariables() {
		env = append(env, v.GetName()+"="+v.GetValue())
	}
	code, err := x.docker.Exec(ctx, x.flags.container, &engine.ExecConfig{Cmd: argv, Env: env}, nil, nil)
	if ctx.Err() != nil {
		return probeResult{err: errors.New("command timed out")}
	}
	if err != nil {
		return probeResult{err: err}
	}
	c := int32(code)
	return probeResult{ok: code == 0, exitCode: &c, err: fmt.Errorf("command exited with status %d", code)}
}

// netnsDialer dials from the network namespace of the process pid (the
// container's init). The socket is made by a goroutine locked to a
// thread that joined the namespace; that thread is never unlocked, so it
// ends with the goroutine instead of serving others in the wrong
// namespace.
func netnsDialer(pid int) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if pid <= 0 {
			return nil, errors.New("the container has no process to enter the network namespace of")
		}
		type dialed struct {
			conn net.Conn
			err  error
		}
		ch := make(chan dialed, 1)
		go func() {
			runtime.LockOSThread()
			path := "/proc/" + strconv.Itoa(pid) + "/ns/net"
			fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				ch <- dialed{err: fmt.Errorf("open %s: %w", path, err)}
				return
			}
			err = unix.Setns(fd, unix.CLONE_NEWNET)
			unix.Close(fd)
			if err != nil {
				ch <- dialed{err: fmt.Errorf("enter the container's network namespace: %w", err)}
				return
			}
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			ch <- dialed{conn, err}
		}()
		d := <-ch
		return d.conn, d.err
	}
}

// healthResult reports a health check's verdict (TASK_RUNNING with
// healthy set, REASON_TASK_HEALTH_CHECK_STATUS_UPDATED), killing the
// task after consecutive_failures failures, as the command executor.
func (x *dockerExecutor) healthResult(r probeResult) {
	if x.terminated || x.killed {
		return
	}
	healthy, kill := x.health.result(r, time.Now())
	if healthy == nil {
		return
	}
	if !*healthy {
		x.log.Info("Health check failed", "task", x.task.GetTaskId().GetValue(), "consecutive_failures", x.health.failures, "error", r.err)
	}
	x.healthy = healthy
	x.sendRunning(mesospb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED)
	if kill {
		x.log.Info("Killing the task after too many failed health checks", "task", x.task.GetTaskId().GetValue())
		x.killedByHealth = true
		x.kill(x.ctx, x.killGrace(nil))
	}
}

// checkResult reports a check's result when it changed.
func (x *dockerExecutor) checkResult(kind executorlitepb.CheckInfo_Type, r probeResult) {
	if x.terminated || x.killed {
		return
	}
	s := &mesospb.CheckStatusInfo{}
	if err := convertProto(checkStatus(kind, &r), s); err != nil {
		x.log.Error("dropping a check result", "error", err)
		return
	}
	if proto.Equal(s, x.lastCheck) {
		return
	}
	x.lastCheck = s
	x.sendRunning(mesospb.TaskStatus_REASON_TASK_CHECK_STATUS_UPDATED)
}

// sendRunning sends TASK_RUNNING again with the latest health and check
// status, and the container's addresses.
func (x *dockerExecutor) sendRunning(reason mesospb.TaskStatus_Reason) {
	status := &mesospb.TaskStatus{
		TaskId: x.task.GetTaskId(), State: mesospb.TaskState_TASK_RUNNING.Enum(), Reason: reason.Enum(),
		Healthy: x.healthy, CheckStatus: x.lastCheck,
	}
	if x.network != nil {
		status.ContainerStatus = &mesospb.ContainerStatus{NetworkInfos: []*mesospb.NetworkInfo{x.network}}
	}
	x.client.Update(status)
}

// initialCheckStatus is the check status a task starts with: empty, of
// its check's type (nil without a check).
func initialCheckStatus(ci *mesospb.CheckInfo) *mesospb.CheckStatusInfo {
	if ci == nil {
		return nil
	}
	s := &mesospb.CheckStatusInfo{}
	if err := convertProto(checkStatus(executorlitepb.CheckInfo_Type(ci.GetType()), nil), s); err != nil {
		return nil
	}
	return s
}

// convertProto copies a message into another of the same wire form (the
// full and the small types).
func convertProto(from, to proto.Message) error {
	b, err := proto.Marshal(from)
	if err != nil {
		return fmt.Errorf("encode %T: %w", from, err)
	}
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, to); err != nil {
		return fmt.Errorf("decode %T: %w", to, err)
	}
	return nil
}
