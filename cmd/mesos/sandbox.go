package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// mesos cat and mesos tail read a file of a task's sandbox as Mesos's
// mesos-cat and mesos-tail do: the master's state names the task's agent,
// the agent's state the executor's directory, and the agent's /files/read
// serves the file in pages.

// readChunk is the most asked of /files/read at once. It is below the
// agent's own cap (16 pages), so that a page comes back whole.
const readChunk = 16 * 1024

// followInterval is how often mesos tail --follow polls for new data
// (mesos-tail sleeps half a second).
const followInterval = 500 * time.Millisecond

// sandboxFile is a file of a task's sandbox on its agent.
type sandboxFile struct {
	agent    string // host:port
	hostname string
	path     string // the path /files/read takes
	name     string // --file
	task     string
}

// locate finds the task, its agent and the file's path in its sandbox.
func (e *env) locate() (*sandboxFile, error) {
	_, body, err := e.client.masterState(e.ctx, e.flags.Master)
	if err != nil {
		return nil, err
	}
	var state masterState
	if err := json.Unmarshal(body, &state); err != nil {
		return nil, fmt.Errorf("Failed to get the master state: decode it: %w", err)
	}
	task, err := findTask(&state, e.flags.Framework, e.flags.Task)
	if err != nil {
		return nil, err
	}
	var agent *masterAgent
	for i := range state.Slaves {
		if state.Slaves[i].ID == task.SlaveID {
			agent = &state.Slaves[i]
		}
	}
	if agent == nil {
		return nil, fmt.Errorf("Failed to get state from slave: agent %s of task '%s' is not registered with the master", task.SlaveID, task.ID)
	}
	addr := pidAddress(agent.PID)
	var as agentState
	if err := e.client.getJSON(e.ctx, addr, "/"+pidID(agent.PID)+"/state", nil, &as); err != nil {
		return nil, fmt.Errorf("Failed to get state from slave %s (%s): %w", agent.ID, agent.Hostname, err)
	}
	dir, ok := sandboxDirectory(&as, task)
	if !ok {
		return nil, fmt.Errorf("Task directory not found: agent %s (%s) knows no executor '%s' of framework '%s'",
			agent.ID, agent.Hostname, task.executorID(), task.FrameworkID)
	}
	e.log.Debug("found the task's sandbox", "agent", agent.ID, "directory", dir)
	return &sandboxFile{agent: addr, hostname: agent.Hostname, path: joinPath(dir, e.flags.File), name: e.flags.File, task: task.ID}, nil
}

// findTask looks for the task among the framework's tasks (active,
// unreachable and completed), also when the framework has completed.
func findTask(state *masterState, frameworkID, taskID string) (masterTask, error) {
	found := false
	for _, list := range [][]masterFramework{state.Frameworks, state.CompletedFrameworks} {
		for _, fw := range list {
			if fw.ID != frameworkID {
				continue
			}
			found = true
			for _, tasks := range [][]masterTask{fw.Tasks, fw.UnreachableTasks, fw.CompletedTasks} {
				for _, t := range tasks {
					if t.ID == taskID {
						if t.FrameworkID == "" {
							t.FrameworkID = fw.ID
						}
						return t, nil
					}
				}
			}
		}
	}
	if !found {
		return masterTask{}, fmt.Errorf("No task found! The master knows no framework '%s'", frameworkID)
	}
	return masterTask{}, fmt.Errorf("No task found! Framework '%s' has no task '%s'", frameworkID, taskID)
}

// sandboxDirectory is the task's sandbox in the agent's state: the
// directory of the executor that runs (or ran) it. An executor id can be
// reused by later runs, so the executor that lists the task is preferred,
// then a running one, then the last completed. A task of a task group
// (under the default executor) has a sandbox of its own inside the
// executor's, tasks/<task id>.
func sandboxDirectory(as *agentState, t masterTask) (string, bool) {
	var candidates []agentExecutor
	for _, list := range [][]agentFramework{as.Frameworks, as.CompletedFrameworks} {
		for _, fw := range list {
			if fw.ID != t.FrameworkID {
				continue
			}
			candidates = append(candidates, fw.Executors...)
			// The latest completed run first.
			for i := len(fw.CompletedExecutors) - 1; i >= 0; i-- {
				candidates = append(candidates, fw.CompletedExecutors[i])
			}
		}
	}
	var chosen *agentExecutor
	for i := range candidates {
		c := &candidates[i]
		if c.ID != t.executorID() || c.Directory == "" {
			continue
		}
		if c.runs(t.ID) {
			chosen = c
			break
		}
		if chosen == nil {
			chosen = c
		}
	}
	if chosen == nil {
		return "", false
	}
	if chosen.Type == "DEFAULT" && t.ExecutorID != "" {
		return joinPath(chosen.Directory, "tasks/"+t.ID), true
	}
	return chosen.Directory, true
}

// joinPath is Python's os.path.join of two parts, as the scripts join the
// sandbox and --file: an absolute file stands on its own.
func joinPath(dir, file string) string {
	if strings.HasPrefix(file, "/") {
		return file
	}
	if dir == "" || strings.HasSuffix(dir, "/") {
		return dir + file
	}
	return dir + "/" + file
}

// size is the file's current length (/files/read with offset -1).
func (e *env) size(f *sandboxFile) (int64, error) {
	var r readResult
	q := url.Values{"path": {f.path}, "offset": {"-1"}}
	if err := e.client.getJSON(e.ctx, f.agent, "/files/read", q, &r); err != nil {
		return 0, e.fileError(f, "Failed to determine length of file", err)
	}
	return r.Offset, nil
}

// readAt reads up to length bytes at offset. The agent sends them as
// text, each byte that is not part of a UTF-8 character replaced by
// U+FFFD.
func (e *env) readAt(f *sandboxFile, offset, length int64) (string, error) {
	var r readResult
	q := url.Values{"path": {f.path}, "offset": {strconv.FormatInt(offset, 10)}, "length": {strconv.FormatInt(length, 10)}}
	if err := e.client.getJSON(e.ctx, f.agent, "/files/read", q, &r); err != nil {
		return "", e.fileError(f, "Failed to read file from slave", err)
	}
	return r.Data, nil
}

// rawLen is how many bytes of the file data stands for: a U+FFFD is one
// byte that was not UTF-8 (or, rarely, a U+FFFD of the file, which this
// undercounts).
func rawLen(data string) int64 {
	return int64(len(data) - 2*strings.Count(data, string(utf8.RuneError)))
}

// copyRange writes the file's bytes [offset, end) to stdout, in pages, and
// returns the offset reached (less than end if the file shrank). A
// character cut by the end of a page is read again with the next page, so
// that it is not printed as U+FFFD; when more is expected after end
// (--follow), also at end.
func (e *env) copyRange(f *sandboxFile, offset, end int64, more bool) (int64, error) {
	for offset < end {
		n := min(readChunk, end-offset)
		data, err := e.readAt(f, offset, n)
		if err != nil {
			return offset, err
		}
		if data == "" {
			break // the file shrank
		}
		// The agent serves pages below its cap whole; fewer bytes mean
		// the file shrank.
		got, short := n, false
		if raw := rawLen(data); raw < n && !strings.ContainsRune(data, utf8.RuneError) {
			got, short = raw, true
		}
		if !short && (offset+n < end || more) {
			cut := trailingReplacements(data)
			if cut > 0 && int64(cut) < n && 3*cut < len(data) {
				data = data[:len(data)-3*cut]
				got -= int64(cut)
			}
		}
		if _, err := io.WriteString(e.stdout, data); err != nil {
			return offset, err
		}
		offset += got
		if short {
			break
		}
	}
	return offset, nil
}

// trailingReplacements counts the U+FFFD (at most 3, the most a cut
// character leaves) at the end of data.
func trailingReplacements(data string) int {
	cut := 0
	for cut < 3 && strings.HasSuffix(data[:len(data)-3*cut], string(utf8.RuneError)) {
		cut++
	}
	return cut
}

// startOfLastLines is the offset at which the last n lines of the file's
// first size bytes begin (a final newline ends the last line rather than
// starting another). It reads back from the end in pages.
func (e *env) startOfLastLines(f *sandboxFile, size int64, n int) (int64, error) {
	if n <= 0 {
		return size, nil
	}
	for pos := size; pos > 0; {
		length := min(readChunk, pos)
		data, err := e.readAt(f, pos-length, length)
		if err != nil {
			return 0, err
		}
		if rawLen(data) < length && !strings.ContainsRune(data, utf8.RuneError) {
			return 0, fmt.Errorf("Failed to read file from slave: '%s' shrank while being read", f.path)
		}
		// Walk back through the page, keeping the file offset.
		raw := pos
		for i := len(data); i > 0; {
			r, w := utf8.DecodeLastRuneInString(data[:i])
			i -= w
			if r == utf8.RuneError {
				raw--
			} else {
				raw -= int64(w)
			}
			if r == '\n' && raw != size-1 {
				n--
				if n == 0 {
					return raw + 1, nil
				}
			}
		}
		pos -= length
	}
	return 0, nil
}

// fileError explains a failed /files/read.
func (e *env) fileError(f *sandboxFile, what string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	if isStatus(err, http.StatusNotFound) {
		return fmt.Errorf("No such file or directory: '%s' in the sandbox of task '%s' on agent %s (%s: %s)",
			f.name, f.task, f.hostname, f.agent, f.path)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func runCat(e *env) error {
	f, err := e.locate()
	if err != nil {
		return err
	}
	size, err := e.size(f)
	if err != nil {
		return err
	}
	_, err = e.copyRange(f, 0, size, false)
	return err
}

func runTail(e *env) error {
	f, err := e.locate()
	if err != nil {
		return err
	}
	size, err := e.size(f)
	if err != nil {
		return err
	}
	start, err := e.startOfLastLines(f, size, e.flags.Lines)
	if err != nil {
		return err
	}
	offset, err := e.copyRange(f, start, size, e.flags.Follow)
	if err != nil || !e.flags.Follow {
		return err
	}
	return e.follow(f, offset)
}

// follow prints what is appended to the file from offset on, polling as
// mesos-tail does, until the context ends. A file that shrinks below the
// offset was truncated: it is printed again from its start, as tail -f
// does.
func (e *env) follow(f *sandboxFile, offset int64) error {
	for {
		size, err := e.size(f)
		if err != nil {
			if e.ctx.Err() != nil {
				return nil
			}
			return err
		}
		if size < offset {
			fmt.Fprintf(e.stderr, "%s: %s: file truncated\n", e.program, f.path)
			offset = 0
		}
		if size > offset {
			reached, err := e.copyRange(f, offset, size, true)
			if err != nil {
				if e.ctx.Err() != nil {
					return nil
				}
				return err
			}
			if reached > offset {
				offset = reached
				continue
			}
		}
		select {
		case <-e.ctx.Done():
			return nil
		case <-time.After(followInterval):
		}
	}
}
