package agent

import (
	"sort"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/execmode"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
)

// agentState is where the agent is in its life (Mesos's Slave::State).
type agentState int

const (
	// stateRecovering: reading checkpoints and waiting for executors to
	// reconnect; not registered.
	stateRecovering agentState = iota
	// stateDisconnected: (re-)registering with the master.
	stateDisconnected
	// stateRunning: registered.
	stateRunning
	// stateTerminating: shutting down for good.
	stateTerminating
)

func (s agentState) String() string {
	return [...]string{"RECOVERING", "DISCONNECTED", "RUNNING", "TERMINATING"}[s]
}

type frameworkState int

const (
	frameworkRunning frameworkState = iota
	frameworkTerminating
)

// framework is one framework with executors on this agent.
type framework struct {
	id    string
	info  *mesospb.FrameworkInfo
	state frameworkState

	executors          map[string]*executor
	completedExecutors []*executor
}

func (f *framework) checkpoint() bool { return f.info.GetCheckpoint() }

func (f *framework) partitionAware() bool {
	for _, c := range f.info.GetCapabilities() {
		if c.GetType() == mesospb.FrameworkInfo_Capability_PARTITION_AWARE {
			return true
		}
	}
	return false
}

// executorOfTask finds the executor that runs (or queued) a task.
func (f *framework) executorOfTask(taskID string) *executor {
	for _, e := range f.executors {
		if e.hasTask(taskID) {
			return e
		}
	}
	return nil
}

type executorState int

const (
	executorRegistering executorState = iota
	executorRunning
	executorTerminating
	executorTerminated
)

func (s executorState) String() string {
	return [...]string{"REGISTERING", "RUNNING", "TERMINATING", "TERMINATED"}[s]
}

// executor is one executor (and its container) of a framework.
type executor struct {
	id          string
	frameworkID string
	info        *mesospb.ExecutorInfo
	containerID *mesospb.ContainerID
	directory   string
	user        string
	checkpoint  bool
	// mode is the built-in executor it runs (execmode.Command or
	// execmode.Default), "" for a framework's own executor.
	mode  string
	state executorState

	// queued are launches waiting for the executor to subscribe, in order.
	queued []*queuedLaunch
	// launched tasks were given to the executor (or recovered); terminated
	// ones have a terminal state whose update is not yet acknowledged;
	// completed ones are done (bounded history).
	launched   map[string]*task
	terminated map[string]*task
	completed  []*task

	conn *executorConn
	// pendingTermination says why the agent is destroying the container.
	pendingTermination *termination
	cancelRegister     func()
	cancelShutdown     func()
	// containerStatus is what the containerizer reported once launched.
	containerStatus *mesospb.ContainerStatus
	launchedAt      time.Time
	// containerLaunched is set once the containerizer's launch succeeded.
	containerLaunched bool
}

// queuedLaunch is one LAUNCH (a task) or LAUNCH_GROUP (a group) waiting
// for the executor. Tasks killed meanwhile leave it.
type queuedLaunch struct {
	list  []*mesospb.TaskInfo
	group bool
}

func (q *queuedLaunch) tasks() []*mesospb.TaskInfo { return q.list }

// task is a task the agent runs: the mesos.v1.Task the state endpoints
// and the master see.
type task struct {
	proto *mesospb.Task
}

func (t *task) id() string { return t.proto.GetTaskId().GetValue() }

// termination is why the agent destroyed a container (Mesos's
// pendingTermination).
type termination struct {
	state   mesospb.TaskState
	reason  mesospb.TaskStatus_Reason
	message string
}

func newExecutor(fw *framework, info *mesospb.ExecutorInfo, containerID, directory, user string) *executor {
	return &executor{
		id:          info.GetExecutorId().GetValue(),
		frameworkID: fw.id,
		info:        info,
		containerID: &mesospb.ContainerID{Value: proto.String(containerID)},
		directory:   directory,
		user:        user,
		checkpoint:  fw.checkpoint(),
		mode:        execmode.Of(info.GetCommand()),
		launched:    map[string]*task{},
		terminated:  map[string]*task{},
	}
}

// generated reports whether the agent made up this executor for command
// tasks; the master does not know those.
func (e *executor) generated() bool {
	return e.mode == execmode.Command || e.mode == execmode.Docker
}

func (e *executor) hasTask(taskID string) bool {
	if e.launched[taskID] != nil || e.terminated[taskID] != nil {
		return true
	}
	return e.queuedTask(taskID) != nil
}

func (e *executor) queuedTask(taskID string) *mesospb.TaskInfo {
	for _, q := range e.queued {
		for _, t := range q.tasks() {
			if t.GetTaskId().GetValue() == taskID {
				return t
			}
		}
	}
	return nil
}

// incomplete reports whether some task still needs the executor or an
// acknowledgement.
func (e *executor) incomplete() bool {
	return len(e.queued) > 0 || len(e.launched) > 0 || len(e.terminated) > 0
}

// updateTaskState applies a status to the task it names, moving it to
// the terminated tasks on a terminal state (Mesos's
// Executor::updateTaskState). It returns the task, nil if unknown.
func (e *executor) updateTaskState(status *mesospb.TaskStatus) *task {
	id := status.GetTaskId().GetValue()
	terminal := isTerminal(status.GetState())
	t := e.launched[id]
	switch {
	case t != nil:
		if terminal {
			delete(e.launched, id)
			e.terminated[id] = t
		}
	case e.terminated[id] != nil:
		t = e.terminated[id]
	default:
		// A queued task that ends before it was launched (killed).
		if ti := e.queuedTask(id); ti != nil && terminal {
			e.dequeue(id)
			t = &task{proto: e.taskProto(ti, status.GetAgentId(), mesospb.TaskState_TASK_STAGING)}
			e.terminated[id] = t
		}
	}
	if t == nil {
		return nil
	}
	t.proto.State = status.State
	kept := proto.Clone(status).(*mesospb.TaskStatus)
	kept.Data = nil
	t.proto.Statuses = append(t.proto.Statuses, kept)
	return t
}

// dequeue removes one task from the queue and reports whether it was
// there; a launch left without tasks goes too.
func (e *executor) dequeue(taskID string) bool {
	for i, q := range e.queued {
		for j, t := range q.list {
			if t.GetTaskId().GetValue() != taskID {
				continue
			}
			q.list = append(q.list[:j:j], q.list[j+1:]...)
			if len(q.list) == 0 {
				e.queued = append(e.queued[:i:i], e.queued[i+1:]...)
			}
			return true
		}
	}
	return false
}

// queuedGroup returns the other tasks queued in the same group as taskID.
func (e *executor) queuedGroup(taskID string) []*mesospb.TaskInfo {
	for _, q := range e.queued {
		for _, t := range q.list {
			if t.GetTaskId().GetValue() == taskID && q.group {
				return append([]*mesospb.TaskInfo(nil), q.list...)
			}
		}
	}
	return nil
}

// completeTask moves a terminated task to the history once its terminal
// update is acknowledged.
func (e *executor) completeTask(taskID string, keep int) {
	t := e.terminated[taskID]
	if t == nil {
		return
	}
	delete(e.terminated, taskID)
	e.completed = append(e.completed, t)
	if extra := len(e.completed) - keep; extra > 0 {
		e.completed = e.completed[extra:]
	}
}

// allocated is what the executor and its live tasks hold.
func (e *executor) allocated() resources.Resources {
	r := resources.New(e.info.GetResources()...)
	for _, q := range e.queued {
		for _, t := range q.tasks() {
			r = r.Add(resources.New(t.GetResources()...))
		}
	}
	for _, t := range e.launched {
		r = r.Add(resources.New(t.proto.GetResources()...))
	}
	return r
}

// sortedTasks returns tasks ordered by id, for stable output.
func sortedTasks(m map[string]*task) []*task {
	out := make([]*task, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id() < out[j].id() })
	return out
}

// taskProto is the Task of one of the executor's tasks. Tasks of the
// executors the agent makes up for command tasks name no executor, as in
// Mesos.
func (e *executor) taskProto(ti *mesospb.TaskInfo, agentID *mesospb.AgentID, state mesospb.TaskState) *mesospb.Task {
	t := newTask(ti, e.frameworkID, agentID, state)
	if !e.generated() {
		t.ExecutorId = proto.Clone(e.info.GetExecutorId()).(*mesospb.ExecutorID)
	}
	return t
}

// newTask is the Task of a TaskInfo (Mesos's protobuf::createTask).
func newTask(ti *mesospb.TaskInfo, frameworkID string, agentID *mesospb.AgentID, state mesospb.TaskState) *mesospb.Task {
	t := &mesospb.Task{
		Name:        ti.Name,
		TaskId:      ti.TaskId,
		FrameworkId: &mesospb.FrameworkID{Value: proto.String(frameworkID)},
		AgentId:     agentID,
		State:       state.Enum(),
		Resources:   ti.Resources,
		Labels:      ti.Labels,
		Discovery:   ti.Discovery,
		Container:   ti.Container,
		HealthCheck: ti.HealthCheck,
		KillPolicy:  ti.KillPolicy,
		Limits:      ti.Limits,
	}
	if t.Name == nil {
		t.Name = proto.String("")
	}
	if ti.Executor != nil {
		t.ExecutorId = ti.GetExecutor().GetExecutorId()
	}
	if u := ti.GetCommand().GetUser(); u != "" {
		t.User = proto.String(u)
	}
	return proto.Clone(t).(*mesospb.Task)
}

func isTerminal(s mesospb.TaskState) bool {
	switch s {
	case mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_KILLED,
		mesospb.TaskState_TASK_ERROR, mesospb.TaskState_TASK_LOST, mesospb.TaskState_TASK_DROPPED,
		mesospb.TaskState_TASK_GONE, mesospb.TaskState_TASK_GONE_BY_OPERATOR:
		return true
	}
	return false
}
