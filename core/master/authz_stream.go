package master

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// The operator SUBSCRIBE stream of a principal, filtered as Mesos filters
// it: its SUBSCRIBED state by the principal's view (authz_view.go), then
// TASK_ADDED and TASK_UPDATED only for tasks it may view (VIEW_FRAMEWORK
// and VIEW_TASK), FRAMEWORK_* only for frameworks it may view; agent
// events and heartbeats always, AGENT_ADDED without the agent's resources
// of roles it may not view (VIEW_ROLE). The loop publishes every event to every
// stream; each filtered stream asks the authorizer on a goroutine of its
// own, in order, so a slow authorizer delays only its stream.

// eventFilter is one stream's filter. The maps are its own copies of what
// the events refer to (FrameworkInfo, a task's identity and user), kept
// from the SUBSCRIBED state and the events that follow.
type eventFilter struct {
	m          *Master
	principal  string
	frameworks map[string]*mesospb.FrameworkInfo
	tasks      map[taskKey]*mesospb.Task
}

// newEventFilter is the filter of the request's principal; nil without an
// authorizer.
func (m *Master) newEventFilter(ctx context.Context) *eventFilter {
	if m.cfg.Authorizer == nil {
		return nil
	}
	return &eventFilter{m: m, principal: principalOf(ctx), frameworks: map[string]*mesospb.FrameworkInfo{}, tasks: map[taskKey]*mesospb.Task{}}
}

// seed copies, on the loop, what the events will refer to.
func (f *eventFilter) seed() {
	if f == nil {
		return
	}
	add := func(fw *framework) {
		f.frameworks[fw.id] = cloneFrameworkInfo(fw.info)
		for _, t := range fw.tasks {
			f.tasks[taskKey{fw.id, t.id}] = taskIdentity(t.info)
		}
	}
	for _, fw := range f.m.frameworks {
		add(fw)
	}
	for _, fw := range f.m.completedFrameworks {
		add(fw)
	}
}

// stateFor is GET_STATE as the request's principal may see it (on the
// loop).
func (m *Master) stateFor(ctx context.Context) *masterpb.Response_GetState {
	var out *masterpb.Response_GetState
	m.usingView(ctx, func() { out = m.getState() })
	return out
}

// filtered returns the subscriber the stream is written from: in itself
// without a filter, else a new one fed by a goroutine that passes on the
// events the principal may see, until in closes or ctx ends.
func (f *eventFilter) filtered(ctx context.Context, in *subscriber) *subscriber {
	if f == nil {
		return in
	}
	out := newSubscriber(in.id)
	go func() {
		defer out.close()
		for {
			select {
			case ev := <-in.events:
				ev, ok := f.pass(ctx, ev)
				if !ok {
					continue
				}
				if !out.send(ev) {
					return
				}
			case <-in.closed:
				// Pass on what was queued before the close.
				for {
					select {
					case ev := <-in.events:
						if ev, ok := f.pass(ctx, ev); ok {
							out.send(ev)
						}
					default:
						return
					}
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// pass is what the stream sends of ev, and whether it sends it: an event
// the principal may not see is dropped, an agent's is cut to what it may
// see; anything else (a heartbeat) passes as it is.
func (f *eventFilter) pass(ctx context.Context, ev proto.Message) (proto.Message, bool) {
	e, ok := ev.(*masterpb.Event)
	if !ok {
		return ev, true
	}
	if !f.allowed(ctx, e) {
		return nil, false
	}
	if e.GetType() == masterpb.Event_AGENT_ADDED {
		return f.agentAdded(ctx, e), true
	}
	return e, true
}

// agentAdded is ev without the agent's resources of roles the principal
// may not VIEW_ROLE, as Mesos filters AGENT_ADDED (and GET_AGENTS: see
// view.resources). ev is shared by every stream, so it is not changed;
// the copy is made only when something is left out.
func (f *eventFilter) agentAdded(ctx context.Context, ev *masterpb.Event) *masterpb.Event {
	a := ev.GetAgentAdded().GetAgent()
	sets := [][]*mesospb.Resource{a.GetTotalResources(), a.GetAllocatedResources(), a.GetOfferedResources()}
	v := f.roleView(ctx, sets...)
	hidden := false
	for _, rs := range sets {
		for _, r := range rs {
			hidden = hidden || !v.resource(r)
		}
	}
	if !hidden {
		return ev
	}
	out := proto.CloneOf(ev)
	b := out.GetAgentAdded().GetAgent()
	b.TotalResources = v.resources(b.TotalResources)
	b.AllocatedResources = v.resources(b.AllocatedResources)
	b.OfferedResources = v.resources(b.OfferedResources)
	return out
}

// roleView is a view deciding only the roles the resources name (their
// roles, allocations' and reservations'), asked of the authorizer in one
// ApproveObjects call; a failing authorizer denies them all.
func (f *eventFilter) roleView(ctx context.Context, sets ...[]*mesospb.Resource) *view {
	seen := map[string]bool{}
	var names []string
	note := func(role string) {
		if role != "" && role != "*" && !seen[role] {
			seen[role] = true
			names = append(names, role)
		}
	}
	for _, rs := range sets {
		for _, r := range rs {
			note(r.GetRole())
			note(r.GetAllocationInfo().GetRole())
			for _, res := range r.GetReservations() {
				note(res.GetRole())
			}
		}
	}
	objs := make([]*authorizer.Object, len(names))
	for i, n := range names {
		objs[i] = roleObject(n)
	}
	decided, _ := f.m.approve(ctx, f.principal, authorizer.Action_VIEW_ROLE, objs)
	v := &view{roles: make(map[string]bool, len(names))}
	for i, ok := range decided {
		v.roles[names[i]] = ok
	}
	return v
}

// allowed decides one event, learning the frameworks and tasks it names.
func (f *eventFilter) allowed(ctx context.Context, ev *masterpb.Event) bool {
	switch ev.GetType() {
	case masterpb.Event_FRAMEWORK_ADDED, masterpb.Event_FRAMEWORK_UPDATED:
		info := ev.GetFrameworkAdded().GetFramework().GetFrameworkInfo()
		if ev.GetType() == masterpb.Event_FRAMEWORK_UPDATED {
			info = ev.GetFrameworkUpdated().GetFramework().GetFrameworkInfo()
		}
		f.frameworks[info.GetId().GetValue()] = info
		return f.viewFramework(ctx, info)
	case masterpb.Event_FRAMEWORK_REMOVED:
		return f.viewFramework(ctx, ev.GetFrameworkRemoved().GetFrameworkInfo())
	case masterpb.Event_TASK_ADDED:
		t := ev.GetTaskAdded().GetTask()
		key := taskKey{t.GetFrameworkId().GetValue(), t.GetTaskId().GetValue()}
		f.tasks[key] = taskIdentity(t)
		return f.viewTask(ctx, key)
	case masterpb.Event_TASK_UPDATED:
		u := ev.GetTaskUpdated()
		key := taskKey{u.GetFrameworkId().GetValue(), u.GetStatus().GetTaskId().GetValue()}
		if _, known := f.tasks[key]; !known {
			f.tasks[key] = &mesospb.Task{TaskId: u.GetStatus().GetTaskId(), FrameworkId: u.GetFrameworkId(), State: u.State}
		}
		ok := f.viewTask(ctx, key)
		if isTerminal(u.GetState()) {
			delete(f.tasks, key)
		}
		return ok
	}
	return true
}

func (f *eventFilter) viewFramework(ctx context.Context, info *mesospb.FrameworkInfo) bool {
	ok, _ := f.m.authorize(ctx, f.principal, authorizer.Action_VIEW_FRAMEWORK, &authorizer.Object{FrameworkInfo: info})
	return ok
}

// viewTask needs VIEW_FRAMEWORK of the task's framework and VIEW_TASK of
// the task; a task of a framework the stream never saw is not shown.
func (f *eventFilter) viewTask(ctx context.Context, key taskKey) bool {
	info := f.frameworks[key.framework]
	if info == nil || !f.viewFramework(ctx, info) {
		return false
	}
	ok, _ := f.m.authorize(ctx, f.principal, authorizer.Action_VIEW_TASK,
		&authorizer.Object{FrameworkInfo: info, Task: proto.CloneOf(f.tasks[key])})
	return ok
}
