package agent

import (
	"context"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// What one principal may see of the agent's state, as Mesos's agent
// filters /state and GET_STATE, GET_FRAMEWORKS, GET_EXECUTORS, GET_TASKS
// and GET_CONTAINERS: frameworks by VIEW_FRAMEWORK, executors by
// VIEW_EXECUTOR, tasks by VIEW_TASK (within frameworks and executors the
// principal may view), containers by VIEW_CONTAINER, /state's flags
// by VIEW_FLAGS and /state's reservations (reserved_resources,
// reserved_resources_full, reserved_resources_allocated) by VIEW_ROLE of
// their role; Mesos's agent leaves "resources", the unreserved_* fields,
// GET_AGENT and GET_STATE's resources unfiltered. GET_OPERATIONS is
// filtered by VIEW_ROLE too (authz_operations.go). An agent holds few of
// each: the loop lists them with the
// document, the authorizer judges them off the loop (one ApproveObjects
// call per action), and the document, built fresh for the request, is cut
// down. What the authorizer cannot decide is not shown.

// agentView holds the decisions; nil shows everything (no authorizer).
type agentView struct {
	flags      bool
	frameworks map[string]bool
	executors  map[execKey]bool
	tasks      map[execKey]bool // framework and task id
	containers map[string]bool
	roles      map[string]bool
}

type execKey struct{ framework, id string }

func (v *agentView) framework(id string) bool { return v == nil || v.frameworks[id] }

func (v *agentView) executor(fw, id string) bool {
	return v == nil || v.frameworks[fw] && v.executors[execKey{fw, id}]
}

func (v *agentView) task(fw, id string) bool {
	return v == nil || v.frameworks[fw] && v.tasks[execKey{fw, id}]
}

// viewObjects are what the loop lists for a view, each with its key.
type viewObjects struct {
	frameworkIDs []string
	frameworks   []*authorizer.Object
	execKeys     []execKey
	executors    []*authorizer.Object
	taskKeys     []execKey
	tasks        []*authorizer.Object
	containerIDs []string
	containers   []*authorizer.Object
	roles        []string
}

// listViewObjects copies, on the loop, the objects of every framework,
// executor, task and executor container.
func (a *Agent) listViewObjects() *viewObjects {
	o := &viewObjects{}
	addTask := func(fw string, info *mesospb.FrameworkInfo, id string, t *authorizer.Object) {
		t.FrameworkInfo = info
		o.taskKeys = append(o.taskKeys, execKey{fw, id})
		o.tasks = append(o.tasks, t)
	}
	addExecutor := func(fw string, info *mesospb.FrameworkInfo, e *executor) {
		execInfo := proto.CloneOf(e.info)
		o.execKeys = append(o.execKeys, execKey{fw, e.id})
		o.executors = append(o.executors, &authorizer.Object{FrameworkInfo: info, ExecutorInfo: execInfo})
		if e.containerID != nil {
			o.containerIDs = append(o.containerIDs, e.containerID.GetValue())
			o.containers = append(o.containers, &authorizer.Object{FrameworkInfo: info, ExecutorInfo: execInfo, ContainerId: proto.CloneOf(e.containerID)})
		}
		for _, q := range e.queued {
			for _, ti := range q.list {
				addTask(fw, info, ti.GetTaskId().GetValue(), &authorizer.Object{TaskInfo: proto.CloneOf(ti)})
			}
		}
		for _, ts := range []map[string]*task{e.launched, e.terminated} {
			for _, t := range ts {
				addTask(fw, info, t.id(), &authorizer.Object{Task: proto.CloneOf(t.proto)})
			}
		}
		for _, t := range e.completed {
			addTask(fw, info, t.id(), &authorizer.Object{Task: proto.CloneOf(t.proto)})
		}
	}
	add := func(fw *framework) {
		info := proto.CloneOf(frameworkInfoWithID(fw))
		o.frameworkIDs = append(o.frameworkIDs, fw.id)
		o.frameworks = append(o.frameworks, &authorizer.Object{FrameworkInfo: info})
		for _, e := range fw.executors {
			addExecutor(fw.id, info, e)
		}
		for _, e := range fw.completedExecutors {
			addExecutor(fw.id, info, e)
		}
	}
	for _, fw := range a.frameworks {
		add(fw)
	}
	for _, fw := range a.completedFrameworks {
		add(fw)
	}
	// The allocated reservations' roles are the total's; listing both
	// keeps a role shown in reserved_resources_allocated decided even if
	// the two ever differ.
	for role := range a.totalResources().Reservations() {
		o.roles = append(o.roles, role)
	}
	for role := range a.allocatedResources().Reservations() {
		if !slices.Contains(o.roles, role) {
			o.roles = append(o.roles, role)
		}
	}
	return o
}

// approve asks the authorizer about objects for the request's principal;
// on failure every object is denied.
func (a *Agent) approve(ctx context.Context, action authorizer.Action, objects []*authorizer.Object) []bool {
	out := make([]bool, len(objects))
	if len(objects) == 0 {
		return out
	}
	req := &authorizer.ApproveObjectsRequest{Subject: subjectOf(ctx), Action: action, Objects: objects}
	resp, err := a.mods.authorizer.ApproveObjects(ctx, req)
	if err == nil {
		err = authorizer.Check(req, resp)
	}
	if err != nil {
		a.log.Warn("authorization failed; denying", "action", action.String(), "principal", principalOf(ctx), "error", err)
		return out
	}
	return resp.GetAllowed()
}

// judge decides a view off the loop.
func (a *Agent) judge(ctx context.Context, o *viewObjects) *agentView {
	v := &agentView{frameworks: map[string]bool{}, executors: map[execKey]bool{}, tasks: map[execKey]bool{}, containers: map[string]bool{}, roles: map[string]bool{}}
	for i, ok := range a.approve(ctx, authorizer.Action_VIEW_FRAMEWORK, o.frameworks) {
		v.frameworks[o.frameworkIDs[i]] = ok
	}
	for i, ok := range a.approve(ctx, authorizer.Action_VIEW_EXECUTOR, o.executors) {
		v.executors[o.execKeys[i]] = ok
	}
	for i, ok := range a.approve(ctx, authorizer.Action_VIEW_TASK, o.tasks) {
		// A task id may appear twice (a retried launch): shown only if
		// every copy may be.
		k := o.taskKeys[i]
		if prev, seen := v.tasks[k]; !seen || prev {
			v.tasks[k] = ok
		}
	}
	for i, ok := range a.approve(ctx, authorizer.Action_VIEW_CONTAINER, o.containers) {
		v.containers[o.containerIDs[i]] = ok
	}
	roleObjs := make([]*authorizer.Object, len(o.roles))
	for i, role := range o.roles {
		roleObjs[i] = &authorizer.Object{Value: proto.String(role)}
	}
	for i, ok := range a.approve(ctx, authorizer.Action_VIEW_ROLE, roleObjs) {
		v.roles[o.roles[i]] = ok
	}
	v.flags, _ = a.authorize(ctx, authorizer.Action_VIEW_FLAGS, nil)
	return v
}

// withView runs build on the loop, with the objects of a view when there
// is an authorizer, and returns the view (nil without one).
func (a *Agent) withView(ctx context.Context, build func()) (*agentView, error) {
	if a.mods.authorizer == nil {
		return nil, a.call(ctx, build)
	}
	var o *viewObjects
	if err := a.call(ctx, func() { build(); o = a.listViewObjects() }); err != nil {
		return nil, err
	}
	return a.judge(ctx, o), nil
}

// filterStateDoc cuts a /state document down to v.
func (v *agentView) filterStateDoc(doc map[string]any) {
	if v == nil {
		return
	}
	if !v.flags {
		delete(doc, "flags")
		delete(doc, "log_dir")
		delete(doc, "external_log_file")
	}
	// A role the view did not decide (reserved after the listing) is not
	// shown.
	for _, key := range []string{"reserved_resources", "reserved_resources_full", "reserved_resources_allocated"} {
		if byRole, ok := doc[key].(map[string]any); ok {
			for role := range byRole {
				if !v.roles[role] {
					delete(byRole, role)
				}
			}
		}
	}
	for _, key := range []string{"frameworks", "completed_frameworks"} {
		doc[key] = keepMaps(doc[key], func(fw map[string]any) bool {
			id, _ := fw["id"].(string)
			if !v.framework(id) {
				return false
			}
			for _, ekey := range []string{"executors", "completed_executors"} {
				fw[ekey] = keepMaps(fw[ekey], func(e map[string]any) bool {
					eid, _ := e["id"].(string)
					if !v.executor(id, eid) {
						return false
					}
					for _, tkey := range []string{"tasks", "queued_tasks", "completed_tasks"} {
						e[tkey] = keepMaps(e[tkey], func(t map[string]any) bool {
							tid, _ := t["id"].(string)
							return v.task(id, tid)
						})
					}
					return true
				})
			}
			return true
		})
	}
}

// keepMaps keeps the objects of a JSON array (a []any of maps) that keep
// allows.
func keepMaps(list any, keep func(map[string]any) bool) any {
	items, ok := list.([]any)
	if !ok {
		return list
	}
	out := []any{}
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && keep(m) {
			out = append(out, m)
		}
	}
	return out
}

// filterFrameworks, filterExecutors, filterTasks and filterContainers cut
// the operator API's answers down to v.
func (v *agentView) filterFrameworks(r *agentpb.Response_GetFrameworks) {
	if v == nil || r == nil {
		return
	}
	drop := func(f *agentpb.Response_GetFrameworks_Framework) bool {
		return !v.framework(f.GetFrameworkInfo().GetId().GetValue())
	}
	r.Frameworks = slices.DeleteFunc(r.Frameworks, drop)
	r.CompletedFrameworks = slices.DeleteFunc(r.CompletedFrameworks, drop)
}

func (v *agentView) filterExecutors(r *agentpb.Response_GetExecutors) {
	if v == nil || r == nil {
		return
	}
	drop := func(e *agentpb.Response_GetExecutors_Executor) bool {
		info := e.GetExecutorInfo()
		return !v.executor(info.GetFrameworkId().GetValue(), info.GetExecutorId().GetValue())
	}
	r.Executors = slices.DeleteFunc(r.Executors, drop)
	r.CompletedExecutors = slices.DeleteFunc(r.CompletedExecutors, drop)
}

func (v *agentView) filterTasks(r *agentpb.Response_GetTasks) {
	if v == nil || r == nil {
		return
	}
	drop := func(t *mesospb.Task) bool { return !v.task(t.GetFrameworkId().GetValue(), t.GetTaskId().GetValue()) }
	r.PendingTasks = slices.DeleteFunc(r.PendingTasks, drop)
	r.QueuedTasks = slices.DeleteFunc(r.QueuedTasks, drop)
	r.LaunchedTasks = slices.DeleteFunc(r.LaunchedTasks, drop)
	r.TerminatedTasks = slices.DeleteFunc(r.TerminatedTasks, drop)
	r.CompletedTasks = slices.DeleteFunc(r.CompletedTasks, drop)
}

func (v *agentView) filterContainers(r *agentpb.Response_GetContainers) {
	if v == nil || r == nil {
		return
	}
	r.Containers = slices.DeleteFunc(r.Containers, func(c *agentpb.Response_GetContainers_Container) bool {
		return !v.containers[c.GetContainerId().GetValue()]
	})
}

// filter cuts an operator API answer down to v.
func (v *agentView) filter(resp *agentpb.Response) {
	if v == nil || resp == nil {
		return
	}
	if st := resp.GetGetState(); st != nil {
		v.filterFrameworks(st.GetGetFrameworks())
		v.filterExecutors(st.GetGetExecutors())
		v.filterTasks(st.GetGetTasks())
	}
	v.filterFrameworks(resp.GetGetFrameworks())
	v.filterExecutors(resp.GetGetExecutors())
	v.filterTasks(resp.GetGetTasks())
	v.filterContainers(resp.GetGetContainers())
}
