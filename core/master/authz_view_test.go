package master

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/authz"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// switchableAuthorizer is the local authorizer that, when remote is set,
// refuses to decide locally, as a plugin or WASM module does: the master
// then judges views in batches (ApproveObjects) instead of on the loop.
type switchableAuthorizer struct {
	*authz.Local
	remote atomic.Bool
}

func (s *switchableAuthorizer) ObjectApprover(ctx context.Context, subject *authorizer.Subject, action authorizer.Action) (authorizer.ObjectApprover, error) {
	if s.remote.Load() {
		return nil, nil
	}
	return s.Local.ObjectApprover(ctx, subject, action)
}

// TestViewLocalAndBatchAgree: the two ways of deciding a view (approvers on
// the loop, batches off it) show every principal the same documents.
func TestViewLocalAndBatchAgree(t *testing.T) {
	sw := &switchableAuthorizer{}
	tm := authMaster(t, func(c *Config) {
		sw.Local = c.Authorizer.(*authz.Local)
		c.Authorizer = sw
	})
	registerAgent(t, tm, "cpus:4;mem:1024", nil)
	s := webScheduler(t, tm)
	offer := s.nextOffer()
	if code, body := s.sendAs("web", launchCall(offer, commandTask(t, "t1", offer, "cpus:1;mem:64"))); code != http.StatusAccepted {
		t.Fatalf("ACCEPT: %d %s", code, body)
	}
	eventually(t, "task t1", func() bool {
		var n int
		onLoop(t, tm, func() { n = len(tm.frameworks[s.id].tasks) })
		return n == 1
	})
	// An agent with reservations, for the roles of its resources.
	registerAgent(t, tm, "cpus:1;mem:128;cpus(web):1;cpus(eng/a):1", func(s *agentmasterpb.AgentCall_Subscribe) {
		s.AgentInfo.Hostname = proto.String("reserved")
	})
	read := func(user string) map[string]string {
		out := map[string]string{}
		for _, path := range []string{"/master/frameworks", "/master/tasks", "/master/roles", "/master/state-summary", "/master/slaves"} {
			code, body := httpAs(t, user, "GET", tm.srv.URL+path, "")
			if code != http.StatusOK {
				t.Fatalf("%s as %s: %d %s", path, user, code, body)
			}
			out[path] = body
		}
		for _, typ := range []masterpb.Call_Type{masterpb.Call_GET_TASKS, masterpb.Call_GET_EXECUTORS, masterpb.Call_GET_ROLES, masterpb.Call_GET_AGENTS} {
			code, body := operatorAs(t, tm, user, callOf(typ))
			if code != http.StatusOK {
				t.Fatalf("%s as %s: %d %s", typ, user, code, body)
			}
			out[typ.String()] = string(body)
		}
		return out
	}
	for _, user := range []string{"ops", "web", "eve"} {
		local := read(user)
		if shows := strings.Contains(local["/master/slaves"], `"eng/a"`); shows != (user == "ops") {
			t.Errorf("/master/slaves as %s shows the reservation of eng/a: %v", user, shows)
		}
		sw.remote.Store(true)
		batch := read(user)
		sw.remote.Store(false)
		for what, doc := range local {
			if batch[what] != doc {
				t.Errorf("%s as %s differs:\nlocal: %s\nbatch: %s", what, user, doc, batch[what])
			}
		}
	}
}

// failingApprovers is the local authorizer whose approvers cannot be
// had: it authorizes calls, but cannot decide views.
type failingApprovers struct{ *authz.Local }

func (failingApprovers) ObjectApprover(context.Context, *authorizer.Subject, authorizer.Action) (authorizer.ObjectApprover, error) {
	return nil, errors.New("no approver")
}

// TestViewApproversFailClosed: when the approvers cannot be had, ops (who
// may see everything) is shown no framework, task or role.
func TestViewApproversFailClosed(t *testing.T) {
	tm := authMaster(t, func(c *Config) { c.Authorizer = failingApprovers{c.Authorizer.(*authz.Local)} })
	registerAgent(t, tm, "cpus:4;mem:1024", nil)
	webScheduler(t, tm)
	for path, want := range map[string]string{
		"/master/roles":      `{"roles":[]}`,
		"/master/frameworks": `{"frameworks":[],"completed_frameworks":[],"unregistered_frameworks":[]}`,
	} {
		if code, body := httpAs(t, "ops", "GET", tm.srv.URL+path, ""); code != http.StatusOK || body != want {
			t.Errorf("%s: %d %s, want %s", path, code, body, want)
		}
	}
}
