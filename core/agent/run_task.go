package agent

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/docker"
	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/uuid"
)

// Resources of the executor the agent makes up for a command task
// (Mesos's DEFAULT_EXECUTOR_CPUS and DEFAULT_EXECUTOR_MEM): a small
// overcommit the master does not account for.
const (
	commandExecutorCPUs = 0.1
	commandExecutorMem  = 32
)

// runTask launches a task of a RUN_TASK: under its own executor, or under
// a command executor the agent makes for it.
func (a *Agent) runTask(fwInfo *mesospb.FrameworkInfo, ti *mesospb.TaskInfo) {
	if ti == nil || fwInfo == nil {
		a.log.Warn("ignoring a RUN_TASK without a task or framework")
		return
	}
	fw := a.frameworkForLaunch(fwInfo, ti.GetExecutor().GetFrameworkId().GetValue())
	if fw == nil {
		return
	}
	var info *mesospb.ExecutorInfo
	if ti.Executor != nil {
		info = proto.Clone(ti.GetExecutor()).(*mesospb.ExecutorInfo)
	} else {
		info = a.commandExecutorInfo(fw, ti)
	}
	ti = proto.CloneOf(ti)
	a.decorateTaskLabels(ti, info, fw.info)
	a.launchTasks(fw, info, &queuedLaunch{list: []*mesospb.TaskInfo{ti}})
}

// runTaskGroup launches a task group under the default executor.
func (a *Agent) runTaskGroup(fwInfo *mesospb.FrameworkInfo, execInfo *mesospb.ExecutorInfo, group *mesospb.TaskGroupInfo) {
	if fwInfo == nil || execInfo == nil || len(group.GetTasks()) == 0 {
		a.log.Warn("ignoring a RUN_TASK_GROUP without tasks, executor or framework")
		return
	}
	fw := a.frameworkForLaunch(fwInfo, execInfo.GetFrameworkId().GetValue())
	if fw == nil {
		return
	}
	info := proto.Clone(execInfo).(*mesospb.ExecutorInfo)
	if info.GetType() == mesospb.ExecutorInfo_DEFAULT || info.Command == nil {
		// The default executor is ours: the agent fills in its command.
		cmd := execmode.CommandInfo(a.cfg.ExecutorBinary, execmode.Default)
		if a.cfg.SwitchUser {
			cmd.Environment.Variables = append(cmd.Environment.Variables, &mesospb.Environment_Variable{
				Name: proto.String(execmode.SwitchUserEnv), Value: proto.String("1"),
			})
		}
		if info.Command != nil {
			cmd.Uris = info.GetCommand().GetUris()
			cmd.User = info.GetCommand().User
		}
		info.Command = cmd
	}
	var list []*mesospb.TaskInfo
	for _, t := range group.GetTasks() {
		t = proto.CloneOf(t)
		a.decorateTaskLabels(t, info, fw.info)
		list = append(list, t)
	}
	a.launchTasks(fw, info, &queuedLaunch{list: list, group: true})
}

// frameworkForLaunch finds or adds the framework of a launch; nil means
// the launch must be dropped.
func (a *Agent) frameworkForLaunch(info *mesospb.FrameworkInfo, fallbackID string) *framework {
	id := info.GetId().GetValue()
	if id == "" {
		id = fallbackID
	}
	if id == "" {
		a.log.Warn("ignoring a launch for a framework without an id")
		return nil
	}
	// An agent in --recover=cleanup registers only to report what it
	// killed; it is on its way out and takes no new work.
	if a.state == stateTerminating || a.cleanupMode {
		a.log.Warn("ignoring a launch because the agent is terminating", "framework", id)
		return nil
	}
	info = proto.Clone(info).(*mesospb.FrameworkInfo)
	if info.Id == nil {
		info.Id = &mesospb.FrameworkID{Value: proto.String(id)}
	}
	fw := a.frameworks[id]
	if fw == nil {
		fw = &framework{id: id, info: info, executors: map[string]*executor{}}
		a.frameworks[id] = fw
		a.reviveCompletedFramework(fw)
		a.unscheduleFrameworkGC(id)
		a.log.Info("Adding framework", "framework", id, "name", info.GetName(), "checkpoint", info.GetCheckpoint())
	} else {
		if fw.state == frameworkTerminating {
			a.log.Warn("ignoring a launch because the framework is terminating", "framework", id)
			return nil
		}
		fw.info = info
	}
	if fw.checkpoint() {
		a.checkpointFramework(fw)
	}
	return fw
}

// launchTasks gives a launch to its executor: queued until the executor
// subscribes, at once if it already did. A new executor is launched.
func (a *Agent) launchTasks(fw *framework, info *mesospb.ExecutorInfo, q *queuedLaunch) {
	if info.FrameworkId == nil {
		info.FrameworkId = &mesospb.FrameworkID{Value: proto.String(fw.id)}
	}
	injectAllocation(info.GetResources(), frameworkRole(fw.info, q.list))
	for _, t := range q.list {
		injectAllocation(t.GetResources(), frameworkRole(fw.info, q.list))
	}
	e := fw.executors[info.GetExecutorId().GetValue()]
	if e != nil && (e.state == executorTerminating || e.state == executorTerminated) {
		a.log.Warn("asked to run tasks with an executor that is shutting down", "executor", e.id, "framework", fw.id, "state", e.state.String())
		state := mesospb.TaskState_TASK_LOST
		if fw.partitionAware() {
			state = mesospb.TaskState_TASK_DROPPED
		}
		word := "terminating"
		if e.state == executorTerminated {
			word = "terminated"
		}
		for _, t := range q.list {
			a.agentUpdate(fw, e.info.GetExecutorId(), t.GetTaskId().GetValue(), state, mesospb.TaskStatus_REASON_EXECUTOR_TERMINATED, "Executor "+word)
		}
		return
	}
	if e == nil {
		var err error
		e, err = a.addExecutor(fw, info)
		if err != nil {
			a.log.Error("failed to add an executor", "executor", info.GetExecutorId().GetValue(), "framework", fw.id, "error", err)
			for _, t := range q.list {
				a.agentUpdate(fw, info.GetExecutorId(), t.GetTaskId().GetValue(), mesospb.TaskState_TASK_FAILED,
					mesospb.TaskStatus_REASON_CONTAINER_LAUNCH_FAILED, "Failed to create the executor: "+err.Error())
			}
			if len(fw.executors) == 0 {
				a.removeFramework(fw)
			}
			return
		}
		e.queued = append(e.queued, q)
		a.checkpointQueued(e, q)
		a.launchExecutor(fw, e, q.list[0])
		return
	}
	a.checkpointQueued(e, q)
	switch e.state {
	case executorRegistering:
		a.log.Info("Queuing tasks for executor", "tasks", taskIDs(q.list), "executor", e.id, "framework", fw.id)
		e.queued = append(e.queued, q)
	case executorRunning:
		a.sendLaunch(fw, e, q)
		a.updateContainer(e)
	}
}

// checkpointQueued checkpoints the tasks of a launch (as STAGING).
func (a *Agent) checkpointQueued(e *executor, q *queuedLaunch) {
	if !e.checkpoint {
		return
	}
	for _, ti := range q.list {
		a.checkpointTask(e, e.taskProto(ti, a.agentIDProto(), mesospb.TaskState_TASK_STAGING))
	}
}

// sendLaunch gives tasks to a subscribed executor: LAUNCH for a task,
// LAUNCH_GROUP for a group.
func (a *Agent) sendLaunch(fw *framework, e *executor, q *queuedLaunch) {
	for _, ti := range q.list {
		e.launched[ti.GetTaskId().GetValue()] = &task{proto: e.taskProto(ti, a.agentIDProto(), mesospb.TaskState_TASK_STAGING)}
	}
	if q.group {
		a.log.Info("Sending task group to executor", "tasks", taskIDs(q.list), "executor", e.id, "framework", fw.id)
		e.send(launchGroupEvent(q.list))
		return
	}
	a.log.Info("Sending task to executor", "task", q.list[0].GetTaskId().GetValue(), "executor", e.id, "framework", fw.id)
	e.send(launchEvent(q.list[0]))
}

// addExecutor creates an executor's sandbox and checkpoints it.
func (a *Agent) addExecutor(fw *framework, info *mesospb.ExecutorInfo) (*executor, error) {
	containerID := uuid.New().String()
	user := ""
	if a.cfg.SwitchUser {
		user = fw.info.GetUser()
		if u := info.GetCommand().GetUser(); u != "" {
			user = u
		}
	}
	run := sandbox.Run{AgentID: a.agentID(), FrameworkID: fw.id, ExecutorID: info.GetExecutorId().GetValue(), ContainerID: containerID}
	dir, err := sandbox.CreateRun(a.layout.Sandboxes(), run, user)
	if err != nil {
		return nil, err
	}
	e := newExecutor(fw, info, containerID, dir.Path(), user)
	if e.checkpoint {
		if err := a.checkpointExecutor(e); err != nil {
			return nil, err
		}
	}
	fw.executors[e.id] = e
	a.attachSandbox(e)
	a.log.Info("Launching executor", "executor", e.id, "framework", fw.id, "container", containerID,
		"resources", resources.New(info.GetResources()...).String(), "directory", e.directory)
	return e, nil
}

// commandExecutorInfo is the executor the agent makes for a task without
// one (Mesos's getExecutorInfo): the command executor, with the task's
// URIs, environment and user, and a small resource allowance.
func (a *Agent) commandExecutorInfo(fw *framework, ti *mesospb.TaskInfo) *mesospb.ExecutorInfo {
	mode := execmode.Command
	if docker.Supports(ti.GetContainer()) {
		mode = execmode.Docker // the docker executor runs it in Docker
	}
	cmd := execmode.CommandInfo(a.cfg.ExecutorBinary, mode)
	if tc := ti.GetCommand(); tc != nil {
		cmd.Uris = tc.GetUris()
		cmd.User = tc.User
		if env := tc.GetEnvironment(); env != nil {
			cmd.Environment.Variables = append(proto.Clone(env).(*mesospb.Environment).Variables, cmd.Environment.Variables...)
		}
	}
	role := frameworkRole(fw.info, []*mesospb.TaskInfo{ti})
	overhead := resources.MustParse(fmt.Sprintf("cpus:%g;mem:%d", commandExecutorCPUs, commandExecutorMem)).Allocate(role)
	info := &mesospb.ExecutorInfo{
		ExecutorId:  &mesospb.ExecutorID{Value: proto.String(ti.GetTaskId().GetValue())},
		FrameworkId: &mesospb.FrameworkID{Value: proto.String(fw.id)},
		Name:        proto.String("Command Executor " + commandExecutorName(ti)),
		Source:      proto.String(ti.GetTaskId().GetValue()),
		Command:     cmd,
		Resources:   overhead.Protos(),
	}
	if mode == execmode.Docker {
		// The containerizers pick the executor's container by it.
		info.Container = proto.CloneOf(ti.GetContainer())
	}
	return info
}

// commandExecutorName is Mesos's "(Task: id) (Command: ...)" label.
func commandExecutorName(ti *mesospb.TaskInfo) string {
	name := "(Task: " + ti.GetTaskId().GetValue() + ") "
	c := ti.GetCommand()
	switch {
	case c.GetShell() && c.Value == nil:
		return name + "(Command: NO COMMAND)"
	case c.GetShell():
		if v := c.GetValue(); len(v) > 15 {
			return name + "(Command: sh -c '" + v[:12] + "...')"
		}
		return name + "(Command: sh -c '" + c.GetValue() + "')"
	case c.Value == nil:
		return name + "(Command: NO EXECUTABLE)"
	}
	args := c.GetValue() + ", " + strings.Join(c.GetArguments(), ", ")
	if len(args) > 15 {
		return name + "(Command: [" + args[:12] + "...])"
	}
	return name + "(Command: [" + args + "])"
}

// frameworkRole is the role a launch's resources are allocated to: the
// role of the tasks' resources, else the framework's.
func frameworkRole(info *mesospb.FrameworkInfo, tasks []*mesospb.TaskInfo) string {
	for _, t := range tasks {
		for _, r := range t.GetResources() {
			if role := r.GetAllocationInfo().GetRole(); role != "" {
				return role
			}
		}
	}
	if roles := info.GetRoles(); len(roles) > 0 {
		return roles[0]
	}
	if r := info.GetRole(); r != "" {
		return r
	}
	return "*"
}

// injectAllocation sets allocation_info on resources that lack it.
func injectAllocation(rs []*mesospb.Resource, role string) {
	for _, r := range rs {
		if r.AllocationInfo == nil {
			r.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
		}
	}
}

func taskIDs(list []*mesospb.TaskInfo) []string {
	ids := make([]string, len(list))
	for i, t := range list {
		ids[i] = t.GetTaskId().GetValue()
	}
	return ids
}

// reviveCompletedFramework takes a framework launching again out of the
// completed ones, keeping its completed executors, as Mesos's Slave::run:
// /state and GET_FRAMEWORKS list it once.
func (a *Agent) reviveCompletedFramework(fw *framework) {
	for i, old := range a.completedFrameworks {
		if old.id == fw.id {
			fw.completedExecutors = old.completedExecutors
			a.completedFrameworks = slices.Delete(a.completedFrameworks, i, i+1)
			return
		}
	}
}
