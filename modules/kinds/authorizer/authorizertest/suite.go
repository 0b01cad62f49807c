// Package authorizertest is the conformance suite of the Authorizer module
// kind: what every authorizer does whatever its policy. The built-in local
// authorizer runs it, and so do plugin and WASM authorizers.
//
// The policy itself is the fixture's: it gives requests and the answers
// its configuration implies, and the suite checks them through both calls.
package authorizertest

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Case is one request and the answer the fixture's policy gives it.
type Case struct {
	Name    string
	Request *authorizer.AuthorizedRequest
	Allowed bool
}

// Fixture is what the suite needs of an authorizer under test.
type Fixture struct {
	// New returns a fresh authorizer configured with the fixture's policy.
	New func(t *testing.T) authorizer.Authorizer
	// Cases are requests whose answers the policy determines. Give some
	// allowed and some denied.
	Cases []Case
}

// Run runs the conformance suite, one subtest per behaviour, each with a
// fresh authorizer.
func Run(t *testing.T, f Fixture) {
	for _, ct := range []struct {
		name string
		run  func(t *testing.T, f Fixture)
	}{
		{"UnknownActionDenied", unknownAction},
		{"Cases", cases},
		{"ApproveObjectsAgrees", approveObjects},
		{"ApproveNoObjects", approveNone},
		{"ObjectApproverAgrees", objectApprover},
		{"Concurrent", concurrent},
	} {
		t.Run(ct.name, func(t *testing.T) { ct.run(t, f) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func unknownAction(t *testing.T, f Fixture) {
	a := f.New(t)
	for _, s := range []*authorizer.Subject{nil, authorizer.Principal("someone")} {
		resp, err := a.Authorized(ctx(t), &authorizer.AuthorizedRequest{Subject: s, Action: authorizer.Action_UNKNOWN})
		if err == nil && resp.GetAllowed() {
			t.Errorf("UNKNOWN action allowed for subject %v", s)
		}
	}
}

func cases(t *testing.T, f Fixture) {
	a := f.New(t)
	for _, c := range f.Cases {
		resp, err := a.Authorized(ctx(t), c.Request)
		if err != nil {
			t.Errorf("%s: Authorized = %v", c.Name, err)
			continue
		}
		if resp.GetAllowed() != c.Allowed {
			t.Errorf("%s: allowed = %v, want %v", c.Name, resp.GetAllowed(), c.Allowed)
		}
	}
}

// approveObjects asks, for each case with an object, ApproveObjects about
// that object among all the objects of the cases sharing its subject and
// action, and compares with the case's answer.
func approveObjects(t *testing.T, f Fixture) {
	a := f.New(t)
	type group struct {
		subject *authorizer.Subject
		action  authorizer.Action
		objects []*authorizer.Object
		want    []bool
		names   []string
	}
	var groups []*group
	for _, c := range f.Cases {
		if c.Request.GetObject() == nil {
			continue
		}
		var g *group
		for _, h := range groups {
			if h.action == c.Request.GetAction() && proto.Equal(h.subject, c.Request.GetSubject()) {
				g = h
			}
		}
		if g == nil {
			g = &group{subject: c.Request.GetSubject(), action: c.Request.GetAction()}
			groups = append(groups, g)
		}
		g.objects = append(g.objects, c.Request.GetObject())
		g.want = append(g.want, c.Allowed)
		g.names = append(g.names, c.Name)
	}
	for _, g := range groups {
		req := &authorizer.ApproveObjectsRequest{Subject: g.subject, Action: g.action, Objects: g.objects}
		resp, err := a.ApproveObjects(ctx(t), req)
		if err != nil {
			t.Errorf("ApproveObjects(%v) = %v", g.action, err)
			continue
		}
		if err := authorizer.Check(req, resp); err != nil {
			t.Errorf("ApproveObjects(%v): %v", g.action, err)
			continue
		}
		for i, got := range resp.GetAllowed() {
			if got != g.want[i] {
				t.Errorf("%s: ApproveObjects allowed = %v, want %v", g.names[i], got, g.want[i])
			}
		}
	}
}

func approveNone(t *testing.T, f Fixture) {
	req := &authorizer.ApproveObjectsRequest{Subject: authorizer.Principal("someone"), Action: authorizer.Action_VIEW_FRAMEWORK}
	resp, err := f.New(t).ApproveObjects(ctx(t), req)
	if err != nil {
		t.Fatalf("ApproveObjects(no objects) = %v", err)
	}
	if err := authorizer.Check(req, resp); err != nil {
		t.Fatal(err)
	}
}

func concurrent(t *testing.T, f Fixture) {
	a := f.New(t)
	c := ctx(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, cs := range f.Cases {
				resp, err := a.Authorized(c, cs.Request)
				if err != nil {
					t.Errorf("%s: %v", cs.Name, err)
					return
				}
				if resp.GetAllowed() != cs.Allowed {
					t.Errorf("%s: allowed = %v concurrently, want %v", cs.Name, resp.GetAllowed(), cs.Allowed)
				}
			}
		})
	}
	wg.Wait()
}

// objectApprover: an authorizer that decides locally
// (authorizer.ObjectApprovers) gives approvers that answer every case as
// Authorized does. Others have nothing to check.
func objectApprover(t *testing.T, f Fixture) {
	a := f.New(t)
	if _, ok := a.(authorizer.ObjectApprovers); !ok {
		t.Skip("the authorizer does not decide locally (no ObjectApprovers)")
	}
	for _, c := range f.Cases {
		ap, err := authorizer.ApproverOf(ctx(t), a, c.Request.GetSubject(), c.Request.GetAction())
		if err != nil || ap == nil {
			t.Errorf("%s: ObjectApprover = %v, %v", c.Name, ap, err)
			continue
		}
		ok, err := ap.Approved(c.Request.GetObject())
		if err != nil || ok != c.Allowed {
			t.Errorf("%s: Approved = %v, %v; want %v", c.Name, ok, err, c.Allowed)
		}
	}
}
