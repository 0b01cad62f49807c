package master

import (
	"runtime"
	"strconv"
	"sync"

	"github.com/gomesos/mesos/core/proto/mesospb"
)

// The state documents copy each task's kept JSON (task.json). When many
// tasks changed since the last request, rendering them again is most of
// the document's cost, and that work is independent per task: it is spread
// over the machine's cores before the document is written, while the loop
// waits. The workers only read the tasks' records (nothing else runs on
// the loop meanwhile) and each writes the json field of its own tasks.

// minTasksPerRenderWorker keeps small renders on one goroutine, where
// starting workers would cost more than it saves.
const minTasksPerRenderWorker = 1024

// renderChangedTasks renders every task of the master's frameworks,
// current and completed, whose JSON is not kept.
func (m *Master) renderChangedTasks() {
	var stale []*task
	collect := func(fw *framework) {
		for _, t := range fw.tasks {
			if t.json.needsRender() {
				stale = append(stale, t)
			}
		}
		for _, t := range fw.completedTasks {
			if t.json.needsRender() {
				stale = append(stale, t)
			}
		}
	}
	for _, fw := range m.frameworks {
		collect(fw)
	}
	for _, fw := range m.completedFrameworks {
		collect(fw)
	}
	renderTasksParallel(stale, runtime.GOMAXPROCS(0))
}

// renderTasksParallel renders the tasks' JSON with up to workers
// goroutines, each taking one contiguous share.
func renderTasksParallel(tasks []*task, workers int) {
	workers = min(workers, len(tasks)/minTasksPerRenderWorker)
	if workers <= 1 {
		for _, t := range tasks {
			refreshTaskJSON(t)
		}
		return
	}
	var wg sync.WaitGroup
	share := (len(tasks) + workers - 1) / workers
	for start := 0; start < len(tasks); start += share {
		part := tasks[start:min(start+share, len(tasks))]
		wg.Go(func() {
			for _, t := range part {
				refreshTaskJSON(t)
			}
		})
	}
	wg.Wait()
}

// taskStateName is s.String() without the descriptor lookup that the
// generated method makes, which shows in the profile of a document with
// 100k tasks and as many statuses.
func taskStateName(s mesospb.TaskState) string {
	if name, ok := mesospb.TaskState_name[int32(s)]; ok {
		return name
	}
	return strconv.Itoa(int(s))
}
