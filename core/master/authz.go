package master

import (
	"context"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Authorization, as Mesos's master does it with an authorizer configured
// (--acls, --authorizers): the subject is the principal a request
// authenticated as (ANY when none), the actions and objects are Mesos's.
// The authorizer is asked off the master's loop, since a module may be a
// subprocess; only what must be read from the loop's records (a
// framework's FrameworkInfo, the objects of a state document) is fetched
// from it first. An authorizer that fails denies (fail closed), and the
// failure is logged.

// authorize answers one request; no authorizer allows everything.
func (m *Master) authorize(ctx context.Context, principal string, action authorizer.Action, object *authorizer.Object) (bool, error) {
	if m.cfg.Authorizer == nil {
		return true, nil
	}
	resp, err := m.cfg.Authorizer.Authorized(ctx, &authorizer.AuthorizedRequest{
		Subject: authorizer.Principal(principal), Action: action, Object: object,
	})
	if err != nil {
		m.log.Warn("authorization failed; denying", "action", action.String(), "principal", principal, "error", err)
		return false, fmt.Errorf("authorization failure: %w", err)
	}
	return resp.GetAllowed(), nil
}

// approve answers, for one subject and action, each object in turn (one
// ApproveObjects call). On failure every object is denied.
func (m *Master) approve(ctx context.Context, principal string, action authorizer.Action, objects []*authorizer.Object) ([]bool, error) {
	out := make([]bool, len(objects))
	if m.cfg.Authorizer == nil {
		for i := range out {
			out[i] = true
		}
		return out, nil
	}
	if len(objects) == 0 {
		return out, nil
	}
	req := &authorizer.ApproveObjectsRequest{Subject: authorizer.Principal(principal), Action: action, Objects: objects}
	resp, err := m.cfg.Authorizer.ApproveObjects(ctx, req)
	if err == nil {
		err = authorizer.Check(req, resp)
	}
	if err != nil {
		m.log.Warn("authorization failed; denying", "action", action.String(), "principal", principal, "error", err)
		return out, fmt.Errorf("authorization failure: %w", err)
	}
	return resp.GetAllowed(), nil
}

// approveAll reports whether every object is allowed; with no object,
// whether the action is allowed on any object.
func (m *Master) approveAll(ctx context.Context, principal string, action authorizer.Action, objects []*authorizer.Object) (bool, error) {
	if len(objects) == 0 {
		return m.authorize(ctx, principal, action, nil)
	}
	allowed, err := m.approve(ctx, principal, action, objects)
	if err != nil {
		return false, err
	}
	for _, ok := range allowed {
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// errForbidden is Mesos's answer to an unauthorized request: 403 with no
// body.
var errForbidden = &callError{status: http.StatusForbidden}

// require answers errForbidden unless every object is allowed.
func (m *Master) require(ctx context.Context, action authorizer.Action, objects ...*authorizer.Object) error {
	ok, err := m.approveAll(ctx, principalOf(ctx), action, objects)
	switch {
	case err != nil:
		return forbidden("%v", err)
	case !ok:
		return errForbidden
	}
	return nil
}

func resourceObjects(rs []*mesospb.Resource) []*authorizer.Object {
	out := make([]*authorizer.Object, len(rs))
	for i, r := range rs {
		out[i] = &authorizer.Object{Resource: r}
	}
	return out
}

func machineObjects(ids []*mesospb.MachineID) []*authorizer.Object {
	out := make([]*authorizer.Object, len(ids))
	for i, id := range ids {
		out[i] = &authorizer.Object{MachineId: id}
	}
	return out
}

func roleObject(role string) *authorizer.Object { return &authorizer.Object{Value: &role} }

func quotaObject(role string) *authorizer.Object {
	return &authorizer.Object{Value: &role, QuotaInfo: &quotapb.QuotaInfo{Role: &role}}
}

// cloneFrameworkInfo copies a FrameworkInfo off the loop's records, for a
// request made after the loop moves on.
func cloneFrameworkInfo(info *mesospb.FrameworkInfo) *mesospb.FrameworkInfo {
	return proto.CloneOf(info)
}

// authorizeCall holds an operator call (or the endpoint doing the same) to
// the authorizer, as Mesos's master authorizes each: nil when allowed,
// errForbidden (403) when not. Calls that read state are filtered instead
// (authz_view.go); calls Mesos does not authorize pass.
func (m *Master) authorizeCall(ctx context.Context, call *masterpb.Call) error {
	if m.cfg.Authorizer == nil {
		return nil
	}
	switch call.GetType() {
	case masterpb.Call_GET_FLAGS:
		return m.require(ctx, authorizer.Action_VIEW_FLAGS)
	case masterpb.Call_SET_LOGGING_LEVEL:
		return m.require(ctx, authorizer.Action_SET_LOG_LEVEL)
	case masterpb.Call_UPDATE_WEIGHTS:
		return m.authorizeWeights(ctx, call.GetUpdateWeights().GetWeightInfos())
	case masterpb.Call_RESERVE_RESOURCES:
		return m.require(ctx, authorizer.Action_RESERVE_RESOURCES, resourceObjects(call.GetReserveResources().GetResources())...)
	case masterpb.Call_UNRESERVE_RESOURCES:
		return m.require(ctx, authorizer.Action_UNRESERVE_RESOURCES, resourceObjects(call.GetUnreserveResources().GetResources())...)
	case masterpb.Call_CREATE_VOLUMES:
		return m.require(ctx, authorizer.Action_CREATE_VOLUME, resourceObjects(call.GetCreateVolumes().GetVolumes())...)
	case masterpb.Call_DESTROY_VOLUMES:
		return m.require(ctx, authorizer.Action_DESTROY_VOLUME, resourceObjects(call.GetDestroyVolumes().GetVolumes())...)
	case masterpb.Call_UPDATE_MAINTENANCE_SCHEDULE:
		return m.authorizeSchedule(ctx, call.GetUpdateMaintenanceSchedule().GetSchedule())
	case masterpb.Call_START_MAINTENANCE:
		return m.require(ctx, authorizer.Action_START_MAINTENANCE, machineObjects(call.GetStartMaintenance().GetMachines())...)
	case masterpb.Call_STOP_MAINTENANCE:
		return m.require(ctx, authorizer.Action_STOP_MAINTENANCE, machineObjects(call.GetStopMaintenance().GetMachines())...)
	case masterpb.Call_UPDATE_QUOTA:
		var objects []*authorizer.Object
		for _, c := range call.GetUpdateQuota().GetQuotaConfigs() {
			objects = append(objects, roleObject(c.GetRole()))
		}
		return m.require(ctx, authorizer.Action_UPDATE_QUOTA_WITH_CONFIG, objects...)
	case masterpb.Call_SET_QUOTA:
		info := call.GetSetQuota().GetQuotaRequest()
		return m.require(ctx, authorizer.Action_UPDATE_QUOTA, quotaObject(info.GetRole()))
	case masterpb.Call_REMOVE_QUOTA:
		return m.require(ctx, authorizer.Action_UPDATE_QUOTA, quotaObject(call.GetRemoveQuota().GetRole()))
	case masterpb.Call_TEARDOWN:
		return m.authorizeTeardown(ctx, call.GetTeardown().GetFrameworkId().GetValue())
	case masterpb.Call_MARK_AGENT_GONE:
		return m.require(ctx, authorizer.Action_MARK_AGENT_GONE)
	case masterpb.Call_DRAIN_AGENT:
		return m.require(ctx, authorizer.Action_DRAIN_AGENT)
	case masterpb.Call_DEACTIVATE_AGENT:
		return m.require(ctx, authorizer.Action_DEACTIVATE_AGENT)
	case masterpb.Call_REACTIVATE_AGENT:
		return m.require(ctx, authorizer.Action_REACTIVATE_AGENT)
	case masterpb.Call_LIST_FILES:
		return m.authorizeLogAccess(ctx, call.GetListFiles().GetPath())
	case masterpb.Call_READ_FILE:
		return m.authorizeLogAccess(ctx, call.GetReadFile().GetPath())
	}
	return nil
}

// authorizeWeights: UPDATE_WEIGHT on each WeightInfo.
func (m *Master) authorizeWeights(ctx context.Context, infos []*mesospb.WeightInfo) error {
	objects := make([]*authorizer.Object, len(infos))
	for i, wi := range infos {
		objects[i] = &authorizer.Object{WeightInfo: wi}
	}
	return m.require(ctx, authorizer.Action_UPDATE_WEIGHT, objects...)
}

// authorizeSchedule: UPDATE_MAINTENANCE_SCHEDULE on each machine of the
// new schedule.
func (m *Master) authorizeSchedule(ctx context.Context, s *maintenancepb.Schedule) error {
	var ids []*mesospb.MachineID
	for _, w := range s.GetWindows() {
		ids = append(ids, w.GetMachineIds()...)
	}
	return m.require(ctx, authorizer.Action_UPDATE_MAINTENANCE_SCHEDULE, machineObjects(ids)...)
}

// authorizeTeardown: TEARDOWN_FRAMEWORK on the framework's FrameworkInfo
// (its principal). An unknown framework passes, for teardown's own 400.
func (m *Master) authorizeTeardown(ctx context.Context, id string) error {
	var info *mesospb.FrameworkInfo
	if err := m.call(ctx, func() {
		if fw := m.frameworks[id]; fw != nil {
			info = cloneFrameworkInfo(fw.info)
		}
	}); err != nil {
		return err
	}
	if info == nil {
		return nil
	}
	return m.require(ctx, authorizer.Action_TEARDOWN_FRAMEWORK, &authorizer.Object{FrameworkInfo: info})
}

// authorizeEndpoint: GET_ENDPOINT_WITH_PATH, for the endpoints Mesos
// authorizes by path (/metrics/snapshot).
func (m *Master) authorizeEndpoint(ctx context.Context, path string) error {
	if m.cfg.Authorizer == nil {
		return nil
	}
	return m.require(ctx, authorizer.Action_GET_ENDPOINT_WITH_PATH, &authorizer.Object{Value: &path})
}

// authorizeOperator authorizes an operator call and, for the calls that
// read state, returns the context carrying the caller's view.
func (m *Master) authorizeOperator(ctx context.Context, call *masterpb.Call) (context.Context, error) {
	if m.cfg.Authorizer == nil {
		return ctx, nil
	}
	if err := m.authorizeCall(ctx, call); err != nil {
		return ctx, err
	}
	switch call.GetType() {
	case masterpb.Call_GET_STATE, masterpb.Call_GET_AGENTS, masterpb.Call_GET_FRAMEWORKS, masterpb.Call_GET_TASKS,
		masterpb.Call_GET_EXECUTORS, masterpb.Call_GET_ROLES, masterpb.Call_GET_WEIGHTS, masterpb.Call_SUBSCRIBE:
		v, err := m.viewFor(ctx)
		if err != nil {
			return ctx, err
		}
		return withView(ctx, v), nil
	}
	return ctx, nil
}
