package authz_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/authz"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/authorizer/authorizertest"
)

// Builders of requests.

func principal(p string) *authorizer.Subject { return authorizer.Principal(p) }

var anonymous *authorizer.Subject

func request(s *authorizer.Subject, a authorizer.Action, o *authorizer.Object) *authorizer.AuthorizedRequest {
	return &authorizer.AuthorizedRequest{Subject: s, Action: a, Object: o}
}

func framework(role string, roles ...string) *mesospb.FrameworkInfo {
	f := &mesospb.FrameworkInfo{Name: proto.String("fw"), User: proto.String("alice"), Principal: proto.String("fw-principal")}
	if role != "" {
		f.Role = proto.String(role)
	}
	if roles != nil {
		f.Roles = roles
		f.Capabilities = []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}}
	}
	return f
}

func frameworkOf(user, principal string) *mesospb.FrameworkInfo {
	f := &mesospb.FrameworkInfo{Name: proto.String("fw"), User: proto.String(user)}
	if principal != "" {
		f.Principal = proto.String(principal)
	}
	return f
}

func command(user string) *mesospb.CommandInfo {
	c := &mesospb.CommandInfo{Value: proto.String("true")}
	if user != "" {
		c.User = proto.String(user)
	}
	return c
}

func executor(user string) *mesospb.ExecutorInfo {
	return &mesospb.ExecutorInfo{ExecutorId: &mesospb.ExecutorID{Value: proto.String("e")}, Command: command(user)}
}

// reserved is cpus reserved to the roles given (refined in order), the
// last reservation by principal.
func reserved(principal string, roles ...string) *mesospb.Resource {
	r := &mesospb.Resource{Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(1)}}
	for i, role := range roles {
		ri := &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String(role), Principal: proto.String("earlier")}
		if i == len(roles)-1 {
			ri.Principal = proto.String(principal)
		}
		r.Reservations = append(r.Reservations, ri)
	}
	return r
}

// preRefinement is cpus reserved the pre-refinement way.
func preRefinement(role, principal string) *mesospb.Resource {
	return &mesospb.Resource{
		Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(1)},
		Role: proto.String(role), Reservation: &mesospb.Resource_ReservationInfo{Principal: proto.String(principal)},
	}
}

func volume(role, creator string) *mesospb.Resource {
	r := reserved("x", role)
	r.Name = proto.String("disk")
	r.Disk = &mesospb.Resource_DiskInfo{
		Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String("v"), Principal: proto.String(creator)},
		Volume:      &mesospb.Volume{ContainerPath: proto.String("data"), Mode: mesospb.Volume_RW.Enum()},
	}
	return r
}

func containerID(value string, parents ...string) *mesospb.ContainerID {
	id := &mesospb.ContainerID{Value: proto.String(value)}
	cur := id
	for _, p := range parents {
		cur.Parent = &mesospb.ContainerID{Value: proto.String(p)}
		cur = cur.Parent
	}
	return id
}

// tcase is one request and the answer the ACLs give it.
type tcase struct {
	name    string
	request *authorizer.AuthorizedRequest
	allowed bool
}

func local(t *testing.T, acls string) *authz.Local {
	t.Helper()
	l, err := authz.NewLocalWith(map[string]string{"acls": acls}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// run checks the cases one by one and, through the conformance suite,
// through ApproveObjects and concurrently.
func run(t *testing.T, acls string, cases []tcase) {
	t.Helper()
	l := local(t, acls)
	var suite []authorizertest.Case
	for _, c := range cases {
		suite = append(suite, authorizertest.Case{Name: c.name, Request: c.request, Allowed: c.allowed})
		resp, err := l.Authorized(context.Background(), c.request)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if resp.GetAllowed() != c.allowed {
			t.Errorf("%s: allowed = %v, want %v", c.name, resp.GetAllowed(), c.allowed)
		}
	}
	authorizertest.Run(t, authorizertest.Fixture{New: func(t *testing.T) authorizer.Authorizer { return l }, Cases: suite})
}

func TestRegisterFramework(t *testing.T) {
	const acls = `{
	  "permissive": false,
	  "register_frameworks": [
	    {"principals": {"values": ["marathon"]}, "roles": {"values": ["web", "eng/%"]}},
	    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}},
	    {"principals": {"type": "ANY"}, "roles": {"type": "NONE"}}
	  ]
	}`
	reg := func(s *authorizer.Subject, f *mesospb.FrameworkInfo) *authorizer.AuthorizedRequest {
		return request(s, authorizer.Action_REGISTER_FRAMEWORK, &authorizer.Object{FrameworkInfo: f})
	}
	run(t, acls, []tcase{
		{"listed role", reg(principal("marathon"), framework("web")), true},
		{"role below a recursive one", reg(principal("marathon"), framework("eng/frontend")), true},
		{"deep role below a recursive one", reg(principal("marathon"), framework("eng/a/b")), true},
		{"the recursive role itself", reg(principal("marathon"), framework("eng")), false},
		{"a role that only starts alike", reg(principal("marathon"), framework("engineering")), false},
		{"unlisted role", reg(principal("marathon"), framework("db")), false},
		{"default role", reg(principal("marathon"), framework("")), false},
		{"multi-role, all allowed", reg(principal("marathon"), framework("", "web", "eng/x")), true},
		{"multi-role, one refused", reg(principal("marathon"), framework("", "web", "db")), false},
		{"multi-role without roles: permissive decides", reg(principal("marathon"), framework("", []string{}...)), false},
		{"ANY roles", reg(principal("ops"), framework("anything")), true},
		{"other principal: NONE roles", reg(principal("eve"), framework("web")), false},
		{"unauthenticated", reg(anonymous, framework("web")), false},
		{"deprecated value", request(principal("marathon"), authorizer.Action_REGISTER_FRAMEWORK, &authorizer.Object{Value: proto.String("web")}), true},
		{"no object: ANY is not allowed by a SOME list", request(principal("marathon"), authorizer.Action_REGISTER_FRAMEWORK, nil), false},
		{"no object: allowed by ANY", request(principal("ops"), authorizer.Action_REGISTER_FRAMEWORK, nil), true},
	})
	run(t, `{"register_frameworks": []}`, []tcase{
		{"no rules, permissive by default", reg(principal("anyone"), framework("x")), true},
		{"multi-role without roles, permissive", reg(principal("marathon"), framework("", []string{}...)), true},
	})
}

func TestRunTask(t *testing.T) {
	const acls = `{
	  "run_tasks": [
	    {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
	    {"principals": {"type": "NONE"}, "users": {"values": ["root"]}},
	    {"principals": {"values": ["foo", "bar"]}, "users": {"values": ["alice", "bob"]}},
	    {"principals": {"values": ["foo"]}, "users": {"type": "NONE"}}
	  ]
	}`
	runAs := func(s *authorizer.Subject, task *mesospb.TaskInfo, f *mesospb.FrameworkInfo) *authorizer.AuthorizedRequest {
		return request(s, authorizer.Action_RUN_TASK, &authorizer.Object{TaskInfo: task, FrameworkInfo: f})
	}
	taskAs := func(user string) *mesospb.TaskInfo {
		return &mesospb.TaskInfo{Name: proto.String("t"), Command: command(user)}
	}
	run(t, acls, []tcase{
		{"ANY users", runAs(principal("ops"), taskAs("root"), nil), true},
		{"nobody as root", runAs(principal("foo"), taskAs("root"), nil), false},
		{"unauthenticated as root", runAs(anonymous, taskAs("root"), nil), false},
		{"listed user", runAs(principal("bar"), taskAs("bob"), nil), true},
		{"NONE users", runAs(principal("foo"), taskAs("carol"), nil), false},
		{"unmatched: permissive", runAs(principal("bar"), taskAs("carol"), nil), true},
		{"task user wins over the framework's", runAs(principal("foo"), taskAs("alice"), frameworkOf("root", "")), true},
		{"executor user", runAs(principal("foo"), &mesospb.TaskInfo{Executor: executor("root")}, frameworkOf("alice", "")), false},
		{"framework user", runAs(principal("bar"), &mesospb.TaskInfo{Command: command("")}, frameworkOf("alice", "")), true},
		{"framework user root", runAs(principal("bar"), &mesospb.TaskInfo{Command: command("")}, frameworkOf("root", "")), false},
		{"no object", request(principal("bar"), authorizer.Action_RUN_TASK, nil), true},
		{"no object, NONE users", request(principal("foo"), authorizer.Action_RUN_TASK, nil), false},
	})
}

func TestTeardownFramework(t *testing.T) {
	const acls = `{
	  "permissive": false,
	  "teardown_frameworks": [
	    {"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}},
	    {"principals": {"values": ["fw"]}, "framework_principals": {"values": ["fw"]}},
	    {"principals": {"type": "ANY"}, "framework_principals": {"type": "NONE"}}
	  ]
	}`
	teardown := func(s *authorizer.Subject, o *authorizer.Object) *authorizer.AuthorizedRequest {
		return request(s, authorizer.Action_TEARDOWN_FRAMEWORK, o)
	}
	run(t, acls, []tcase{
		{"ops, any framework", teardown(principal("ops"), &authorizer.Object{FrameworkInfo: frameworkOf("u", "other")}), true},
		{"own framework", teardown(principal("fw"), &authorizer.Object{FrameworkInfo: frameworkOf("u", "fw")}), true},
		{"another's framework", teardown(principal("fw"), &authorizer.Object{FrameworkInfo: frameworkOf("u", "other")}), false},
		{"framework without principal", teardown(principal("fw"), &authorizer.Object{FrameworkInfo: frameworkOf("u", "")}), false},
		{"by value", teardown(principal("fw"), &authorizer.Object{Value: proto.String("fw")}), true},
		{"any framework: ops", teardown(principal("ops"), nil), true},
		{"any framework: fw", teardown(principal("fw"), nil), false},
		{"unauthenticated", teardown(anonymous, &authorizer.Object{FrameworkInfo: frameworkOf("u", "fw")}), false},
	})
}

func TestReserveAndVolumes(t *testing.T) {
	const acls = `{
	  "permissive": false,
	  "reserve_resources": [
	    {"principals": {"values": ["ops"]}, "roles": {"values": ["db", "web/%"]}},
	    {"principals": {"values": ["admin"]}, "roles": {"type": "ANY"}}
	  ],
	  "unreserve_resources": [
	    {"principals": {"values": ["ops"]}, "reserver_principals": {"values": ["ops"]}},
	    {"principals": {"values": ["admin"]}, "reserver_principals": {"type": "ANY"}}
	  ],
	  "create_volumes": [
	    {"principals": {"values": ["ops"]}, "roles": {"values": ["db"]}}
	  ],
	  "destroy_volumes": [
	    {"principals": {"values": ["ops"]}, "creator_principals": {"values": ["ops"]}},
	    {"principals": {"type": "ANY"}, "creator_principals": {"type": "NONE"}}
	  ]
	}`
	act := func(s string, a authorizer.Action, r *mesospb.Resource) *authorizer.AuthorizedRequest {
		return request(principal(s), a, &authorizer.Object{Resource: r})
	}
	reserve, unreserve := authorizer.Action_RESERVE_RESOURCES, authorizer.Action_UNRESERVE_RESOURCES
	create, destroy := authorizer.Action_CREATE_VOLUME, authorizer.Action_DESTROY_VOLUME
	run(t, acls, []tcase{
		{"reserve for a listed role", act("ops", reserve, reserved("ops", "db")), true},
		{"reserve below a recursive role", act("ops", reserve, reserved("ops", "web", "web/a")), true},
		{"reserve for the recursive role itself", act("ops", reserve, reserved("ops", "web")), false},
		{"reserve, pre-refinement", act("ops", reserve, preRefinement("db", "ops")), true},
		{"reserve for another role", act("ops", reserve, reserved("ops", "dev")), false},
		{"reserve, ANY roles", act("admin", reserve, reserved("admin", "dev")), true},
		{"reserve, unknown principal", act("eve", reserve, reserved("eve", "db")), false},
		{"unreserve own", act("ops", unreserve, reserved("ops", "db")), true},
		{"unreserve another's", act("ops", unreserve, reserved("admin", "db")), false},
		{"unreserve a refinement: the last reservation counts", act("ops", unreserve, reserved("ops", "db", "db/a")), true},
		{"unreserve, pre-refinement", act("ops", unreserve, preRefinement("db", "ops")), true},
		{"unreserve anything", act("admin", unreserve, reserved("ops", "db")), true},
		{"create a volume", act("ops", create, volume("db", "ops")), true},
		{"create a volume for another role", act("ops", create, volume("web", "ops")), false},
		{"destroy own volume", act("ops", destroy, volume("db", "ops")), true},
		{"destroy another's volume", act("ops", destroy, volume("db", "admin")), false},
		{"destroy, NONE creators", act("admin", destroy, volume("db", "admin")), false},
	})
}

func TestQuotaAndRoles(t *testing.T) {
	const acls = `{
	  "permissive": false,
	  "get_quotas": [
	    {"principals": {"values": ["ops", "viewer"]}, "roles": {"type": "ANY"}}
	  ],
	  "update_quotas": [
	    {"principals": {"values": ["ops"]}, "roles": {"values": ["eng/%", "dev"]}}
	  ],
	  "view_roles": [
	    {"principals": {"type": "ANY"}, "roles": {"values": ["public"]}}
	  ],
	  "update_weights": [
	    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}
	  ]
	}`
	value := func(v string) *authorizer.Object { return &authorizer.Object{Value: proto.String(v)} }
	run(t, acls, []tcase{
		{"get quota", request(principal("viewer"), authorizer.Action_GET_QUOTA, value("dev")), true},
		{"get quota of every role", request(principal("viewer"), authorizer.Action_GET_QUOTA, &authorizer.Object{}), true},
		{"get quota, unlisted principal", request(principal("eve"), authorizer.Action_GET_QUOTA, value("dev")), false},
		{"update quota with config", request(principal("ops"), authorizer.Action_UPDATE_QUOTA_WITH_CONFIG, value("dev")), true},
		{"update quota below a recursive role", request(principal("ops"), authorizer.Action_UPDATE_QUOTA_WITH_CONFIG, value("eng/x")), true},
		{"update quota of another role", request(principal("ops"), authorizer.Action_UPDATE_QUOTA_WITH_CONFIG, value("web")), false},
		{"update quota (deprecated)", request(principal("ops"), authorizer.Action_UPDATE_QUOTA,
			&authorizer.Object{QuotaInfo: &quotapb.QuotaInfo{Role: proto.String("dev")}}), true},
		{"update quota by another", request(principal("viewer"), authorizer.Action_UPDATE_QUOTA_WITH_CONFIG, value("dev")), false},
		{"view a public role", request(principal("eve"), authorizer.Action_VIEW_ROLE, value("public")), true},
		{"view a public role, unauthenticated", request(anonymous, authorizer.Action_VIEW_ROLE, value("public")), true},
		{"view another role", request(principal("eve"), authorizer.Action_VIEW_ROLE, value("secret")), false},
		{"update a weight", request(principal("ops"), authorizer.Action_UPDATE_WEIGHT,
			&authorizer.Object{WeightInfo: &mesospb.WeightInfo{Role: proto.String("dev"), Weight: proto.Float64(2)}}), true},
	})
}

func TestView(t *testing.T) {
	const acls = `{
	  "view_frameworks": [
	    {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
	    {"principals": {"values": ["alice"]}, "users": {"values": ["alice"]}},
	    {"principals": {"type": "ANY"}, "users": {"type": "NONE"}}
	  ],
	  "view_tasks": [
	    {"principals": {"values": ["alice"]}, "users": {"values": ["alice"]}},
	    {"principals": {"type": "ANY"}, "users": {"type": "NONE"}}
	  ],
	  "view_executors": [
	    {"principals": {"values": ["alice"]}, "users": {"values": ["alice"]}},
	    {"principals": {"type": "ANY"}, "users": {"type": "NONE"}}
	  ]
	}`
	fwAlice, fwBob := frameworkOf("alice", ""), frameworkOf("bob", "")
	viewTask := func(s string, task *mesospb.Task, info *mesospb.TaskInfo, f *mesospb.FrameworkInfo) *authorizer.AuthorizedRequest {
		return request(principal(s), authorizer.Action_VIEW_TASK, &authorizer.Object{Task: task, TaskInfo: info, FrameworkInfo: f})
	}
	taskOf := func(user string) *mesospb.Task {
		t := &mesospb.Task{Name: proto.String("t")}
		if user != "" {
			t.User = proto.String(user)
		}
		return t
	}
	run(t, acls, []tcase{
		{"ops views any framework", request(principal("ops"), authorizer.Action_VIEW_FRAMEWORK, &authorizer.Object{FrameworkInfo: fwBob}), true},
		{"alice views her framework", request(principal("alice"), authorizer.Action_VIEW_FRAMEWORK, &authorizer.Object{FrameworkInfo: fwAlice}), true},
		{"alice views bob's framework", request(principal("alice"), authorizer.Action_VIEW_FRAMEWORK, &authorizer.Object{FrameworkInfo: fwBob}), false},
		{"eve views a framework", request(principal("eve"), authorizer.Action_VIEW_FRAMEWORK, &authorizer.Object{FrameworkInfo: fwAlice}), false},
		{"task user", viewTask("alice", taskOf("alice"), nil, fwBob), true},
		{"task user not hers", viewTask("alice", taskOf("bob"), nil, fwAlice), false},
		{"task without user: the framework's", viewTask("alice", taskOf(""), nil, fwAlice), true},
		{"task info command user", viewTask("alice", nil, &mesospb.TaskInfo{Command: command("alice")}, fwBob), true},
		{"task info executor user", viewTask("alice", nil, &mesospb.TaskInfo{Executor: executor("bob")}, fwAlice), false},
		{"executor user", request(principal("alice"), authorizer.Action_VIEW_EXECUTOR, &authorizer.Object{ExecutorInfo: executor("alice"), FrameworkInfo: fwBob}), true},
		{"executor without user: the framework's", request(principal("alice"), authorizer.Action_VIEW_EXECUTOR, &authorizer.Object{ExecutorInfo: executor(""), FrameworkInfo: fwBob}), false},
		{"no rules for containers: permissive", request(principal("eve"), authorizer.Action_VIEW_CONTAINER, &authorizer.Object{ExecutorInfo: executor("x")}), true},
	})
}

func TestImplicitObjects(t *testing.T) {
	const acls = `{
	  "permissive": false,
	  "get_maintenance_schedules": [
	    {"principals": {"values": ["ops", "viewer"]}, "machines": {"type": "ANY"}}
	  ],
	  "update_maintenance_schedules": [
	    {"principals": {"values": ["ops"]}, "machines": {"type": "ANY"}},
	    {"principals": {"type": "ANY"}, "machines": {"type": "NONE"}}
	  ],
	  "view_flags": [
	    {"principals": {"type": "ANY"}, "flags": {"type": "ANY"}}
	  ],
	  "get_endpoints": [
	    {"principals": {"values": ["ops"]}, "paths": {"values": ["/metrics/snapshot"]}}
	  ]
	}`
	machine := &authorizer.Object{MachineId: &mesospb.MachineID{Hostname: proto.String("h1")}}
	run(t, acls, []tcase{
		{"get schedule", request(principal("viewer"), authorizer.Action_GET_MAINTENANCE_SCHEDULE, machine), true},
		{"get schedule, unlisted", request(principal("eve"), authorizer.Action_GET_MAINTENANCE_SCHEDULE, machine), false},
		{"update schedule", request(principal("ops"), authorizer.Action_UPDATE_MAINTENANCE_SCHEDULE, machine), true},
		{"update schedule, NONE", request(principal("viewer"), authorizer.Action_UPDATE_MAINTENANCE_SCHEDULE, machine), false},
		{"update schedule, unauthenticated", request(anonymous, authorizer.Action_UPDATE_MAINTENANCE_SCHEDULE, nil), false},
		{"view flags, anyone", request(anonymous, authorizer.Action_VIEW_FLAGS, nil), true},
		{"endpoint", request(principal("ops"), authorizer.Action_GET_ENDPOINT_WITH_PATH, &authorizer.Object{Value: proto.String("/metrics/snapshot")}), true},
		{"endpoint, another principal", request(principal("eve"), authorizer.Action_GET_ENDPOINT_WITH_PATH, &authorizer.Object{Value: proto.String("/metrics/snapshot")}), false},
		{"no rules: not permissive", request(principal("ops"), authorizer.Action_START_MAINTENANCE, machine), false},
		{"unknown action", request(principal("ops"), authorizer.Action_UNKNOWN, nil), false},
	})
}

func TestClaims(t *testing.T) {
	executorToken := &authorizer.Subject{Claims: map[string]string{"cid": "c1"}}
	provider := &authorizer.Subject{Claims: map[string]string{"cid_prefix": "rp-"}}
	container := func(id *mesospb.ContainerID) *authorizer.Object { return &authorizer.Object{ContainerId: id} }
	run(t, `{}`, []tcase{
		{"executor kills its nested container", request(executorToken, authorizer.Action_KILL_NESTED_CONTAINER, container(containerID("n", "c1"))), true},
		{"executor launches deeply nested", request(executorToken, authorizer.Action_LAUNCH_NESTED_CONTAINER, container(containerID("n2", "n1", "c1"))), true},
		{"executor, another's container", request(executorToken, authorizer.Action_WAIT_NESTED_CONTAINER, container(containerID("n", "c2"))), false},
		{"executor, other actions", request(executorToken, authorizer.Action_VIEW_FRAMEWORK, &authorizer.Object{FrameworkInfo: frameworkOf("u", "")}), false},
		{"executor, no container", request(executorToken, authorizer.Action_KILL_NESTED_CONTAINER, &authorizer.Object{}), false},
		{"provider, its container", request(provider, authorizer.Action_LAUNCH_STANDALONE_CONTAINER, container(containerID("rp-1"))), true},
		{"provider, another container", request(provider, authorizer.Action_KILL_STANDALONE_CONTAINER, container(containerID("x-1"))), false},
		{"provider claim for executor actions", request(provider, authorizer.Action_KILL_NESTED_CONTAINER, container(containerID("rp-1"))), false},
		{"claims without value nor known claim", request(&authorizer.Subject{Claims: map[string]string{"x": "y"}}, authorizer.Action_VIEW_FLAGS, nil), false},
		{"empty subject", request(&authorizer.Subject{}, authorizer.Action_VIEW_FLAGS, nil), false},
		{"permissive for principals", request(principal("p"), authorizer.Action_VIEW_FLAGS, nil), true},
	})
}

func TestNestedContainers(t *testing.T) {
	const acls = `{
	  "permissive": false,
	  "launch_nested_containers_under_parent_with_user": [
	    {"principals": {"values": ["ops"]}, "users": {"values": ["alice"]}}
	  ],
	  "launch_nested_containers_as_user": [
	    {"principals": {"values": ["ops"]}, "users": {"values": ["root"]}}
	  ],
	  "launch_nested_container_sessions_under_parent_with_user": [
	    {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}
	  ],
	  "launch_nested_container_sessions_as_user": [
	    {"principals": {"values": ["ops"]}, "users": {"type": "NONE"}}
	  ]
	}`
	launch := func(a authorizer.Action, parentUser, commandUser string, withCommand bool) *authorizer.AuthorizedRequest {
		o := &authorizer.Object{ExecutorInfo: executor(parentUser), FrameworkInfo: frameworkOf("alice", ""), ContainerId: containerID("c")}
		if withCommand {
			o.CommandInfo = command(commandUser)
		}
		return request(principal("ops"), a, o)
	}
	lnc, session := authorizer.Action_LAUNCH_NESTED_CONTAINER, authorizer.Action_LAUNCH_NESTED_CONTAINER_SESSION
	run(t, acls, []tcase{
		{"under alice, as root", launch(lnc, "alice", "root", true), true},
		{"under alice, as bob", launch(lnc, "alice", "bob", true), false},
		{"under alice, no command", launch(lnc, "alice", "", false), true},
		{"under carol", launch(lnc, "carol", "root", true), false},
		{"under the framework's user", launch(lnc, "", "root", true), true},
		{"command without user: ANY is not allowed by a list", launch(lnc, "alice", "", true), false},
		{"session with a command as NONE", launch(session, "carol", "root", true), false},
		{"session without a command", launch(session, "carol", "", false), true},
	})
}

func TestMissingObjectFields(t *testing.T) {
	l := local(t, `{}`)
	for _, req := range []*authorizer.AuthorizedRequest{
		request(principal("p"), authorizer.Action_VIEW_FRAMEWORK, &authorizer.Object{}),
		request(principal("p"), authorizer.Action_VIEW_TASK, &authorizer.Object{FrameworkInfo: frameworkOf("u", "")}),
		request(principal("p"), authorizer.Action_VIEW_EXECUTOR, &authorizer.Object{ExecutorInfo: executor("")}),
		request(principal("p"), authorizer.Action_GET_ENDPOINT_WITH_PATH, &authorizer.Object{}),
		request(principal("p"), authorizer.Action_VIEW_ROLE, &authorizer.Object{}),
		request(principal("p"), authorizer.Action_UPDATE_QUOTA, &authorizer.Object{}),
	} {
		if resp, err := l.Authorized(context.Background(), req); err == nil {
			t.Errorf("%v with %v = %v, want an error", req.GetAction(), req.GetObject(), resp)
		}
	}
}

func TestNewLocal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acls.json")
	if err := os.WriteFile(path, []byte(`{"permissive": false}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{path, "file://" + path} {
		l, err := authz.NewLocal(map[string]string{"acls": v})
		if err != nil {
			t.Fatalf("NewLocal(%s) = %v", v, err)
		}
		resp, err := l.Authorized(context.Background(), request(principal("p"), authorizer.Action_VIEW_FLAGS, nil))
		if err != nil || resp.GetAllowed() {
			t.Errorf("ACLs from %s not applied: %v, %v", v, resp, err)
		}
	}
	for _, bad := range []map[string]string{nil, {"acls": "{}", "x": "y"}, {"acls": "[]"}, {"acls": "/no/such/file"}} {
		if _, err := authz.NewLocal(bad); err == nil {
			t.Errorf("NewLocal(%v) succeeded", bad)
		}
	}
}

func TestCatalog(t *testing.T) {
	for name, mk := range authz.Catalog() {
		if a, err := mk(map[string]string{"acls": "{}"}); err != nil || a == nil {
			t.Errorf("%s: %v, %v", name, a, err)
		}
	}
}
