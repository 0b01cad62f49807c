package agent

import (
	"context"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/files"
	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Authorization of the agent's endpoints, as Mesos's agent does it with
// an authorizer (--acls with the local authorizer, or --authorizer): the
// subject is the request's principal (ANY when none). Endpoints and calls
// answer 403 with no body when refused; documents are filtered
// (authz_view.go). The authorizer is asked off the agent's loop; what it
// needs of the loop's records is copied first. A failing authorizer
// denies (fail closed).

// errForbidden is Mesos's answer to an unauthorized request.
var errForbidden = &operatorError{status: http.StatusForbidden}

// authorize answers one request; no authorizer allows everything.
func (a *Agent) authorize(ctx context.Context, action authorizer.Action, object *authorizer.Object) (bool, error) {
	az := a.mods.authorizer
	if az == nil {
		return true, nil
	}
	resp, err := az.Authorized(ctx, &authorizer.AuthorizedRequest{
		Subject: subjectOf(ctx), Action: action, Object: object,
	})
	if err != nil {
		a.log.Warn("authorization failed; denying", "action", action.String(), "principal", principalOf(ctx), "error", err)
		return false, fmt.Errorf("authorization failure: %w", err)
	}
	return resp.GetAllowed(), nil
}

// require is nil when action on object is allowed, else errForbidden (or
// a 403 naming the authorizer's failure).
func (a *Agent) require(ctx context.Context, action authorizer.Action, object *authorizer.Object) error {
	ok, err := a.authorize(ctx, action, object)
	switch {
	case err != nil:
		return &operatorError{status: http.StatusForbidden, msg: err.Error()}
	case !ok:
		return errForbidden
	}
	return nil
}

// requireEndpoint guards an endpoint Mesos authorizes by its path
// (GET_ENDPOINT_WITH_PATH: /metrics/snapshot, /monitor/statistics) or by
// one action without object (VIEW_FLAGS: /flags).
func (a *Agent) requireEndpoint(action authorizer.Action, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var object *authorizer.Object
		if action == authorizer.Action_GET_ENDPOINT_WITH_PATH {
			path := r.URL.Path
			object = &authorizer.Object{Value: &path}
		}
		if err := a.require(r.Context(), action, object); err != nil {
			writeOperatorError(w, err)
			return
		}
		h(w, r)
	}
}

// authorizeOperatorCall holds an operator call to the authorizer as
// Mesos's agent does: nil when allowed. Calls that read state are
// filtered instead (authz_view.go); files by their attachment
// (sandboxAuthorizer); calls Mesos does not authorize pass.
func (a *Agent) authorizeOperatorCall(ctx context.Context, call *agentpb.Call) error {
	if a.mods.authorizer == nil {
		return nil
	}
	metrics := "/metrics/snapshot"
	switch call.GetType() {
	case agentpb.Call_GET_FLAGS:
		return a.require(ctx, authorizer.Action_VIEW_FLAGS, nil)
	case agentpb.Call_GET_METRICS:
		return a.require(ctx, authorizer.Action_GET_ENDPOINT_WITH_PATH, &authorizer.Object{Value: &metrics})
	case agentpb.Call_SET_LOGGING_LEVEL:
		return a.require(ctx, authorizer.Action_SET_LOG_LEVEL, nil)
	case agentpb.Call_LAUNCH_NESTED_CONTAINER:
		c := call.GetLaunchNestedContainer()
		return a.authorizeContainer(ctx, authorizer.Action_LAUNCH_NESTED_CONTAINER, c.GetContainerId(), c.GetCommand())
	case agentpb.Call_LAUNCH_CONTAINER:
		c := call.GetLaunchContainer()
		return a.authorizeContainer(ctx, authorizer.Action_LAUNCH_NESTED_CONTAINER, c.GetContainerId(), c.GetCommand())
	case agentpb.Call_LAUNCH_NESTED_CONTAINER_SESSION:
		c := call.GetLaunchNestedContainerSession()
		return a.authorizeContainer(ctx, authorizer.Action_LAUNCH_NESTED_CONTAINER_SESSION, c.GetContainerId(), c.GetCommand())
	case agentpb.Call_WAIT_NESTED_CONTAINER:
		return a.authorizeContainer(ctx, authorizer.Action_WAIT_NESTED_CONTAINER, call.GetWaitNestedContainer().GetContainerId(), nil)
	case agentpb.Call_WAIT_CONTAINER:
		return a.authorizeContainer(ctx, authorizer.Action_WAIT_NESTED_CONTAINER, call.GetWaitContainer().GetContainerId(), nil)
	case agentpb.Call_KILL_NESTED_CONTAINER:
		return a.authorizeContainer(ctx, authorizer.Action_KILL_NESTED_CONTAINER, call.GetKillNestedContainer().GetContainerId(), nil)
	case agentpb.Call_KILL_CONTAINER:
		return a.authorizeContainer(ctx, authorizer.Action_KILL_NESTED_CONTAINER, call.GetKillContainer().GetContainerId(), nil)
	case agentpb.Call_REMOVE_NESTED_CONTAINER:
		return a.authorizeContainer(ctx, authorizer.Action_REMOVE_NESTED_CONTAINER, call.GetRemoveNestedContainer().GetContainerId(), nil)
	case agentpb.Call_REMOVE_CONTAINER:
		return a.authorizeContainer(ctx, authorizer.Action_REMOVE_NESTED_CONTAINER, call.GetRemoveContainer().GetContainerId(), nil)
	case agentpb.Call_ATTACH_CONTAINER_OUTPUT:
		return a.authorizeContainer(ctx, authorizer.Action_ATTACH_CONTAINER_OUTPUT, call.GetAttachContainerOutput().GetContainerId(), nil)
	}
	return nil
}

// authorizeContainer is action on a container nested below an executor's:
// the object is the executor's ExecutorInfo and FrameworkInfo (whose users
// the ACLs name), the container id and, for a launch, its command. A
// container below no known executor passes, to be answered 404.
func (a *Agent) authorizeContainer(ctx context.Context, action authorizer.Action, id *mesospb.ContainerID, cmd *mesospb.CommandInfo) error {
	if a.mods.authorizer == nil {
		return nil
	}
	object := &authorizer.Object{ContainerId: id, CommandInfo: cmd}
	found := false
	if err := a.call(ctx, func() {
		if e := a.executorOfContainer(rootOf(id)); e != nil {
			object.ExecutorInfo = proto.CloneOf(e.info)
			if fw := a.frameworks[e.frameworkID]; fw != nil {
				object.FrameworkInfo = proto.CloneOf(fw.info)
			}
			found = true
		}
	}); err != nil {
		return err
	}
	if !found {
		return nil
	}
	return a.require(ctx, action, object)
}

// sandboxAuthorizer guards an executor's sandbox in the files API with
// ACCESS_SANDBOX on its ExecutorInfo and FrameworkInfo (copied now, on
// the loop); nil without an authorizer.
func (a *Agent) sandboxAuthorizer(e *executor) files.Authorize {
	if a.mods.authorizer == nil {
		return nil
	}
	object := &authorizer.Object{ExecutorInfo: proto.CloneOf(e.info)}
	if fw := a.frameworks[e.frameworkID]; fw != nil {
		object.FrameworkInfo = proto.CloneOf(fw.info)
	}
	return func(ctx context.Context) (bool, error) {
		return a.authorize(ctx, authorizer.Action_ACCESS_SANDBOX, object)
	}
}

// filesDebugAuthorizer guards /files/debug (GET_ENDPOINT_WITH_PATH).
func (a *Agent) filesDebugAuthorizer() files.Authorize {
	return func(ctx context.Context) (bool, error) {
		path := "/files/debug"
		return a.authorize(ctx, authorizer.Action_GET_ENDPOINT_WITH_PATH, &authorizer.Object{Value: &path})
	}
}
