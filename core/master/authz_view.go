package master

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// What one principal may see of the master's state: Mesos filters /state,
// /frameworks, /tasks, /state-summary, /roles and the operator API's
// GET_STATE, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS, GET_ROLES and
// SUBSCRIBE by VIEW_FRAMEWORK, VIEW_TASK, VIEW_EXECUTOR, VIEW_ROLE and
// VIEW_FLAGS. The decisions are made before the document is written, in
// two trips: the loop lists the objects, the authorizer judges them off
// the loop (one ApproveObjects call per action), and the loop writes the
// document consulting the view (Master.view) at its top-level loops. An
// object that appeared in between is not shown (fail closed).

// view holds the decisions; a nil view shows everything (no authorizer).
type view struct {
	frameworks map[string]bool
	tasks      map[taskKey]bool
	executors  map[executorKey]bool
	roles      map[string]bool
	flags      bool
}

type taskKey struct{ framework, task string }

type executorKey struct{ framework, agent, executor string }

func (v *view) framework(id string) bool { return v == nil || v.frameworks[id] }

func (v *view) task(framework, id string) bool {
	return v == nil || v.tasks[taskKey{framework, id}]
}

func (v *view) executor(framework, agent, id string) bool {
	return v == nil || v.executors[executorKey{framework, agent, id}]
}

func (v *view) role(name string) bool { return v == nil || v.roles[name] }

func (v *view) showFlags() bool { return v == nil || v.flags }

// viewObjects are what the loop lists for a view: the objects of each
// action with the keys they decide.
type viewObjects struct {
	frameworkIDs []string
	frameworks   []*authorizer.Object
	taskKeys     []taskKey
	tasks        []*authorizer.Object
	executorKeys []executorKey
	executors    []*authorizer.Object
	roles        []string
}

// collectViewObjects lists, on the loop, the objects of every framework
// (subscribed and completed), task, executor and known role. Tasks and
// executors are given as their identity and user (what Mesos's actions
// read), copied, so the authorizer may read them off the loop.
func (m *Master) collectViewObjects() *viewObjects {
	o := &viewObjects{}
	add := func(fw *framework) {
		info := cloneFrameworkInfo(fw.info)
		o.frameworkIDs = append(o.frameworkIDs, fw.id)
		o.frameworks = append(o.frameworks, &authorizer.Object{FrameworkInfo: info})
		addTask := func(t *task) {
			o.taskKeys = append(o.taskKeys, taskKey{fw.id, t.id})
			o.tasks = append(o.tasks, &authorizer.Object{FrameworkInfo: info, Task: taskIdentity(t.info)})
		}
		for _, t := range fw.tasks {
			addTask(t)
		}
		for _, t := range fw.completedTasks {
			addTask(t)
		}
		for agentID, execs := range fw.executors {
			for id, e := range execs {
				o.executorKeys = append(o.executorKeys, executorKey{fw.id, agentID, id})
				o.executors = append(o.executors, &authorizer.Object{FrameworkInfo: info, ExecutorInfo: executorIdentity(e)})
			}
		}
	}
	for _, fw := range m.frameworks {
		add(fw)
	}
	for _, fw := range m.completedFrameworks {
		add(fw)
	}
	for _, r := range m.knownRoles() {
		o.roles = append(o.roles, r.name)
	}
	return o
}

// taskIdentity is a task's identity, state and user. The id messages are
// shared, not copied: the master never changes an id in place, and with
// 100k tasks copying them would double the view's cost.
func taskIdentity(t *mesospb.Task) *mesospb.Task {
	out := &mesospb.Task{
		Name: t.Name, TaskId: t.GetTaskId(), FrameworkId: t.GetFrameworkId(),
		ExecutorId: t.GetExecutorId(), AgentId: t.GetAgentId(), State: t.GetState().Enum(),
	}
	if t.User != nil {
		out.User = proto.String(t.GetUser())
	}
	return out
}

func executorIdentity(e *mesospb.ExecutorInfo) *mesospb.ExecutorInfo {
	out := &mesospb.ExecutorInfo{
		ExecutorId: proto.CloneOf(e.GetExecutorId()), FrameworkId: proto.CloneOf(e.GetFrameworkId()), Name: e.Name,
	}
	if c := e.GetCommand(); c != nil && c.User != nil {
		out.Command = &mesospb.CommandInfo{User: proto.String(c.GetUser())}
	}
	return out
}

// viewFor builds the view of the request's principal; nil when there is no
// authorizer. A failing authorizer shows nothing.
func (m *Master) viewFor(ctx context.Context) (*view, error) {
	if m.cfg.Authorizer == nil {
		return nil, nil
	}
	var objs *viewObjects
	if err := m.call(ctx, func() { objs = m.collectViewObjects() }); err != nil {
		return nil, err
	}
	return m.judgeView(ctx, principalOf(ctx), objs), nil
}

// judgeView asks the authorizer about the objects (off the loop).
func (m *Master) judgeView(ctx context.Context, principal string, objs *viewObjects) *view {
	v := &view{
		frameworks: make(map[string]bool, len(objs.frameworkIDs)),
		tasks:      make(map[taskKey]bool, len(objs.taskKeys)),
		executors:  make(map[executorKey]bool, len(objs.executorKeys)),
		roles:      make(map[string]bool, len(objs.roles)),
	}
	fws, _ := m.approve(ctx, principal, authorizer.Action_VIEW_FRAMEWORK, objs.frameworks)
	for i, ok := range fws {
		v.frameworks[objs.frameworkIDs[i]] = ok
	}
	tasks, _ := m.approve(ctx, principal, authorizer.Action_VIEW_TASK, objs.tasks)
	for i, ok := range tasks {
		v.tasks[objs.taskKeys[i]] = ok
	}
	execs, _ := m.approve(ctx, principal, authorizer.Action_VIEW_EXECUTOR, objs.executors)
	for i, ok := range execs {
		v.executors[objs.executorKeys[i]] = ok
	}
	roleObjs := make([]*authorizer.Object, len(objs.roles))
	for i, r := range objs.roles {
		roleObjs[i] = roleObject(r)
	}
	roles, _ := m.approve(ctx, principal, authorizer.Action_VIEW_ROLE, roleObjs)
	for i, ok := range roles {
		v.roles[objs.roles[i]] = ok
	}
	v.flags, _ = m.authorize(ctx, principal, authorizer.Action_VIEW_FLAGS, nil)
	return v
}

type viewKey struct{}

// withView carries a view to the loop's writers (serveDocument,
// encodeOnLoop).
func withView(ctx context.Context, v *view) context.Context {
	if v == nil {
		return ctx
	}
	return context.WithValue(ctx, viewKey{}, v)
}

func viewOf(ctx context.Context) *view {
	v, _ := ctx.Value(viewKey{}).(*view)
	return v
}

// usingView runs fn on the loop with m.view set to ctx's view.
func (m *Master) usingView(ctx context.Context, fn func()) {
	m.view = viewOf(ctx)
	defer func() { m.view = nil }()
	fn()
}
