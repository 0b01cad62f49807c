package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// State is what a previous run of the agent checkpointed.
type State struct {
	// BootID is the boot the state was written under ("" if unknown).
	BootID string
	// Agent is nil when no agent was checkpointed (a first start, an
	// agent that shut down for good, or one that died before it
	// registered).
	Agent *AgentState
	// Resources are the checkpointed resources (reservations and volumes
	// made through operations).
	Resources []*mesospb.Resource
	// Errors are the problems found (and skipped) in non-strict mode.
	Errors []error
}

// AgentState is the checkpoint of one agent ID.
type AgentState struct {
	ID         string
	Info       *mesospb.AgentInfo
	Frameworks map[string]*FrameworkState
}

// FrameworkState is one framework's checkpoint.
type FrameworkState struct {
	ID        string
	Info      *mesospb.FrameworkInfo
	Executors map[string]*ExecutorState
}

// ExecutorState is one executor's checkpoint with all its runs.
type ExecutorState struct {
	ID     string
	Info   *mesospb.ExecutorInfo
	Latest string // container ID of the newest run ("" if unknown)
	Runs   map[string]*RunState
}

// RunState is one run (container) of an executor.
type RunState struct {
	ContainerID string
	// Completed is set once the agent was done with the executor (its
	// sentinel exists): there is nothing to recover.
	Completed bool
	// HTTP is set once the executor subscribed over the v1 API.
	HTTP  bool
	Tasks map[string]*TaskState
}

// TaskState is one task's checkpoint: its Task and its update log.
type TaskState struct {
	ID      string
	Info    *mesospb.Task
	Updates []*agentmasterpb.AgentCall_StatusUpdate
	// Acks holds the uuids (as strings of their bytes) acknowledged.
	Acks map[string]bool
}

// Recover reads the checkpointed state under layout's meta directory. In
// strict mode the first inconsistency is an error; otherwise it is
// recorded in State.Errors and as much as possible is recovered.
func Recover(layout sandbox.Layout, strict bool) (*State, error) {
	r := &recovery{strict: strict, state: &State{}}
	if data, err := os.ReadFile(layout.BootIDPath()); err == nil {
		r.state.BootID = strings.TrimSpace(string(data))
	} else if !isNotExist(err) {
		if err := r.fail(fmt.Errorf("read boot id: %w", err)); err != nil {
			return nil, err
		}
	}
	if err := r.resources(layout.ResourcesInfoPath()); err != nil {
		return nil, err
	}
	meta := layout.Meta()
	target, err := os.Readlink(meta.LatestAgent())
	if isNotExist(err) {
		return r.state, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find the latest agent: %w", err)
	}
	agentID := filepath.Base(target)
	dir, err := meta.Agent(agentID)
	if err != nil {
		return nil, fmt.Errorf("latest agent: %w", err)
	}
	info := &mesospb.AgentInfo{}
	if err := Read(dir.InfoPath(), info); err != nil {
		if isNotExist(err) {
			// The agent died before it registered: start afresh.
			return r.state, nil
		}
		if err := r.fail(fmt.Errorf("agent %s: %w", agentID, err)); err != nil {
			return nil, err
		}
		return r.state, nil
	}
	a := &AgentState{ID: agentID, Info: info, Frameworks: map[string]*FrameworkState{}}
	r.state.Agent = a
	ids, err := dir.FrameworkIDs()
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		fw, err := r.framework(dir, id)
		if err != nil {
			return nil, err
		}
		if fw != nil {
			a.Frameworks[id] = fw
		}
	}
	return r.state, nil
}

type recovery struct {
	strict bool
	state  *State
}

// fail records a problem, or returns it in strict mode.
func (r *recovery) fail(err error) error {
	if r.strict {
		return err
	}
	r.state.Errors = append(r.state.Errors, err)
	return nil
}

func (r *recovery) resources(path string) error {
	var msg agentmasterpb.AgentEvent_ApplyOperations
	if err := Read(path, &msg); err != nil {
		if isNotExist(err) {
			return nil
		}
		return r.fail(fmt.Errorf("checkpointed resources: %w", err))
	}
	r.state.Resources = msg.GetCheckpointedResources()
	return nil
}

func (r *recovery) framework(agent sandbox.AgentDir, id string) (*FrameworkState, error) {
	dir, err := agent.Framework(id)
	if err != nil {
		return nil, r.fail(err)
	}
	info := &mesospb.FrameworkInfo{}
	if err := Read(dir.InfoPath(), info); err != nil {
		if isNotExist(err) {
			// Died before checkpointing it: nothing of it to recover.
			return nil, nil
		}
		return nil, r.fail(fmt.Errorf("framework %s: %w", id, err))
	}
	fw := &FrameworkState{ID: id, Info: info, Executors: map[string]*ExecutorState{}}
	ids, err := dir.ExecutorIDs()
	if err != nil {
		return nil, r.fail(fmt.Errorf("framework %s: %w", id, err))
	}
	for _, eid := range ids {
		e, err := r.executor(dir, eid)
		if err != nil {
			return nil, err
		}
		if e != nil {
			fw.Executors[eid] = e
		}
	}
	return fw, nil
}

func (r *recovery) executor(fw sandbox.FrameworkDir, id string) (*ExecutorState, error) {
	dir, err := fw.Executor(id)
	if err != nil {
		return nil, r.fail(err)
	}
	info := &mesospb.ExecutorInfo{}
	if err := Read(dir.InfoPath(), info); err != nil {
		if isNotExist(err) {
			return nil, nil
		}
		return nil, r.fail(fmt.Errorf("executor %s: %w", id, err))
	}
	e := &ExecutorState{ID: id, Info: info, Runs: map[string]*RunState{}}
	if target, err := os.Readlink(dir.LatestRun()); err == nil {
		e.Latest = filepath.Base(target)
	} else if !isNotExist(err) {
		if err := r.fail(fmt.Errorf("executor %s: latest run: %w", id, err)); err != nil {
			return nil, err
		}
	}
	runs, err := dir.RunIDs()
	if err != nil {
		return nil, r.fail(fmt.Errorf("executor %s: %w", id, err))
	}
	for _, cid := range runs {
		run, err := r.run(dir, cid)
		if err != nil {
			return nil, err
		}
		e.Runs[cid] = run
	}
	return e, nil
}

func (r *recovery) run(e sandbox.ExecutorDir, cid string) (*RunState, error) {
	dir, err := e.Run(cid)
	if err != nil {
		return nil, r.fail(err)
	}
	run := &RunState{
		ContainerID: cid,
		Completed:   exists(dir.SentinelPath()),
		HTTP:        exists(dir.HTTPMarkerPath()),
		Tasks:       map[string]*TaskState{},
	}
	ids, err := dir.TaskIDs()
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, r.fail(fmt.Errorf("run %s: %w", cid, err))
	}
	for _, tid := range ids {
		t, err := r.task(dir, tid)
		if err != nil {
			return nil, err
		}
		if t != nil {
			run.Tasks[tid] = t
		}
	}
	return run, nil
}

func (r *recovery) task(run sandbox.RunDir, id string) (*TaskState, error) {
	dir, err := run.Task(id)
	if err != nil {
		return nil, r.fail(err)
	}
	info := &mesospb.Task{}
	if err := Read(dir.InfoPath(), info); err != nil {
		if isNotExist(err) {
			return nil, nil
		}
		return nil, r.fail(fmt.Errorf("task %s: %w", id, err))
	}
	t := &TaskState{ID: id, Info: info, Acks: map[string]bool{}}
	records, err := ReadRecords(dir.UpdatesPath())
	if err != nil && !isNotExist(err) {
		if err := r.fail(fmt.Errorf("task %s: %w", id, err)); err != nil {
			return nil, err
		}
	}
	for _, rec := range records {
		switch rec.Type {
		case RecordUpdate:
			t.Updates = append(t.Updates, rec.Update)
		case RecordAck:
			t.Acks[string(rec.UUID)] = true
		}
	}
	return t, nil
}
