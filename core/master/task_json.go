package master

import (
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// A large cluster's /master/state is mostly its tasks (100k tasks make
// about 47 MB of a 57 MB document), so each task keeps its JSON between
// requests. It is kept in parts, because a task changes in only two ways
// after its launch: its state, and its statuses, which only grow (or have
// their last one replaced by one of the same state). Everything else Mesos
// shows of a task (ids, name, resources, role, user, labels, discovery,
// container) is fixed at launch and rendered once in the task's life; a
// change costs the rendering of its new status only.
//
// Mesos's json(Task) order is kept: the state sits between the ids and the
// resources, and the statuses between the role and the user, so the fixed
// part is three pieces around them.
type taskJSONCache struct {
	// head is `{"id":...,"slave_id":...,"state":`.
	head []byte
	// mid is `,"resources":{...},"role":...,"statuses":[`.
	mid []byte
	// tail is `],"user":...}`.
	tail []byte
	// statuses are the rendered statuses, comma separated: the first
	// rendered of info.Statuses, the last of them starting at lastStart.
	statuses  []byte
	rendered  int
	lastStart int
	last      *mesospb.TaskStatus
	// state is the task's state when it was last brought up to date.
	state mesospb.TaskState
	// stale says the task changed since (whatever changes a task's state
	// or statuses sets it).
	stale bool
}

// needsRender says whether the task's kept JSON is missing or behind.
func (c *taskJSONCache) needsRender() bool { return c.head == nil || c.stale }

// refreshTaskJSON brings the task's kept JSON up to date: the fixed parts
// on first use, then whatever statuses came since.
func refreshTaskJSON(t *task) *taskJSONCache {
	c := &t.json
	if !c.needsRender() {
		return c
	}
	if c.head == nil {
		renderTaskFixed(c, t)
	}
	statuses := t.info.GetStatuses()
	if c.rendered > 0 && (c.rendered > len(statuses) || statuses[c.rendered-1] != c.last) {
		if c.rendered == 1 || c.rendered > len(statuses) {
			// The only status replaced, or statuses gone: start over.
			c.statuses, c.rendered = c.statuses[:0], 0
		} else {
			// The last status was replaced by one of the same state:
			// drop it with its separator.
			c.statuses, c.rendered = c.statuses[:c.lastStart-1], c.rendered-1
		}
	}
	w := jsonWriter{buf: c.statuses, comma: c.rendered > 0}
	for _, s := range statuses[c.rendered:] {
		start := len(w.buf)
		if w.comma {
			start++ // the separator belongs to the previous status
		}
		writeStatus(&w, s)
		c.lastStart, c.last = start, s
	}
	c.statuses, c.rendered = w.buf, len(statuses)
	c.state, c.stale = t.info.GetState(), false
	return c
}

// renderTaskFixed renders the parts of a task's JSON that do not change.
func renderTaskFixed(c *taskJSONCache, t *task) {
	info := t.info
	w := jsonWriter{buf: make([]byte, 0, 384)}
	w.beginObject()
	w.fieldStr("id", t.id)
	w.fieldStr("name", info.GetName())
	w.fieldStr("framework_id", info.GetFrameworkId().GetValue())
	w.fieldStr("executor_id", info.GetExecutorId().GetValue())
	w.fieldStr("slave_id", t.agentID)
	w.key("state")
	headEnd := len(w.buf)

	w.comma = true
	w.key("resources")
	w.resources(t.resources)
	// A task's resources are all allocated to one role (MESOS-6636).
	for r := range t.resources.All() {
		if role, ok := r.AllocationRole(); ok {
			w.fieldStr("role", role)
		}
		break
	}
	w.key("statuses")
	w.buf = append(w.buf, '[')
	midEnd := len(w.buf)

	w.buf = append(w.buf, ']')
	w.comma = true
	if info.User != nil {
		w.fieldStr("user", info.GetUser())
	}
	if info.Labels != nil {
		w.key("labels")
		writeLabels(&w, info.GetLabels())
	}
	if info.Discovery != nil {
		w.fieldProto("discovery", info.GetDiscovery())
	}
	if info.Container != nil {
		w.fieldProto("container", info.GetContainer())
	}
	w.endObject()
	// Three-index slices: the parts share one array and none may grow
	// into the next.
	c.head = w.buf[:headEnd:headEnd]
	c.mid = w.buf[headEnd:midEnd:midEnd]
	c.tail = w.buf[midEnd:]
}

// writeTask writes a task (Mesos's json(Task)) from its kept parts.
func writeTask(w *jsonWriter, t *task) {
	c := refreshTaskJSON(t)
	w.sep()
	w.buf = append(w.buf, c.head...)
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, taskStateName(c.state)...)
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, c.mid...)
	w.buf = append(w.buf, c.statuses...)
	w.buf = append(w.buf, c.tail...)
	w.comma = true
}
