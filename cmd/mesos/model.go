package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// The parts of the masters' and agents' JSON documents the CLI reads, in
// the shapes of Mesos 1.x (/master/state, the agent's /state,
// /monitor/statistics, /files/read).

type masterState struct {
	Leader              string            `json:"leader"`
	PID                 string            `json:"pid"`
	Slaves              []masterAgent     `json:"slaves"`
	Frameworks          []masterFramework `json:"frameworks"`
	CompletedFrameworks []masterFramework `json:"completed_frameworks"`
}

type masterAgent struct {
	ID       string `json:"id"`
	Hostname string `json:"hostname"`
	PID      string `json:"pid"`
}

type masterFramework struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	User             string       `json:"user"`
	Tasks            []masterTask `json:"tasks"`
	UnreachableTasks []masterTask `json:"unreachable_tasks"`
	CompletedTasks   []masterTask `json:"completed_tasks"`
}

type masterTask struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	FrameworkID string `json:"framework_id"`
	ExecutorID  string `json:"executor_id"`
	SlaveID     string `json:"slave_id"`
	State       string `json:"state"`
}

// executorID is the id of the executor running the task on its agent: an
// executorless task has an empty executor ID in the master but runs under
// a command executor named after the task.
func (t masterTask) executorID() string {
	if t.ExecutorID == "" {
		return t.ID
	}
	return t.ExecutorID
}

type agentState struct {
	Frameworks          []agentFramework `json:"frameworks"`
	CompletedFrameworks []agentFramework `json:"completed_frameworks"`
}

type agentFramework struct {
	ID                 string          `json:"id"`
	Executors          []agentExecutor `json:"executors"`
	CompletedExecutors []agentExecutor `json:"completed_executors"`
}

type agentExecutor struct {
	ID             string      `json:"id"`
	Directory      string      `json:"directory"`
	Type           string      `json:"type"`
	Tasks          []agentTask `json:"tasks"`
	QueuedTasks    []agentTask `json:"queued_tasks"`
	CompletedTasks []agentTask `json:"completed_tasks"`
}

type agentTask struct {
	ID string `json:"id"`
}

// runs tells whether the executor has (or had) the task.
func (e agentExecutor) runs(taskID string) bool {
	for _, list := range [][]agentTask{e.Tasks, e.QueuedTasks, e.CompletedTasks} {
		for _, t := range list {
			if t.ID == taskID {
				return true
			}
		}
	}
	return false
}

// executorStatistics is one entry of an agent's /monitor/statistics.
type executorStatistics struct {
	FrameworkID string `json:"framework_id"`
	ExecutorID  string `json:"executor_id"`
	Statistics  struct {
		CPUsLimit          *number `json:"cpus_limit"`
		CPUsSystemTimeSecs *number `json:"cpus_system_time_secs"`
		CPUsUserTimeSecs   *number `json:"cpus_user_time_secs"`
		MemRSSBytes        *number `json:"mem_rss_bytes"`
		MemLimitBytes      *number `json:"mem_limit_bytes"`
	} `json:"statistics"`
}

// number is a JSON number as written (also accepted as a string, as the
// proto3 JSON mapping writes 64-bit integers).
type number string

func (n *number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	if _, err := strconv.ParseFloat(string(b), 64); err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	*n = number(b)
	return nil
}

func (n number) float() float64 {
	f, _ := strconv.ParseFloat(string(n), 64)
	return f
}

// isInteger tells whether the number was written without a fraction or
// exponent (Python's json reads it as an int).
func (n number) isInteger() bool {
	return !bytes.ContainsAny([]byte(n), ".eE")
}

// readResult is the answer of /files/read.
type readResult struct {
	Data   string `json:"data"`
	Offset int64  `json:"offset"`
}
