package executors

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/proto/executorlitepb"
)

// defaultKillGracePeriod is the command executor's grace period when
// neither the kill nor the task gives one (Mesos keeps 3 seconds for
// backwards compatibility).
const defaultKillGracePeriod = 3 * time.Second

// shutdownReserve is what a SHUTDOWN's kill keeps of the agent's grace
// period, so the executor can report TASK_KILLED before the agent
// destroys the container.
const shutdownReserve = 2 * time.Second

// executor is the command or default executor: one event loop over the
// agent's events, the tasks' exits, their checks and timers.
type executor struct {
	mode    string
	env     Env
	environ []string
	log     *slog.Logger
	client  *client
	work    chan func()

	// switchUser: run the tasks of groups as their users.
	switchUser bool

	framework *executorlitepb.FrameworkInfo
	tasks     map[string]*runningTask
	launched  bool
	shutdown  bool
	// clientGone is set when the agent is lost for good: updates cannot be
	// delivered any more.
	clientGone bool
	doneAt     time.Time
	// unhealthy: a health check killed a task. Mesos's default executor
	// then marks every later terminal update healthy=false (MESOS-8543).
	unhealthy bool
}

// runningTask is one task of the executor.
type runningTask struct {
	info  *executorlitepb.TaskInfo
	group []string // the task ids of its group (default executor)
	dir   string
	env   []string // the command's environment, also its checks'
	proc  *process
	state executorlitepb.TaskState

	killing         bool
	killedByHealth  bool
	killedByTimeout bool
	killStart       time.Time
	killDeadline    time.Time
	escalation      *time.Timer
	completion      *time.Timer
	stopChecks      context.CancelFunc

	health    *healthState
	healthy   *bool
	lastCheck *executorlitepb.CheckStatusInfo
	ended     bool
}

func newExecutor(mode string, env Env, environ []string, log *slog.Logger) *executor {
	switchUser := false
	for _, kv := range environ {
		if kv == execmode.SwitchUserEnv+"=1" {
			switchUser = true
		}
	}
	return &executor{
		mode: mode, env: env, environ: environ, log: log, switchUser: switchUser,
		client: newClient(env, log),
		work:   make(chan func(), 256),
		tasks:  map[string]*runningTask{},
	}
}

// post runs fn on the executor's loop.
func (x *executor) post(fn func()) { x.work <- fn }

// run is the executor's loop; it returns the exit code.
func (x *executor) run(ctx context.Context, sigs <-chan os.Signal) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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
			x.handle(ev)
		case fn := <-x.work:
			fn()
		case <-x.client.Acked():
		case <-tick.C:
		case <-sigs:
			x.log.Info("received a termination signal; shutting down")
			x.shutdownTasks()
		case err := <-clientDone:
			if err != nil {
				x.log.Error("giving up on the agent; shutting down", "error", err)
				x.clientGone = true
				x.shutdownTasks()
			}
			clientDone = nil
		}
	}
}

// finished reports whether the executor may exit: no task runs any more,
// and the agent acknowledged every update (or can no longer).
func (x *executor) finished() (int, bool) {
	for _, t := range x.tasks {
		if !t.ended {
			return 0, false
		}
	}
	if !x.launched && !x.shutdown {
		return 0, false
	}
	return readyToExit(&x.doneAt, x.client, x.env, x.clientGone, x.log)
}

// handle applies one event of the agent.
func (x *executor) handle(ev *executorlitepb.Event) {
	switch ev.GetType() {
	case executorlitepb.Event_SUBSCRIBED:
		x.framework = ev.GetSubscribed().GetFrameworkInfo()
		x.log.Info("Subscribed executor", "agent", ev.GetSubscribed().GetAgentInfo().GetHostname())
	case executorlitepb.Event_LAUNCH:
		t := ev.GetLaunch().GetTask()
		if x.mode != execmode.Command {
			x.fail(t, "The default executor runs task groups (LAUNCH_GROUP), not single tasks")
			return
		}
		if x.launched {
			x.fail(t, "Attempted to run multiple tasks using a \"command\" executor")
			return
		}
		x.launched = true
		x.launch(t, nil, x.env.Directory, os.Stdout, os.Stderr)
	case executorlitepb.Event_LAUNCH_GROUP:
		tasks := ev.GetLaunchGroup().GetTaskGroup().GetTasks()
		if x.mode != execmode.Default {
			for _, t := range tasks {
				x.fail(t, "The command executor cannot run task groups")
			}
			return
		}
		x.launchGroup(tasks)
	case executorlitepb.Event_KILL:
		x.kill(ev.GetKill().GetTaskId().GetValue(), ev.GetKill().GetKillPolicy())
	case executorlitepb.Event_SHUTDOWN:
		x.log.Info("Shutting down")
		x.shutdownTasks()
	case executorlitepb.Event_MESSAGE:
		x.log.Info("Received a framework message", "bytes", len(ev.GetMessage().GetData()))
	case executorlitepb.Event_ERROR:
		x.log.Error("Error from the agent", "message", ev.GetError().GetMessage())
	case executorlitepb.Event_ACKNOWLEDGED, executorlitepb.Event_HEARTBEAT:
	default:
		x.log.Warn("ignoring an unknown event", "type", ev.GetType().String())
	}
}

// fail reports a task the executor will not run.
func (x *executor) fail(t *executorlitepb.TaskInfo, message string) {
	x.client.Update(&executorlitepb.TaskStatus{
		TaskId:  t.GetTaskId(),
		State:   executorlitepb.TaskState_TASK_FAILED.Enum(),
		Message: proto.String(message),
	})
}

// launchGroup runs each task of a group in its own sandbox below the
// executor's, tasks/<task id>, with its own stdout and stderr. As Mesos's
// default executor, it reports every task TASK_STARTING, starts them all,
// reports the started ones TASK_RUNNING, and only then fails those that
// could not start, which takes the rest of the group down (end).
func (x *executor) launchGroup(tasks []*executorlitepb.TaskInfo) {
	x.launched = true
	var ids []string
	for _, t := range tasks {
		ids = append(ids, t.GetTaskId().GetValue())
	}
	var group []*runningTask
	for _, ti := range tasks {
		dir := filepath.Join(x.env.Directory, "tasks", ti.GetTaskId().GetValue())
		if t := x.register(ti, ids, dir); t != nil {
			group = append(group, t)
		}
	}
	failures := map[*runningTask]string{}
	for _, t := range group {
		stdout, stderr, err := sandboxFiles(t.dir)
		if err != nil {
			failures[t] = "Failed to create the task's sandbox: " + err.Error()
			continue
		}
		if msg := x.start(t, stdout, stderr); msg != "" {
			failures[t] = msg
		}
		stdout.Close()
		stderr.Close()
	}
	for _, t := range group {
		if _, failed := failures[t]; !failed {
			x.running(t)
		}
	}
	for _, t := range group {
		if msg, failed := failures[t]; failed {
			x.end(t, executorlitepb.TaskState_TASK_FAILED, updateOptions{message: msg})
		}
	}
}

func sandboxFiles(dir string) (*os.File, *os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	open := func(name string) (*os.File, error) {
		return os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	}
	stdout, err := open("stdout")
	if err != nil {
		return nil, nil, err
	}
	stderr, err := open("stderr")
	if err != nil {
		stdout.Close()
		return nil, nil, err
	}
	return stdout, stderr, nil
}

// launch starts a task: TASK_STARTING, its command, TASK_RUNNING, then
// its checks and its max_completion_time.
func (x *executor) launch(ti *executorlitepb.TaskInfo, group []string, dir string, stdout, stderr *os.File) {
	t := x.register(ti, group, dir)
	if t == nil {
		return
	}
	if msg := x.start(t, stdout, stderr); msg != "" {
		x.end(t, executorlitepb.TaskState_TASK_FAILED, updateOptions{message: msg})
		return
	}
	x.running(t)
}

// register records a task and reports it TASK_STARTING; nil when the
// task id is taken (the task is failed).
func (x *executor) register(ti *executorlitepb.TaskInfo, group []string, dir string) *runningTask {
	id := ti.GetTaskId().GetValue()
	if x.tasks[id] != nil {
		x.fail(ti, "Task "+id+" is already running")
		return nil
	}
	t := &runningTask{info: ti, group: group, dir: dir}
	x.tasks[id] = t
	x.update(t, executorlitepb.TaskState_TASK_STARTING, updateOptions{})
	return t
}

// start starts a registered task's command; it returns why it could not
// ("" when it runs).
func (x *executor) start(t *runningTask, stdout, stderr *os.File) string {
	ti, id := t.info, t.info.GetTaskId().GetValue()
	if ti.Command == nil {
		return "Task has no command"
	}
	t.env = taskEnvironment(x.environ, ti.GetCommand(), taskOverrides(ti, t.dir))
	switchUser := x.mode == execmode.Default && x.switchUser
	x.log.Info("Starting task "+id, "task", id)
	proc, err := startProcess(ti.GetCommand(), startOptions{dir: t.dir, env: t.env, stdout: stdout, stderr: stderr, switchUser: switchUser})
	if err != nil {
		x.log.Error("failed to launch task", "task", id, "error", err)
		return "Failed to launch task: " + err.Error()
	}
	t.proc = proc
	x.log.Info(fmt.Sprintf("Forked command at %d", proc.pid), "task", id, "pid", proc.pid)
	return ""
}

// running reports a started task TASK_RUNNING and starts its checks, its
// max_completion_time and the wait for its end.
func (x *executor) running(t *runningTask) {
	ti, id, proc := t.info, t.info.GetTaskId().GetValue(), t.proc
	if ci := ti.GetCheck(); ci != nil {
		t.lastCheck = checkStatus(ci.GetType(), nil)
	}
	x.update(t, executorlitepb.TaskState_TASK_RUNNING, updateOptions{})
	x.startChecks(t, t.env)
	if mct := ti.GetMaxCompletionTime(); mct != nil {
		t.completion = time.AfterFunc(time.Duration(mct.GetNanoseconds()), func() {
			x.post(func() {
				if !t.ended && !t.killing {
					x.log.Info("Task reached its max_completion_time; killing it", "task", id)
					t.killedByTimeout = true
					x.killTask(t, 0)
				}
			})
		})
	}
	go func() {
		<-proc.done
		x.post(func() { x.reaped(t) })
	}()
}

// startChecks runs the task's health check and check, if any.
func (x *executor) startChecks(t *runningTask, env []string) {
	ctx, cancel := context.WithCancel(context.Background())
	t.stopChecks = cancel
	id := t.info.GetTaskId().GetValue()
	if hc := t.info.GetHealthCheck(); hc != nil {
		p, err := healthProbe(hc, env, t.dir)
		if err != nil {
			x.log.Error("invalid health check; not running it", "task", id, "error", err)
		} else {
			t.health = &healthState{check: hc, start: time.Now(), initializing: true}
			schedule(ctx, p, seconds(hc.GetDelaySeconds()), seconds(hc.GetIntervalSeconds()), seconds(hc.GetTimeoutSeconds()),
				func(r probeResult) { x.post(func() { x.healthResult(t, r) }) })
		}
	}
	if ci := t.info.GetCheck(); ci != nil {
		p, err := checkProbe(ci, env, t.dir)
		if err != nil {
			x.log.Error("invalid check; not running it", "task", id, "error", err)
		} else {
			schedule(ctx, p, seconds(ci.GetDelaySeconds()), seconds(ci.GetIntervalSeconds()), seconds(ci.GetTimeoutSeconds()),
				func(r probeResult) { x.post(func() { x.checkResult(t, r) }) })
		}
	}
}

// healthResult reports a health check's verdict, killing the task after
// too many failures.
func (x *executor) healthResult(t *runningTask, r probeResult) {
	if t.ended || t.killing {
		return
	}
	healthy, kill := t.health.result(r, time.Now())
	if healthy == nil {
		return
	}
	if !*healthy {
		x.log.Info("Health check failed", "task", t.info.GetTaskId().GetValue(), "consecutive_failures", t.health.failures, "error", r.err)
	}
	t.healthy = healthy
	x.update(t, t.state, updateOptions{derived: true, reason: executorlitepb.TaskStatus_REASON_TASK_HEALTH_CHECK_STATUS_UPDATED.Enum()})
	if kill {
		x.log.Info("Killing the task after too many failed health checks", "task", t.info.GetTaskId().GetValue())
		t.killedByHealth = true
		x.unhealthy = true
		x.kill(t.info.GetTaskId().GetValue(), nil)
	}
}

// checkResult reports a check's result when it changed.
func (x *executor) checkResult(t *runningTask, r probeResult) {
	if t.ended || t.killing {
		return
	}
	s := checkStatus(t.info.GetCheck().GetType(), &r)
	if proto.Equal(s, t.lastCheck) {
		return
	}
	t.lastCheck = s
	x.update(t, t.state, updateOptions{derived: true, reason: executorlitepb.TaskStatus_REASON_TASK_CHECK_STATUS_UPDATED.Enum()})
}

// kill kills a task with the grace period of the kill (override), else of
// the task's kill policy, else the default.
func (x *executor) kill(taskID string, override *executorlitepb.KillPolicy) {
	t := x.tasks[taskID]
	if t == nil || t.ended {
		x.log.Warn("Ignoring kill of a task that is not running", "task", taskID)
		return
	}
	grace := defaultKillGracePeriod
	if gp := override.GetGracePeriod(); gp != nil {
		grace = time.Duration(gp.GetNanoseconds())
	} else if gp := t.info.GetKillPolicy().GetGracePeriod(); gp != nil {
		grace = time.Duration(gp.GetNanoseconds())
	}
	x.log.Info(fmt.Sprintf("Received kill for task %s with grace period of %s", taskID, grace), "task", taskID)
	x.killTask(t, grace)
}

// killTask sends SIGTERM to the task's processes and SIGKILL after grace.
// A second kill can only shorten the grace period, counted (as Mesos
// does) from the first kill: kills of 20s then, 10s later, 15s escalate
// 5s later.
func (x *executor) killTask(t *runningTask, grace time.Duration) {
	if t.ended || t.proc == nil {
		return
	}
	grace = max(grace, 0)
	id := t.info.GetTaskId().GetValue()
	if t.killing {
		deadline := t.killStart.Add(grace)
		if deadline.After(t.killDeadline) {
			return
		}
		remaining := max(time.Until(deadline), 0)
		x.log.Info(fmt.Sprintf("Rescheduling escalation to SIGKILL in %s from now", remaining), "task", id)
		t.killDeadline = deadline
		t.escalation.Reset(remaining)
		return
	}
	t.killing = true
	if t.stopChecks != nil {
		t.stopChecks()
	}
	// Mesos sends no TASK_KILLING for a kill of max_completion_time: the
	// task fails rather than being killed.
	if !t.killedByTimeout && x.capable(executorlitepb.FrameworkInfo_Capability_TASK_KILLING_STATE) {
		x.update(t, executorlitepb.TaskState_TASK_KILLING, updateOptions{})
	}
	x.log.Info(fmt.Sprintf("Sending SIGTERM to process tree at pid %d", t.proc.pid), "task", id, "grace_period", grace)
	t.proc.signal(syscall.SIGTERM)
	t.killStart = time.Now()
	t.killDeadline = t.killStart.Add(grace)
	t.escalation = time.AfterFunc(grace, func() {
		x.post(func() {
			if !t.ended {
				x.log.Info(fmt.Sprintf("Process %d did not terminate after %s, sending SIGKILL to process tree at %d", t.proc.pid, grace, t.proc.pid), "task", id)
				t.proc.signal(syscall.SIGKILL)
			}
		})
	})
}

// shutdownTasks kills every task, leaving part of the agent's grace
// period to report them.
func (x *executor) shutdownTasks() {
	x.shutdown = true
	grace := max(x.env.ShutdownGracePeriod-shutdownReserve, 0)
	for _, id := range x.taskIDs() {
		x.killTask(x.tasks[id], grace)
	}
}

// reaped reports a task whose command ended.
func (x *executor) reaped(t *runningTask) {
	ws := t.proc.status
	opts := updateOptions{message: "Command " + describeStatus(ws)}
	state := terminalState(ws, t)
	if t.proc.err != nil {
		opts.message = "Failed to get exit status for Command: " + t.proc.err.Error()
	}
	if t.killedByTimeout && state == executorlitepb.TaskState_TASK_FAILED {
		opts.reason = executorlitepb.TaskStatus_REASON_MAX_COMPLETION_TIME_REACHED.Enum()
	}
	// Only a kill by the health check says how healthy the task ended.
	if t.killing && t.killedByHealth {
		opts.healthy = proto.Bool(false)
	}
	x.log.Info(fmt.Sprintf("%s (pid: %d)", opts.message, t.proc.pid), "task", t.info.GetTaskId().GetValue(), "state", state.String())
	x.end(t, state, opts)
}

// end sends a task's terminal update and stops everything of it. A task
// of a group that ends TASK_FAILED or TASK_KILLED (ran, or could not
// start) takes the rest of its group down, as Mesos's default executor
// does; other groups of the executor run on.
func (x *executor) end(t *runningTask, state executorlitepb.TaskState, opts updateOptions) {
	t.ended = true
	if t.stopChecks != nil {
		t.stopChecks()
	}
	if t.escalation != nil {
		t.escalation.Stop()
	}
	if t.completion != nil {
		t.completion.Stop()
	}
	if x.mode == execmode.Default && x.unhealthy {
		opts.healthy = proto.Bool(false)
	}
	x.update(t, state, opts)
	if x.shutdown || (state != executorlitepb.TaskState_TASK_FAILED && state != executorlitepb.TaskState_TASK_KILLED) {
		return
	}
	for _, other := range t.group {
		if o := x.tasks[other]; o != nil && !o.ended && !o.killing {
			x.log.Info("Killing the rest of the task group", "task", other, "because", t.info.GetTaskId().GetValue())
			x.kill(other, nil)
		}
	}
}

// updateOptions are the optional parts of an update.
type updateOptions struct {
	reason  *executorlitepb.TaskStatus_Reason
	message string
	// derived: the update of a check or health check result, which carries
	// the latest check status and health (Mesos builds it from the last
	// status). Other updates (STARTING, RUNNING, KILLING, the terminal one)
	// start from scratch: the check's empty status and only healthy.
	derived bool
	healthy *bool
}

// update sends a task's status.
func (x *executor) update(t *runningTask, state executorlitepb.TaskState, opts updateOptions) {
	t.state = state
	status := &executorlitepb.TaskStatus{
		TaskId:  t.info.GetTaskId(),
		State:   state.Enum(),
		Reason:  opts.reason,
		Healthy: opts.healthy,
	}
	if opts.derived {
		status.Healthy, status.CheckStatus = t.healthy, t.lastCheck
	} else if ci := t.info.GetCheck(); ci != nil {
		// Mesos: every status of a task with a check has a check_status,
		// empty until a result.
		status.CheckStatus = checkStatus(ci.GetType(), nil)
	}
	if opts.message != "" {
		status.Message = proto.String(opts.message)
	}
	x.client.Update(status)
}

func (x *executor) capable(c executorlitepb.FrameworkInfo_Capability_Type) bool {
	return liteHasCapability(x.framework, c)
}

func (x *executor) taskIDs() []string {
	ids := make([]string, 0, len(x.tasks))
	for id := range x.tasks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// terminalState is the state of a task whose command ended. Both Mesos
// executors (executor.cpp, default_executor.cpp) test the kill before the
// exit status: a task killed for its max_completion_time is TASK_FAILED,
// any other killed task TASK_KILLED even when it exited 0 on SIGTERM (a
// graceful stop), and only an unkilled exit 0 is TASK_FINISHED.
func terminalState(ws syscall.WaitStatus, t *runningTask) executorlitepb.TaskState {
	switch {
	case t.proc.err != nil:
		return executorlitepb.TaskState_TASK_FAILED
	case t.killedByTimeout:
		return executorlitepb.TaskState_TASK_FAILED
	case t.killing:
		return executorlitepb.TaskState_TASK_KILLED
	case ws.Exited() && ws.ExitStatus() == 0:
		return executorlitepb.TaskState_TASK_FINISHED
	}
	return executorlitepb.TaskState_TASK_FAILED
}
