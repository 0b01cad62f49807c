package authz_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/gomesos/mesos/builtin/authz"
)

var quiet = slog.New(slog.DiscardHandler)

func TestParseACLs(t *testing.T) {
	acls, err := authz.ParseACLs([]byte(`{
	  "permissive": false,
	  "register_frameworks": [
	    {"principals": {"values": ["marathon", "chronos"]}, "roles": {"values": "web"}},
	    {"principals": {"type": "ANY"}, "roles": {"type": "NONE", "values": ["ignored"]}}
	  ],
	  "run_tasks": {"principals": {"type": 1}, "users": {"type": 2}},
	  "view_flags": null,
	  "get_endpoints": [{"principals": {"values": ["ops"]}, "paths": {"values": ["/metrics/snapshot", "/files/debug"]}}],
	  "teardown_frameworks": [{"principals": {"values": []}, "framework_principals": {"type": null}, "comment": "x"}]
	}`), quiet)
	if err != nil {
		t.Fatal(err)
	}
	if acls.Permissive {
		t.Error("permissive: false was not read")
	}
	rf := acls.Rules("register_frameworks")
	if len(rf) != 2 || rf[0].Subjects.Type != authz.Some || strings.Join(rf[0].Subjects.Values, ",") != "marathon,chronos" ||
		strings.Join(rf[0].Objects.Values, ",") != "web" || rf[1].Subjects.Type != authz.Any || rf[1].Objects.Type != authz.None {
		t.Errorf("register_frameworks = %+v", rf)
	}
	if rt := acls.Rules("run_tasks"); len(rt) != 1 || rt[0].Subjects.Type != authz.Any || rt[0].Objects.Type != authz.None {
		t.Errorf("run_tasks = %+v", rt)
	}
	if td := acls.Rules("teardown_frameworks"); len(td) != 1 || td[0].Subjects.Type != authz.Some || len(td[0].Subjects.Values) != 0 || td[0].Objects.Type != authz.Some {
		t.Errorf("teardown_frameworks = %+v", td)
	}
	if acls, err := authz.ParseACLs([]byte(`{}`), quiet); err != nil || !acls.Permissive {
		t.Errorf("empty ACLs = %+v, %v; want permissive", acls, err)
	}
}

func TestParseACLsErrors(t *testing.T) {
	for _, bad := range []string{
		``, `null`, `[]`, `"x"`, `{`,
		`{"permissive": "false"}`,
		`{"run_tasks": [{"principals": {"type": "ANY"}}]}`,
		`{"run_tasks": [{"users": {"type": "ANY"}}]}`,
		`{"run_tasks": [{"principals": null, "users": {"type": "ANY"}}]}`,
		`{"run_tasks": [{"principals": {"type": "ALL"}, "users": {"type": "ANY"}}]}`,
		`{"run_tasks": [{"principals": {"type": 7}, "users": {"type": "ANY"}}]}`,
		`{"run_tasks": [{"principals": {"values": [1]}, "users": {"type": "ANY"}}]}`,
		`{"run_tasks": [{"principals": "ops", "users": {"type": "ANY"}}]}`,
		`{"run_tasks": [1]}`,
		// Objects given implicitly take ANY or NONE only.
		`{"view_flags": [{"principals": {"type": "ANY"}, "flags": {"values": ["x"]}}]}`,
		`{"get_maintenance_schedules": [{"principals": {"type": "ANY"}, "machines": {"values": ["host"]}}]}`,
		`{"register_agents": [{"principals": {"type": "ANY"}, "agents": {}}]}`,
		`{"get_endpoints": [{"principals": {"type": "ANY"}, "paths": {"values": ["/master/state"]}}]}`,
	} {
		if _, err := authz.ParseACLs([]byte(bad), quiet); err == nil {
			t.Errorf("ParseACLs(%s) succeeded", bad)
		}
	}
}

func TestParseACLsWarnsOfUnknownFields(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	if _, err := authz.ParseACLs([]byte(`{"register_framework": [], "set_quotas": []}`), log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "register_framework") || !strings.Contains(buf.String(), "set_quotas") {
		t.Errorf("unknown fields not logged: %s", buf.String())
	}
}
