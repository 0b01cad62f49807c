package master

import (
	"context"
	"log/slog"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// What one principal may see of the master's state: Mesos filters /state,
// /frameworks, /tasks, /state-summary, /roles and the operator API's
// GET_STATE, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS, GET_ROLES and
// SUBSCRIBE by VIEW_FRAMEWORK, VIEW_TASK, VIEW_EXECUTOR, VIEW_ROLE and
// VIEW_FLAGS. The writers consult the view (Master.view) at their loops.
//
// Two ways to decide, by what the authorizer can do:
//   - an authorizer that decides locally (authorizer.ObjectApprovers, the
//     built-in local one) gives an approver per action, fetched off the
//     loop; the writers ask it about each record as they reach it, as
//     Mesos's master does with its ObjectApprovers. Nothing is listed or
//     copied, so a filtered /state costs little more than an unfiltered one;
//   - any other (a plugin or WASM module) is asked in two trips: the loop
//     lists the objects, the authorizer judges them off the loop (one
//     ApproveObjects call per action), and the writers look the decisions
//     up. An object that appeared in between is not shown.
// Either way an authorizer that fails denies (fail closed).

// view holds the decisions; a nil view shows everything (no authorizer).
type view struct {
	// local is set when the authorizer decides locally; the maps below
	// are then unused.
	local *localView

	frameworks map[string]bool
	tasks      map[taskKey]bool
	executors  map[executorKey]bool
	roles      map[string]bool
	flags      bool
}

type taskKey struct{ framework, task string }

type executorKey struct{ framework, agent, executor string }

func (v *view) framework(fw *framework) bool {
	switch {
	case v == nil:
		return true
	case v.local != nil:
		return v.local.decide(v.local.framework, &authorizer.Object{FrameworkInfo: fw.info})
	}
	return v.frameworks[fw.id]
}

func (v *view) task(fw *framework, t *task) bool {
	switch {
	case v == nil:
		return true
	case v.local != nil:
		l := v.local
		l.taskObj.FrameworkInfo, l.taskObj.Task = fw.info, t.info
		return l.decide(l.task, &l.taskObj)
	}
	return v.tasks[taskKey{fw.id, t.id}]
}

func (v *view) executor(fw *framework, agentID string, e *mesospb.ExecutorInfo) bool {
	switch {
	case v == nil:
		return true
	case v.local != nil:
		l := v.local
		l.execObj.FrameworkInfo, l.execObj.ExecutorInfo = fw.info, e
		return l.decide(l.executor, &l.execObj)
	}
	return v.executors[executorKey{fw.id, agentID, e.GetExecutorId().GetValue()}]
}

func (v *view) role(name string) bool {
	switch {
	case v == nil:
		return true
	case v.local != nil:
		return v.local.decide(v.local.role, roleObject(name))
	}
	return v.roles[name]
}

func (v *view) showFlags() bool { return v == nil || v.flags }

// resources keeps the resources v may see, as Mesos's GET_AGENTS does: a
// resource of a role (its role, its allocation's, each of its
// reservations') the principal may not VIEW_ROLE is left out; unreserved,
// unallocated resources are always shown. rs is not changed.
func (v *view) resources(rs []*mesospb.Resource) []*mesospb.Resource {
	if v == nil {
		return rs
	}
	out := make([]*mesospb.Resource, 0, len(rs))
	for _, r := range rs {
		if v.resource(r) {
			out = append(out, r)
		}
	}
	return out
}

func (v *view) resource(r *mesospb.Resource) bool {
	if r.Role != nil && r.GetRole() != "*" && !v.role(r.GetRole()) {
		return false
	}
	if ai := r.GetAllocationInfo(); ai != nil && ai.Role != nil && !v.role(ai.GetRole()) {
		return false
	}
	for _, res := range r.GetReservations() {
		if !v.role(res.GetRole()) {
			return false
		}
	}
	return true
}

// localView holds a principal's approvers. It is used on the loop only,
// by one writer at a time: taskObj and execObj are reused for every task
// and executor (only the fields set here ever change), so deciding 100k
// tasks allocates nothing.
type localView struct {
	framework, task, executor, role authorizer.ObjectApprover
	taskObj, execObj                authorizer.Object
	// failed is the first approver error, logged once per view.
	failed error
	log    *slog.Logger
}

// decide asks ap about o; an error (or no approver) denies.
func (l *localView) decide(ap authorizer.ObjectApprover, o *authorizer.Object) bool {
	if ap == nil {
		return false
	}
	ok, err := ap.Approved(o)
	if err != nil {
		if l.failed == nil {
			l.failed = err
			l.log.Warn("authorization failed; denying", "error", err)
		}
		return false
	}
	return ok
}

// localViewFor fetches the approvers of principal, off the loop; nil when
// the authorizer cannot decide locally. An approver that cannot be had
// denies its action.
func (m *Master) localViewFor(ctx context.Context, principal string) *view {
	subject := authorizer.Principal(principal)
	fws, err := authorizer.ApproverOf(ctx, m.cfg.Authorizer, subject, authorizer.Action_VIEW_FRAMEWORK)
	if err == nil && fws == nil {
		return nil
	}
	l := &localView{framework: fws, log: m.log}
	if err != nil {
		m.log.Warn("authorization failed; denying", "action", "VIEW_FRAMEWORK", "principal", principal, "error", err)
	}
	for action, dst := range map[authorizer.Action]*authorizer.ObjectApprover{
		authorizer.Action_VIEW_TASK: &l.task, authorizer.Action_VIEW_EXECUTOR: &l.executor, authorizer.Action_VIEW_ROLE: &l.role,
	} {
		ap, err := authorizer.ApproverOf(ctx, m.cfg.Authorizer, subject, action)
		if err != nil {
			m.log.Warn("authorization failed; denying", "action", action.String(), "principal", principal, "error", err)
		}
		*dst = ap
	}
	v := &view{local: l}
	v.flags, _ = m.authorize(ctx, principal, authorizer.Action_VIEW_FLAGS, nil)
	return v
}

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
	roles := map[string]bool{}
	for _, r := range m.knownRoles() {
		roles[r.name] = true
	}
	// The roles of agents' reservations, and the roles above them (a
	// refined reservation's path), for the agents' resources.
	for _, a := range m.agents {
		for role := range a.total.Reservations() {
			for r := role; r != ""; r = parentRole(r) {
				roles[r] = true
			}
		}
	}
	o.roles = sortedKeys(roles)
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

// parentRole is the role above role ("" for a top-level role).
func parentRole(role string) string {
	i := strings.LastIndexByte(role, '/')
	if i < 0 {
		return ""
	}
	return role[:i]
}

// viewFor builds the view of the request's principal; nil when there is no
// authorizer. A failing authorizer shows nothing.
func (m *Master) viewFor(ctx context.Context) (*view, error) {
	if m.cfg.Authorizer == nil {
		return nil, nil
	}
	if v := m.localViewFor(ctx, principalOf(ctx)); v != nil {
		return v, nil
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
