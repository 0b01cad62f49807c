package authz_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/authz"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// fullObject has every field an action may read.
func fullObject() *authorizer.Object {
	return &authorizer.Object{
		Value:         proto.String("web"),
		FrameworkInfo: framework("", "web", "eng/a"),
		Task:          &mesospb.Task{Name: proto.String("t"), User: proto.String("alice")},
		TaskInfo:      &mesospb.TaskInfo{Command: command("alice")},
		ExecutorInfo:  executor("bob"),
		QuotaInfo:     &quotapb.QuotaInfo{Role: proto.String("web")},
		WeightInfo:    &mesospb.WeightInfo{Role: proto.String("web")},
		Resource:      volume("web", "ops"),
		CommandInfo:   command("root"),
		ContainerId:   containerID("n", "c"),
		MachineId:     &mesospb.MachineID{Hostname: proto.String("h")},
	}
}

// FuzzParseACLs feeds --acls documents: parsing never panics, and ACLs
// that parse answer every action for every kind of subject, the same
// through Authorized and ApproveObjects.
func FuzzParseACLs(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"permissive": false}`,
		`{"register_frameworks": [{"principals": {"values": ["a"]}, "roles": {"values": ["r", "eng/%"]}}]}`,
		`{"run_tasks": {"principals": {"type": "ANY"}, "users": {"type": "NONE"}}, "permissive": null}`,
		`{"view_flags": [{"principals": {"type": 1}, "flags": {"type": 2}}]}`,
		`{"get_endpoints": [{"principals": {"values": "ops"}, "paths": {"values": ["/metrics/snapshot"]}}]}`,
		`{"reserve_resources": [{"principals": {"type": "NONE"}, "roles": {"values": ["/%", "%"]}}]}`,
	} {
		f.Add(seed)
	}
	subjects := []*authorizer.Subject{nil, principal("a"), principal(""), {Claims: map[string]string{"cid": "c"}}}
	other := fullObject()
	other.Value, other.FrameworkInfo, other.Resource = proto.String("eng/x"), framework("r"), reserved("p", "eng", "eng/x")
	objects := []*authorizer.Object{fullObject(), other}
	f.Fuzz(func(t *testing.T, text string) {
		acls, err := authz.ParseACLs([]byte(text), quiet)
		if err != nil {
			return
		}
		l := authz.NewLocalFrom(acls)
		ctx := context.Background()
		for a := range authorizer.Action_name {
			action := authorizer.Action(a)
			for _, s := range subjects {
				if _, err := l.Authorized(ctx, request(s, action, nil)); err != nil {
					t.Fatalf("%v for %v, any object: %v", action, s, err)
				}
				many, err := l.ApproveObjects(ctx, &authorizer.ApproveObjectsRequest{Subject: s, Action: action, Objects: objects})
				if err != nil {
					t.Fatalf("%v for %v: %v", action, s, err)
				}
				for i, o := range objects {
					one, err := l.Authorized(ctx, request(s, action, o))
					if err != nil || one.GetAllowed() != many.GetAllowed()[i] {
						t.Fatalf("%v for %v on object %d: Authorized %v, %v; ApproveObjects %v", action, s, i, one, err, many.GetAllowed()[i])
					}
				}
			}
		}
	})
}
