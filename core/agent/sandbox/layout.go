package sandbox

import (
	"fmt"
	"path/filepath"
)

// Names of the directories and files of the layout, as in Mesos's
// slave/paths.cpp. Checkpointed state lives in the meta tree.
const (
	SlavesDir      = "slaves"
	FrameworksDir  = "frameworks"
	ExecutorsDir   = "executors"
	RunsDir        = "runs"
	TasksDir       = "tasks"
	ContainersDir  = "containers"
	MetaDir        = "meta"
	LatestSymlink  = "latest"
	PIDsDir        = "pids"
	ResourcesDir   = "resources"
	ProvisionerDir = "provisioner"

	BootIDFile          = "boot_id"
	AgentInfoFile       = "slave.info"
	FrameworkPIDFile    = "framework.pid"
	FrameworkInfoFile   = "framework.info"
	LibprocessPIDFile   = "libprocess.pid"
	ExecutorInfoFile    = "executor.info"
	ExecutorSentinel    = "executor.sentinel"
	HTTPMarkerFile      = "http.marker"
	ForkedPIDFile       = "forked.pid"
	TaskInfoFile        = "task.info"
	TaskUpdatesFile     = "task.updates"
	ResourcesInfoFile   = "resources.info"
	ResourcesTargetFile = "resources.target"
)

// Layout is the agent's work directory (--work_dir).
type Layout struct {
	WorkDir string
}

// Sandboxes is the tree of executor sandboxes: <work_dir>/slaves/...
func (l Layout) Sandboxes() Tree { return Tree{root: l.WorkDir} }

// Meta is the checkpoint tree: <work_dir>/meta/slaves/...
func (l Layout) Meta() Tree { return Tree{root: filepath.Join(l.WorkDir, MetaDir)} }

// BootIDPath is where the agent checkpoints the boot ID it ran under.
func (l Layout) BootIDPath() string { return filepath.Join(l.WorkDir, MetaDir, BootIDFile) }

// ResourcesInfoPath is the checkpointed total of persistent resources.
func (l Layout) ResourcesInfoPath() string {
	return filepath.Join(l.WorkDir, MetaDir, ResourcesDir, ResourcesInfoFile)
}

// ResourcesTargetPath is the checkpoint written while resources change.
func (l Layout) ResourcesTargetPath() string {
	return filepath.Join(l.WorkDir, MetaDir, ResourcesDir, ResourcesTargetFile)
}

// ProvisionerDir is the container image provisioner's directory.
func (l Layout) ProvisionerDir() string { return filepath.Join(l.WorkDir, ProvisionerDir) }

// Tree is one of the two trees of the layout (sandboxes or meta): both hold
// slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>.
type Tree struct{ root string }

// NewTree is a tree rooted at root (Mesos's rootDir argument).
func NewTree(root string) Tree { return Tree{root: root} }

// Root is the tree's root directory.
func (t Tree) Root() string { return t.root }

// AgentsDir is <root>/slaves.
func (t Tree) AgentsDir() string { return filepath.Join(t.root, SlavesDir) }

// LatestAgent is the <root>/slaves/latest symlink to the newest agent.
func (t Tree) LatestAgent() string { return filepath.Join(t.root, SlavesDir, LatestSymlink) }

// Agent is the directory of one agent ID.
func (t Tree) Agent(agentID string) (AgentDir, error) {
	if err := ValidateID(agentID); err != nil {
		return AgentDir{}, fmt.Errorf("agent ID: %w", err)
	}
	return AgentDir{path: filepath.Join(t.root, SlavesDir, agentID)}, nil
}

// AgentIDs lists the agent directories present (not "latest").
func (t Tree) AgentIDs() ([]string, error) { return listIDs(t.AgentsDir(), ValidateID) }

// AgentDir is <root>/slaves/<agent_id>.
type AgentDir struct{ path string }

// Path is the directory.
func (a AgentDir) Path() string { return a.path }

// InfoPath is the checkpointed AgentInfo (meta tree).
func (a AgentDir) InfoPath() string { return filepath.Join(a.path, AgentInfoFile) }

// FrameworksDir is <agent>/frameworks.
func (a AgentDir) FrameworksDir() string { return filepath.Join(a.path, FrameworksDir) }

// Framework is the directory of one framework on this agent.
func (a AgentDir) Framework(frameworkID string) (FrameworkDir, error) {
	if err := ValidateID(frameworkID); err != nil {
		return FrameworkDir{}, fmt.Errorf("framework ID: %w", err)
	}
	return FrameworkDir{path: filepath.Join(a.path, FrameworksDir, frameworkID)}, nil
}

// FrameworkIDs lists the framework directories present.
func (a AgentDir) FrameworkIDs() ([]string, error) { return listIDs(a.FrameworksDir(), ValidateID) }

// FrameworkDir is <agent>/frameworks/<framework_id>.
type FrameworkDir struct{ path string }

// Path is the directory.
func (f FrameworkDir) Path() string { return f.path }

// InfoPath is the checkpointed FrameworkInfo (meta tree).
func (f FrameworkDir) InfoPath() string { return filepath.Join(f.path, FrameworkInfoFile) }

// PIDPath is the checkpointed scheduler PID (meta tree).
func (f FrameworkDir) PIDPath() string { return filepath.Join(f.path, FrameworkPIDFile) }

// ExecutorsDir is <framework>/executors.
func (f FrameworkDir) ExecutorsDir() string { return filepath.Join(f.path, ExecutorsDir) }

// Executor is the directory of one executor of this framework.
func (f FrameworkDir) Executor(executorID string) (ExecutorDir, error) {
	if err := ValidateID(executorID); err != nil {
		return ExecutorDir{}, fmt.Errorf("executor ID: %w", err)
	}
	return ExecutorDir{path: filepath.Join(f.path, ExecutorsDir, executorID)}, nil
}

// ExecutorIDs lists the executor directories present.
func (f FrameworkDir) ExecutorIDs() ([]string, error) { return listIDs(f.ExecutorsDir(), ValidateID) }

// ExecutorDir is <framework>/executors/<executor_id>.
type ExecutorDir struct{ path string }

// Path is the directory.
func (e ExecutorDir) Path() string { return e.path }

// InfoPath is the checkpointed ExecutorInfo (meta tree).
func (e ExecutorDir) InfoPath() string { return filepath.Join(e.path, ExecutorInfoFile) }

// RunsDir is <executor>/runs.
func (e ExecutorDir) RunsDir() string { return filepath.Join(e.path, RunsDir) }

// LatestRun is the <executor>/runs/latest symlink to the newest run.
func (e ExecutorDir) LatestRun() string { return filepath.Join(e.path, RunsDir, LatestSymlink) }

// Run is the directory of one run (container) of this executor.
func (e ExecutorDir) Run(containerID string) (RunDir, error) {
	if err := ValidateContainerID(containerID); err != nil {
		return RunDir{}, fmt.Errorf("container ID: %w", err)
	}
	return RunDir{path: filepath.Join(e.path, RunsDir, containerID), latest: e.LatestRun()}, nil
}

// RunIDs lists the container IDs of the runs present (not "latest").
func (e ExecutorDir) RunIDs() ([]string, error) { return listIDs(e.RunsDir(), ValidateContainerID) }

// RunDir is <executor>/runs/<container_id>: in the sandbox tree, the
// executor's sandbox.
type RunDir struct{ path, latest string }

// Path is the directory.
func (r RunDir) Path() string { return r.path }

// LatestLink is the executor's runs/latest symlink.
func (r RunDir) LatestLink() string { return r.latest }

// SentinelPath marks an executor the agent has finished with (meta tree).
func (r RunDir) SentinelPath() string { return filepath.Join(r.path, ExecutorSentinel) }

// HTTPMarkerPath marks an executor that speaks the v1 HTTP API (meta tree).
func (r RunDir) HTTPMarkerPath() string { return filepath.Join(r.path, HTTPMarkerFile) }

// LibprocessPIDPath is the checkpointed executor PID (meta tree).
func (r RunDir) LibprocessPIDPath() string {
	return filepath.Join(r.path, PIDsDir, LibprocessPIDFile)
}

// ForkedPIDPath is the checkpointed forked executor process ID (meta tree).
func (r RunDir) ForkedPIDPath() string { return filepath.Join(r.path, PIDsDir, ForkedPIDFile) }

// TasksDir is <run>/tasks.
func (r RunDir) TasksDir() string { return filepath.Join(r.path, TasksDir) }

// Task is the checkpoint directory of one task of this run (meta tree).
func (r RunDir) Task(taskID string) (TaskDir, error) {
	if err := ValidateID(taskID); err != nil {
		return TaskDir{}, fmt.Errorf("task ID: %w", err)
	}
	return TaskDir{path: filepath.Join(r.path, TasksDir, taskID)}, nil
}

// TaskIDs lists the task directories present.
func (r RunDir) TaskIDs() ([]string, error) { return listIDs(r.TasksDir(), ValidateID) }

// Nested is the sandbox of a nested container under this run, as Mesos's
// containerizer paths place it: <run>/containers/<child>/containers/<grandchild>.
// chain lists the IDs from the child of this run's container down.
func (r RunDir) Nested(chain ...string) (string, error) {
	p := r.path
	for _, id := range chain {
		if err := ValidateContainerID(id); err != nil {
			return "", fmt.Errorf("nested container ID: %w", err)
		}
		p = filepath.Join(p, ContainersDir, id)
	}
	return p, nil
}

// TaskDir is <run>/tasks/<task_id> (meta tree).
type TaskDir struct{ path string }

// Path is the directory.
func (t TaskDir) Path() string { return t.path }

// InfoPath is the checkpointed Task.
func (t TaskDir) InfoPath() string { return filepath.Join(t.path, TaskInfoFile) }

// UpdatesPath is the task's status update stream.
func (t TaskDir) UpdatesPath() string { return filepath.Join(t.path, TaskUpdatesFile) }

// ExecutorVirtualPath is the path under which the files API shows the
// newest run of an executor: /frameworks/<f>/executors/<e>/runs/latest.
func ExecutorVirtualPath(frameworkID, executorID string) (string, error) {
	if err := ValidateID(frameworkID); err != nil {
		return "", fmt.Errorf("framework ID: %w", err)
	}
	if err := ValidateID(executorID); err != nil {
		return "", fmt.Errorf("executor ID: %w", err)
	}
	return "/" + FrameworksDir + "/" + frameworkID + "/" + ExecutorsDir + "/" + executorID +
		"/" + RunsDir + "/" + LatestSymlink, nil
}
