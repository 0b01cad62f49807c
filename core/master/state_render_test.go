package master

import (
	"bytes"
	"encoding/json"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestTaskJSONKeptMatchesFresh changes tasks the ways the master does
// (a new status, the last status replaced by one of the same state, the
// only status replaced, the state changed) and checks that the JSON kept
// in parts is, after each change, the JSON rendered from nothing.
func TestTaskJSONKeptMatchesFresh(t *testing.T) {
	m := largeMaster(t, 4, 2, 3000)
	status := func(tk *task, s mesospb.TaskState, ts float64) *mesospb.TaskStatus {
		return &mesospb.TaskStatus{TaskId: tk.info.TaskId, State: s.Enum(), Timestamp: proto.Float64(ts),
			Labels: &mesospb.Labels{Labels: []*mesospb.Label{{Key: proto.String("k"), Value: proto.String("v \"q\"")}}}}
	}
	changes := []struct {
		name   string
		change func(i int, tk *task)
	}{
		{"new status", func(i int, tk *task) {
			tk.info.Statuses = append(tk.info.Statuses, status(tk, mesospb.TaskState_TASK_RUNNING, float64(i)))
		}},
		{"last replaced", func(i int, tk *task) {
			n := len(tk.info.Statuses)
			tk.info.Statuses[n-1] = status(tk, tk.info.Statuses[n-1].GetState(), float64(i)+0.5)
		}},
		{"state changed", func(i int, tk *task) {
			tk.info.State = mesospb.TaskState_TASK_UNREACHABLE.Enum()
			tk.info.Statuses = append(tk.info.Statuses, status(tk, mesospb.TaskState_TASK_UNREACHABLE, float64(i)+0.7))
		}},
		{"only status replaced", func(i int, tk *task) {
			tk.info.Statuses = []*mesospb.TaskStatus{status(tk, mesospb.TaskState_TASK_FINISHED, float64(i)+0.9)}
			tk.info.State = mesospb.TaskState_TASK_FINISHED.Enum()
		}},
	}
	// Each task on its own: the document lists a framework's tasks in
	// map order, which differs between two renderings.
	render := func() map[string][]byte {
		m.renderChangedTasks()
		out := map[string][]byte{}
		for _, fw := range m.frameworks {
			for _, tk := range fw.tasks {
				w := jsonWriter{}
				writeTask(&w, tk)
				out[tk.id] = w.buf
			}
		}
		return out
	}
	render() // every task's parts kept
	for _, c := range changes {
		i := 0
		for _, fw := range m.frameworks {
			for _, tk := range fw.tasks {
				// Change every other task, so kept and re-rendered mix.
				if i++; i%2 == 0 {
					c.change(i, tk)
					tk.json.stale = true
				}
			}
		}
		kept := render()
		for _, fw := range m.frameworks {
			for _, tk := range fw.tasks {
				tk.json = taskJSONCache{}
			}
		}
		fresh := render()
		for id, k := range kept {
			if !bytes.Equal(k, fresh[id]) {
				t.Fatalf("%s: task %s kept JSON differs from a fresh rendering:\n%s\n%s", c.name, id, k, fresh[id])
			}
			if !json.Valid(k) {
				t.Fatalf("%s: task %s JSON is not valid: %s", c.name, id, k)
			}
		}
	}
}

// TestRenderTasksParallelRendersEach checks that the parallel renderer
// leaves every task rendered, whatever the split.
func TestRenderTasksParallelRendersEach(t *testing.T) {
	m := largeMaster(t, 3, 1, 5000)
	var tasks []*task
	for _, fw := range m.frameworks {
		for _, tk := range fw.tasks {
			tasks = append(tasks, tk)
		}
	}
	for _, workers := range []int{1, 2, 3, 7} {
		for _, tk := range tasks {
			tk.json = taskJSONCache{}
		}
		renderTasksParallel(tasks, workers)
		for _, tk := range tasks {
			if tk.json.needsRender() {
				t.Fatalf("%d workers: task %s left unrendered", workers, tk.id)
			}
		}
	}
}
