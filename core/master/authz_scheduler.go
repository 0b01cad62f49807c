package master

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/uuid"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Authentication and authorization of the scheduler API, as Mesos's
// master does them for HTTP frameworks.

// frameworkRealm is the realm of the scheduler API (Mesos's
// DEFAULT_HTTP_FRAMEWORK_AUTHENTICATION_REALM).
const frameworkRealm = "mesos-master-scheduler"

// authenticateScheduler checks a scheduler request's credentials when
// --authenticate_http_frameworks is on; nil after answering 401.
func (m *Master) authenticateScheduler(w http.ResponseWriter, r *http.Request) *http.Request {
	if m.cfg.AuthenticateFramework == nil {
		return r
	}
	return authenticate(w, r, m.cfg.AuthenticateFramework, frameworkRealm)
}

// principalMismatch is Mesos's refusal of a call whose authenticated
// principal is not the framework's.
func principalMismatch(authenticated, framework string) error {
	return badRequest("Authenticated principal '%s' does not match principal '%s' set in `FrameworkInfo`", authenticated, framework)
}

// subscribingInfo holds a SUBSCRIBE's FrameworkInfo to the authenticated
// principal, as Mesos does: an unset principal becomes the authenticated
// one; a different one is refused (400).
func (m *Master) subscribingInfo(ctx context.Context, info *mesospb.FrameworkInfo) (*mesospb.FrameworkInfo, error) {
	principal := principalOf(ctx)
	switch {
	case principal == "":
		return info, nil
	case info.Principal == nil:
		m.log.Warn("Setting 'principal' in FrameworkInfo to the principal the framework authenticated with, since it did not set it",
			"principal", principal, "framework", info.GetName())
		info = proto.CloneOf(info)
		info.Principal = proto.String(principal)
		return info, nil
	case info.GetPrincipal() != principal:
		return nil, principalMismatch(principal, info.GetPrincipal())
	}
	return info, nil
}

// authorizeFramework is REGISTER_FRAMEWORK for the framework's principal
// and roles; the error is Mesos's message for the ERROR event.
func (m *Master) authorizeFramework(ctx context.Context, info *mesospb.FrameworkInfo) error {
	ok, err := m.authorize(ctx, info.GetPrincipal(), authorizer.Action_REGISTER_FRAMEWORK, &authorizer.Object{FrameworkInfo: info})
	switch {
	case err != nil:
		return fmt.Errorf("Authorization failure: %v", err)
	case !ok:
		roles := slices.Clone(frameworkRoles(info))
		slices.Sort(roles)
		return fmt.Errorf("Not authorized to use roles '{ %s }'", strings.Join(slices.Compact(roles), ", "))
	}
	return nil
}

// refuseSubscription answers a SUBSCRIBE Mesos refuses after opening the
// stream: an ERROR event, then the end of the stream.
func (m *Master) refuseSubscription(w http.ResponseWriter, codec httpapi.Codec, info *mesospb.FrameworkInfo, err error) {
	m.log.Info("Refusing subscription of framework", "framework", info.GetName(), "principal", info.GetPrincipal(), "reason", err.Error())
	out, serr := httpapi.StartStream(w, codec, uuid.New().String())
	if serr == nil {
		_ = out.Send(errorEvent(err.Error()))
	}
}

// acceptVerdict is what the authorizer decided about an ACCEPT's
// operations, applied on the loop before the ACCEPT is: tasks that may not
// run are answered TASK_ERROR and taken out, operations that may not be
// applied are dropped.
type acceptVerdict struct {
	refusedTasks map[string]string // task id -> message
	droppedOps   map[int]string    // operation index -> reason
}

// authorizeAccept asks, off the loop, about every task and operation of an
// ACCEPT: RUN_TASK for each task (as its user), RESERVE_RESOURCES,
// UNRESERVE_RESOURCES, CREATE_VOLUME and DESTROY_VOLUME for each resource,
// with the framework's principal as the subject. Nil: all allowed. An
// UPDATE_FRAMEWORK is held to REGISTER_FRAMEWORK for its new roles: the
// error refuses it (403).
func (m *Master) authorizeAccept(ctx context.Context, call *schedulerpb.Call) (*acceptVerdict, error) {
	if m.cfg.Authorizer == nil {
		return nil, nil
	}
	if call.GetType() == schedulerpb.Call_UPDATE_FRAMEWORK {
		return nil, m.authorizeFrameworkUpdate(ctx, call)
	}
	if call.GetType() != schedulerpb.Call_ACCEPT {
		return nil, nil
	}
	var info *mesospb.FrameworkInfo
	if err := m.call(ctx, func() {
		if fw := m.frameworks[call.GetFrameworkId().GetValue()]; fw != nil {
			info = cloneFrameworkInfo(fw.info)
		}
	}); err != nil {
		return nil, err
	}
	if info == nil {
		return nil, nil // the call fails on the loop
	}
	v := &acceptVerdict{refusedTasks: map[string]string{}, droppedOps: map[int]string{}}
	principal := info.GetPrincipal()
	for i, op := range call.GetAccept().GetOperations() {
		switch op.GetType() {
		case mesospb.Offer_Operation_LAUNCH:
			for _, t := range op.GetLaunch().GetTaskInfos() {
				if msg := m.authorizeTask(ctx, principal, info, t, nil); msg != "" {
					v.refusedTasks[t.GetTaskId().GetValue()] = msg
				}
			}
		case mesospb.Offer_Operation_LAUNCH_GROUP:
			// One task that may not run fails the whole group.
			group := op.GetLaunchGroup()
			for _, t := range group.GetTaskGroup().GetTasks() {
				if msg := m.authorizeTask(ctx, principal, info, t, group.GetExecutor()); msg != "" {
					for _, t := range group.GetTaskGroup().GetTasks() {
						v.refusedTasks[t.GetTaskId().GetValue()] = msg
					}
					break
				}
			}
		default:
			action, rs := operationObjects(op)
			if action == authorizer.Action_UNKNOWN {
				continue
			}
			ok, err := m.approveAll(ctx, principal, action, resourceObjects(rs))
			switch {
			case err != nil:
				v.droppedOps[i] = "Authorization failure: " + err.Error()
			case !ok:
				v.droppedOps[i] = fmt.Sprintf("Not authorized to %s as '%s'", operationVerb(op.GetType()), principal)
			}
		}
	}
	return v, nil
}

// authorizeTask is RUN_TASK; it returns Mesos's TASK_ERROR message when the
// task may not run.
func (m *Master) authorizeTask(ctx context.Context, principal string, info *mesospb.FrameworkInfo, t *mesospb.TaskInfo, executor *mesospb.ExecutorInfo) string {
	object := &authorizer.Object{FrameworkInfo: info, TaskInfo: t, ExecutorInfo: executor}
	if executor != nil && t.Executor == nil {
		withExecutor := proto.CloneOf(t)
		withExecutor.Executor = executor
		object.TaskInfo = withExecutor
	}
	ok, err := m.authorize(ctx, principal, authorizer.Action_RUN_TASK, object)
	switch {
	case err != nil:
		return "Authorization failure: " + err.Error()
	case !ok:
		return fmt.Sprintf("Not authorized to launch as user '%s'", taskUser(info, object.TaskInfo))
	}
	return ""
}

// taskUser is the user a task runs as: its command's, else its executor's,
// else the framework's.
func taskUser(info *mesospb.FrameworkInfo, t *mesospb.TaskInfo) string {
	switch {
	case t.GetCommand().User != nil:
		return t.GetCommand().GetUser()
	case t.GetExecutor().GetCommand().User != nil:
		return t.GetExecutor().GetCommand().GetUser()
	}
	return info.GetUser()
}

// operationObjects are the action and resources a resource operation is
// authorized on.
func operationObjects(op *mesospb.Offer_Operation) (authorizer.Action, []*mesospb.Resource) {
	switch op.GetType() {
	case mesospb.Offer_Operation_RESERVE:
		return authorizer.Action_RESERVE_RESOURCES, op.GetReserve().GetResources()
	case mesospb.Offer_Operation_UNRESERVE:
		return authorizer.Action_UNRESERVE_RESOURCES, op.GetUnreserve().GetResources()
	case mesospb.Offer_Operation_CREATE:
		return authorizer.Action_CREATE_VOLUME, op.GetCreate().GetVolumes()
	case mesospb.Offer_Operation_DESTROY:
		return authorizer.Action_DESTROY_VOLUME, op.GetDestroy().GetVolumes()
	case mesospb.Offer_Operation_GROW_VOLUME:
		return authorizer.Action_RESIZE_VOLUME, []*mesospb.Resource{op.GetGrowVolume().GetVolume()}
	case mesospb.Offer_Operation_SHRINK_VOLUME:
		return authorizer.Action_RESIZE_VOLUME, []*mesospb.Resource{op.GetShrinkVolume().GetVolume()}
	}
	return authorizer.Action_UNKNOWN, nil
}

func operationVerb(t mesospb.Offer_Operation_Type) string {
	switch t {
	case mesospb.Offer_Operation_RESERVE:
		return "reserve resources"
	case mesospb.Offer_Operation_UNRESERVE:
		return "unreserve resources"
	case mesospb.Offer_Operation_CREATE:
		return "create persistent volumes"
	case mesospb.Offer_Operation_GROW_VOLUME, mesospb.Offer_Operation_SHRINK_VOLUME:
		return "resize persistent volumes"
	}
	return "destroy persistent volumes"
}

// applyVerdict runs on the loop before the ACCEPT: refused tasks get
// TASK_ERROR (REASON_TASK_UNAUTHORIZED) and leave the call, with their
// group; dropped operations leave it, logged. It returns the call to apply.
func (m *Master) applyVerdict(fw *framework, call *schedulerpb.Call, v *acceptVerdict) *schedulerpb.Call {
	if v == nil || len(v.refusedTasks) == 0 && len(v.droppedOps) == 0 {
		return call
	}
	call = proto.CloneOf(call)
	var kept []*mesospb.Offer_Operation
	for i, op := range call.GetAccept().GetOperations() {
		if reason, drop := v.droppedOps[i]; drop {
			m.log.Warn("Dropping offer operation", "operation", op.GetType().String(), "framework", fw.id, "reason", reason)
			continue
		}
		switch op.GetType() {
		case mesospb.Offer_Operation_LAUNCH:
			launch := op.GetLaunch()
			launch.TaskInfos = slices.DeleteFunc(launch.TaskInfos, func(t *mesospb.TaskInfo) bool {
				return m.refuseTask(fw, t, v)
			})
		case mesospb.Offer_Operation_LAUNCH_GROUP:
			tasks := op.GetLaunchGroup().GetTaskGroup().GetTasks()
			if len(tasks) > 0 && v.refusedTasks[tasks[0].GetTaskId().GetValue()] != "" {
				for _, t := range tasks {
					m.refuseTask(fw, t, v)
				}
				continue
			}
		}
		kept = append(kept, op)
	}
	call.Accept.Operations = kept
	return call
}

// refuseTask answers a task the authorizer refused; it reports whether it
// was refused.
func (m *Master) refuseTask(fw *framework, t *mesospb.TaskInfo, v *acceptVerdict) bool {
	msg, refused := v.refusedTasks[t.GetTaskId().GetValue()]
	if !refused {
		return false
	}
	m.log.Info("Refusing task: not authorized", "task", t.GetTaskId().GetValue(), "framework", fw.id, "reason", msg)
	status := masterStatus(t.GetTaskId(), t.GetAgentId(), mesospb.TaskState_TASK_ERROR,
		mesospb.TaskStatus_REASON_TASK_UNAUTHORIZED, msg, m.nowSeconds())
	m.metrics.taskTerminated(mesospb.TaskState_TASK_ERROR, status)
	fw.metrics.taskTerminated(mesospb.TaskState_TASK_ERROR)
	fw.send(updateEvent(status))
	return true
}
