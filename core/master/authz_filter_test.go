package master

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// The ACLs of the filter tests: ops sees and does everything asked here,
// web sees its own role only, eve nothing (permissive false).
const filterACLs = `{
  "permissive": false,
  "register_frameworks": [{"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],
  "run_tasks": [{"principals": {"values": ["web"]}, "users": {"values": ["nobody"]}}],
  "view_frameworks": [{"principals": {"type": "ANY"}, "users": {"type": "ANY"}}],
  "view_roles": [
    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}},
    {"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}
  ],
  "get_quotas": [
    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}},
    {"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}
  ],
  "update_quotas": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "update_maintenance_schedules": [{"principals": {"values": ["ops"]}, "machines": {"type": "ANY"}}],
  "start_maintenances": [{"principals": {"values": ["ops"]}, "machines": {"type": "ANY"}}],
  "get_maintenance_schedules": [{"principals": {"values": ["ops"]}, "machines": {"type": "ANY"}}],
  "get_maintenance_statuses": [{"principals": {"values": ["ops"]}, "machines": {"type": "ANY"}}],
  "access_mesos_logs": [{"principals": {"values": ["ops"]}, "logs": {"type": "ANY"}}],
  "register_agents": [{"principals": {"type": "ANY"}, "agents": {"type": "ANY"}}]
}`

func getAs(t *testing.T, tm *testMaster, user string, call *masterpb.Call) *masterpb.Response {
	t.Helper()
	code, body := operatorAs(t, tm, user, call)
	if code != http.StatusOK {
		t.Fatalf("%s as %s: %d %s", call.GetType(), user, code, body)
	}
	var resp masterpb.Response
	if err := httpapi.JSON.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	return &resp
}

// TestQuotaFiltered: GET_QUOTA and GET /quota show the quota of the roles
// the principal may GET_QUOTA.
func TestQuotaFiltered(t *testing.T) {
	tm := authMasterWith(t, filterACLs, nil)
	registerAgent(t, tm, "cpus:4;mem:1024", nil)
	update := callOf(masterpb.Call_UPDATE_QUOTA)
	update.UpdateQuota = &masterpb.Call_UpdateQuota{Force: proto.Bool(true)}
	for _, role := range []string{"eng", "web"} {
		update.UpdateQuota.QuotaConfigs = append(update.UpdateQuota.QuotaConfigs, &quotapb.QuotaConfig{
			Role: proto.String(role), Guarantees: map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(1)}},
		})
	}
	if code, body := operatorAs(t, tm, "ops", update); code != http.StatusOK {
		t.Fatalf("UPDATE_QUOTA as ops: %d %s", code, body)
	}
	for user, want := range map[string][]string{"ops": {"eng", "web"}, "web": {"web"}, "eve": nil} {
		st := getAs(t, tm, user, callOf(masterpb.Call_GET_QUOTA)).GetGetQuota().GetStatus()
		var configs, infos []string
		for _, c := range st.GetConfigs() {
			configs = append(configs, c.GetRole())
		}
		for _, i := range st.GetInfos() {
			infos = append(infos, i.GetRole())
		}
		if strings.Join(configs, ",") != strings.Join(want, ",") || strings.Join(infos, ",") != strings.Join(want, ",") {
			t.Errorf("GET_QUOTA as %s: configs %v, infos %v; want %v", user, configs, infos, want)
		}
	}
	code, body := httpAs(t, "web", "GET", tm.srv.URL+"/master/quota", "")
	if code != http.StatusOK || !strings.Contains(body, `"web"`) || strings.Contains(body, `"eng"`) {
		t.Errorf("GET /quota as web: %d %s", code, body)
	}
}

// scheduleOf posts a schedule of two windows (machine a; machines b and c)
// as ops and starts maintenance on c.
func scheduleOf(t *testing.T, tm *testMaster, user string) {
	t.Helper()
	schedule := `{"windows": [
	  {"machine_ids": [{"hostname": "a"}], "unavailability": {"start": {"nanoseconds": 1}}},
	  {"machine_ids": [{"hostname": "b"}, {"hostname": "c"}], "unavailability": {"start": {"nanoseconds": 1}}}
	]}`
	if code, body := httpAs(t, user, "POST", tm.srv.URL+"/master/maintenance/schedule", schedule); code != http.StatusOK {
		t.Fatalf("POST schedule: %d %s", code, body)
	}
	start := callOf(masterpb.Call_START_MAINTENANCE)
	start.StartMaintenance = &masterpb.Call_StartMaintenance{Machines: []*mesospb.MachineID{{Hostname: proto.String("c")}}}
	if code, body := operatorAs(t, tm, user, start); code != http.StatusOK {
		t.Fatalf("START_MAINTENANCE: %d %s", code, body)
	}
}

// machinesOf lists the hostnames of a schedule and a status, in order.
func machinesOf(resp *masterpb.Response) (schedule, draining, down []string) {
	for _, w := range resp.GetGetMaintenanceSchedule().GetSchedule().GetWindows() {
		var hosts []string
		for _, id := range w.GetMachineIds() {
			hosts = append(hosts, id.GetHostname())
		}
		schedule = append(schedule, strings.Join(hosts, "+"))
	}
	st := resp.GetGetMaintenanceStatus().GetStatus()
	for _, d := range st.GetDrainingMachines() {
		draining = append(draining, d.GetId().GetHostname())
	}
	for _, id := range st.GetDownMachines() {
		down = append(down, id.GetHostname())
	}
	return schedule, draining, down
}

// TestMaintenanceFiltered: GET_MAINTENANCE_SCHEDULE and
// GET_MAINTENANCE_STATUS (and their endpoints) show the machines the
// principal may see.
func TestMaintenanceFiltered(t *testing.T) {
	tm := authMasterWith(t, filterACLs, nil)
	scheduleOf(t, tm, "ops")
	for user, want := range map[string][3]string{"ops": {"a,b+c", "a,b", "c"}, "web": {"", "", ""}} {
		schedule, _, _ := machinesOf(getAs(t, tm, user, callOf(masterpb.Call_GET_MAINTENANCE_SCHEDULE)))
		_, draining, down := machinesOf(getAs(t, tm, user, callOf(masterpb.Call_GET_MAINTENANCE_STATUS)))
		got := [3]string{strings.Join(schedule, ","), strings.Join(draining, ","), strings.Join(down, ",")}
		if got != want {
			t.Errorf("as %s: schedule, draining, down = %q, want %q", user, got, want)
		}
	}
	for path, want := range map[string]string{"/master/maintenance/schedule": "{}", "/master/maintenance/status": "{}"} {
		if code, body := httpAs(t, "web", "GET", tm.srv.URL+path, ""); code != http.StatusOK || body != want {
			t.Errorf("GET %s as web: %d %s, want %s", path, code, body, want)
		}
	}
}

// machineAuthorizer allows everything but GET_MAINTENANCE_* of a machine
// other than "a".
type machineAuthorizer struct{}

func (machineAuthorizer) Authorized(_ context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	switch req.GetAction() {
	case authorizer.Action_GET_MAINTENANCE_SCHEDULE, authorizer.Action_GET_MAINTENANCE_STATUS:
		return &authorizer.AuthorizedResponse{Allowed: req.GetObject().GetMachineId().GetHostname() == "a"}, nil
	}
	return &authorizer.AuthorizedResponse{Allowed: true}, nil
}

func (a machineAuthorizer) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return authorizer.ApproveEach(ctx, a, req)
}

// TestMaintenanceFilteredByMachine: a window keeps only the machines the
// principal may see, and one left with none is left out.
func TestMaintenanceFilteredByMachine(t *testing.T) {
	tm := authMasterWith(t, filterACLs, func(c *Config) { c.Authorizer = machineAuthorizer{} })
	scheduleOf(t, tm, "eve")
	schedule, _, _ := machinesOf(getAs(t, tm, "eve", callOf(masterpb.Call_GET_MAINTENANCE_SCHEDULE)))
	_, draining, down := machinesOf(getAs(t, tm, "eve", callOf(masterpb.Call_GET_MAINTENANCE_STATUS)))
	if strings.Join(schedule, ",") != "a" || strings.Join(draining, ",") != "a" || len(down) != 0 {
		t.Errorf("schedule %v, draining %v, down %v; want [a], [a], []", schedule, draining, down)
	}
}

// TestLogAccessAuthorized: LIST_FILES and READ_FILE of the master's log
// need ACCESS_MESOS_LOG; other paths are not found, whoever asks.
func TestLogAccessAuthorized(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "mesos-master.INFO")
	if err := os.WriteFile(logFile, []byte("line one\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := authMasterWith(t, filterACLs, func(c *Config) { c.LogFile = logFile })
	read := callOf(masterpb.Call_READ_FILE)
	read.ReadFile = &masterpb.Call_ReadFile{Path: proto.String("/master/log"), Offset: proto.Uint64(0)}
	list := callOf(masterpb.Call_LIST_FILES)
	list.ListFiles = &masterpb.Call_ListFiles{Path: proto.String("//master/log")}
	elsewhere := callOf(masterpb.Call_LIST_FILES)
	elsewhere.ListFiles = &masterpb.Call_ListFiles{Path: proto.String("/somewhere")}
	for _, c := range []struct {
		user string
		call *masterpb.Call
		want int
	}{
		{"ops", read, http.StatusOK}, {"web", read, http.StatusForbidden},
		{"ops", list, http.StatusOK}, {"eve", list, http.StatusForbidden},
		{"web", elsewhere, http.StatusNotFound},
	} {
		if code, body := operatorAs(t, tm, c.user, c.call); code != c.want {
			t.Errorf("%s %s as %s: %d %s, want %d", c.call.GetType(), c.call, c.user, code, body, c.want)
		}
	}
}

// TestAgentReservationsFiltered: /master/state, /master/slaves and
// GET_AGENTS leave out reservations (and reserved resources) of roles the
// principal may not VIEW_ROLE.
func TestAgentReservationsFiltered(t *testing.T) {
	tm := authMasterWith(t, filterACLs, nil)
	registerAgent(t, tm, "cpus:4;mem:1024;cpus(web):1;cpus(eng):2", nil)
	for user, want := range map[string]string{"ops": "eng,web", "web": "web", "eve": ""} {
		code, body := httpAs(t, user, "GET", tm.srv.URL+"/master/state", "")
		if code != http.StatusOK {
			t.Fatalf("/master/state as %s: %d %s", user, code, body)
		}
		if got := keysOf(t, jpath(t, decodeJSON(t, body), "slaves", "0", "reserved_resources")); got != want {
			t.Errorf("/master/state as %s: reserved roles %q, want %q", user, got, want)
		}
		code, body = httpAs(t, user, "GET", tm.srv.URL+"/master/slaves", "")
		if code != http.StatusOK {
			t.Fatalf("/master/slaves as %s: %d %s", user, code, body)
		}
		if got := keysOf(t, jpath(t, decodeJSON(t, body), "slaves", "0", "reserved_resources_full")); got != want {
			t.Errorf("/master/slaves as %s: reserved roles %q, want %q", user, got, want)
		}
		agents := getAs(t, tm, user, callOf(masterpb.Call_GET_AGENTS)).GetGetAgents().GetAgents()
		roles := map[string]bool{}
		unreserved := false
		for _, r := range agents[0].GetTotalResources() {
			if rs := r.GetReservations(); len(rs) > 0 {
				roles[rs[len(rs)-1].GetRole()] = true
			} else {
				unreserved = true
			}
		}
		if got := strings.Join(sortedKeys(roles), ","); got != want || !unreserved {
			t.Errorf("GET_AGENTS as %s: reserved roles %q (unreserved shown: %v), want %q", user, got, unreserved, want)
		}
	}
}

func keysOf(t *testing.T, v any) string {
	t.Helper()
	obj, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not an object: %v", v)
	}
	keys := map[string]bool{}
	for k := range obj {
		keys[k] = true
	}
	return strings.Join(sortedKeys(keys), ",")
}

// TestUpdateFrameworkNewRoles: UPDATE_FRAMEWORK may add only roles the
// framework's principal may REGISTER_FRAMEWORK with.
func TestUpdateFrameworkNewRoles(t *testing.T) {
	tm := authMasterWith(t, filterACLs, nil)
	s := webScheduler(t, tm)
	update := func(mutate func(*mesospb.FrameworkInfo)) (int, string) {
		info := frameworkInfo("web")
		info.User, info.Role, info.Principal = proto.String("nobody"), proto.String("web"), proto.String("web")
		info.Id = frameworkIDProto(s.id)
		mutate(info)
		return s.sendAs("web", &schedulerpb.Call{
			Type:            schedulerpb.Call_UPDATE_FRAMEWORK.Enum(),
			UpdateFramework: &schedulerpb.Call_UpdateFramework{FrameworkInfo: info},
		})
	}
	code, body := update(func(info *mesospb.FrameworkInfo) {
		info.Role, info.Roles = nil, []string{"web", "eng", "ops"}
		info.Capabilities = append(info.Capabilities, &mesospb.FrameworkInfo_Capability{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()})
	})
	if code != http.StatusForbidden || strings.TrimSpace(body) != "Not authorized to use roles '{ eng, ops }'" {
		t.Errorf("UPDATE_FRAMEWORK adding roles eng and ops: %d %q", code, body)
	}
	if code, body := update(func(info *mesospb.FrameworkInfo) { info.Name = proto.String("web renamed") }); code != http.StatusAccepted {
		t.Errorf("UPDATE_FRAMEWORK keeping its role: %d %s", code, body)
	}
}
