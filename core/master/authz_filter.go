package master

import (
	"context"
	"net/http"
	"path"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// The small documents Mesos filters per principal, besides the views of
// authz_view.go: quota (GET_QUOTA), the maintenance schedule and status
// (GET_MAINTENANCE_SCHEDULE, GET_MAINTENANCE_STATUS, by machine), and the
// checks of single calls: the master's log (ACCESS_MESOS_LOG) and the new
// roles of UPDATE_FRAMEWORK (REGISTER_FRAMEWORK). The documents are copied
// off the loop and filtered there with one ApproveObjects call: they hold
// a few roles or machines, so there is nothing to gain from approvers.

// writeDocument answers a GET of one of these documents: err, or doc as
// JSON.
func writeDocument(w http.ResponseWriter, r *http.Request, doc proto.Message, err error) {
	if err != nil {
		writeCallError(w, err)
		return
	}
	body, err := jsoncodec.Marshal(doc)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, r, body)
}

// quotaStatusFor is GET_QUOTA and GET /quota: the quota of the roles the
// request's principal may GET_QUOTA.
func (m *Master) quotaStatusFor(ctx context.Context) (*quotapb.QuotaStatus, error) {
	var st *quotapb.QuotaStatus
	if err := m.call(ctx, func() { st = proto.CloneOf(m.quotaStatus()) }); err != nil {
		return nil, err
	}
	if m.cfg.Authorizer == nil {
		return st, nil
	}
	roles := make([]*authorizer.Object, len(st.GetInfos()))
	for i, info := range st.GetInfos() {
		roles[i] = quotaObject(info.GetRole())
	}
	allowed, _ := m.approve(ctx, principalOf(ctx), authorizer.Action_GET_QUOTA, roles)
	visible := map[string]bool{}
	for i, ok := range allowed {
		visible[st.Infos[i].GetRole()] = ok
	}
	st.Infos = slices.DeleteFunc(st.Infos, func(i *quotapb.QuotaInfo) bool { return !visible[i.GetRole()] })
	st.Configs = slices.DeleteFunc(st.Configs, func(c *quotapb.QuotaConfig) bool { return !visible[c.GetRole()] })
	return st, nil
}

// machinesAllowed decides action on each machine, keyed as the master keys
// machines.
func (m *Master) machinesAllowed(ctx context.Context, action authorizer.Action, ids []*mesospb.MachineID) map[string]bool {
	allowed, _ := m.approve(ctx, principalOf(ctx), action, machineObjects(ids))
	out := make(map[string]bool, len(ids))
	for i, ok := range allowed {
		out[machineKey(ids[i])] = ok
	}
	return out
}

// scheduleFor is GET_MAINTENANCE_SCHEDULE and GET /maintenance/schedule:
// each window keeps the machines the principal may
// GET_MAINTENANCE_SCHEDULE, and a window left with none is left out.
func (m *Master) scheduleFor(ctx context.Context) (*maintenancepb.Schedule, error) {
	var s *maintenancepb.Schedule
	if err := m.call(ctx, func() { s = proto.CloneOf(m.currentSchedule()) }); err != nil {
		return nil, err
	}
	if m.cfg.Authorizer == nil {
		return s, nil
	}
	var ids []*mesospb.MachineID
	for _, w := range s.GetWindows() {
		ids = append(ids, w.GetMachineIds()...)
	}
	allowed := m.machinesAllowed(ctx, authorizer.Action_GET_MAINTENANCE_SCHEDULE, ids)
	s.Windows = slices.DeleteFunc(s.Windows, func(w *maintenancepb.Window) bool {
		w.MachineIds = slices.DeleteFunc(w.MachineIds, func(id *mesospb.MachineID) bool { return !allowed[machineKey(id)] })
		return len(w.MachineIds) == 0
	})
	return s, nil
}

// maintenanceStatusFor is GET_MAINTENANCE_STATUS and GET
// /maintenance/status: the draining and down machines the principal may
// GET_MAINTENANCE_STATUS.
func (m *Master) maintenanceStatusFor(ctx context.Context) (*maintenancepb.ClusterStatus, error) {
	var st *maintenancepb.ClusterStatus
	if err := m.call(ctx, func() { st = proto.CloneOf(m.maintenanceStatus()) }); err != nil {
		return nil, err
	}
	if m.cfg.Authorizer == nil {
		return st, nil
	}
	ids := slices.Clone(st.GetDownMachines())
	for _, d := range st.GetDrainingMachines() {
		ids = append(ids, d.GetId())
	}
	allowed := m.machinesAllowed(ctx, authorizer.Action_GET_MAINTENANCE_STATUS, ids)
	st.DrainingMachines = slices.DeleteFunc(st.DrainingMachines, func(d *maintenancepb.ClusterStatus_DrainingMachine) bool {
		return !allowed[machineKey(d.GetId())]
	})
	st.DownMachines = slices.DeleteFunc(st.DownMachines, func(id *mesospb.MachineID) bool { return !allowed[machineKey(id)] })
	return st, nil
}

// authorizeLogAccess is ACCESS_MESOS_LOG for LIST_FILES and READ_FILE of
// the master's log (the only files the master serves); other paths pass,
// to be answered 404.
func (m *Master) authorizeLogAccess(ctx context.Context, p string) error {
	clean := path.Clean("/" + p)
	if clean != logVirtualPath && !strings.HasPrefix(clean, logVirtualPath+"/") {
		return nil
	}
	return m.require(ctx, authorizer.Action_ACCESS_MESOS_LOG)
}

// authorizeFrameworkUpdate is REGISTER_FRAMEWORK, as the framework's
// principal (the one it subscribed with), for each role an UPDATE_FRAMEWORK adds: a framework may not
// widen its roles beyond what it could subscribe with. 403 with Mesos's
// text when refused. An unknown framework passes, to fail on the loop.
func (m *Master) authorizeFrameworkUpdate(ctx context.Context, call *schedulerpb.Call) error {
	var current []string
	var principal string
	known := false
	if err := m.call(ctx, func() {
		if fw := m.frameworks[call.GetFrameworkId().GetValue()]; fw != nil {
			current, principal, known = slices.Clone(fw.roles()), fw.info.GetPrincipal(), true
		}
	}); err != nil {
		return err
	}
	if !known {
		return nil
	}
	info := call.GetUpdateFramework().GetFrameworkInfo()
	var added []string
	for _, role := range frameworkRoles(info) {
		if !slices.Contains(current, role) && !slices.Contains(added, role) {
			added = append(added, role)
		}
	}
	if len(added) == 0 {
		return nil
	}
	objects := make([]*authorizer.Object, len(added))
	for i, role := range added {
		objects[i] = roleObject(role)
	}
	ok, err := m.approveAll(ctx, principal, authorizer.Action_REGISTER_FRAMEWORK, objects)
	switch {
	case err != nil:
		return forbidden("Authorization failure: %v", err)
	case !ok:
		slices.Sort(added)
		return forbidden("Not authorized to use roles '{ %s }'", strings.Join(added, ", "))
	}
	return nil
}
