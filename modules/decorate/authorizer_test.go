package decorate

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// valueAuthorizer allows objects whose value is "yes"; it decides locally
// when local is set, and its approver panics on the value "boom".
type valueAuthorizer struct{}

func (valueAuthorizer) Authorized(_ context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	return &authorizer.AuthorizedResponse{Allowed: req.GetObject().GetValue() == "yes"}, nil
}

func (a valueAuthorizer) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return authorizer.ApproveEach(ctx, a, req)
}

type localValueAuthorizer struct{ valueAuthorizer }

func (localValueAuthorizer) ObjectApprover(context.Context, *authorizer.Subject, authorizer.Action) (authorizer.ObjectApprover, error) {
	return valueApprover{}, nil
}

type valueApprover struct{}

func (valueApprover) Approved(o *authorizer.Object) (bool, error) {
	if o.GetValue() == "boom" {
		panic("approver exploded")
	}
	return o.GetValue() == "yes", nil
}

func value(v string) *authorizer.Object { return &authorizer.Object{Value: &v} }

// TestAuthorizerApprovers: a decorated authorizer offers an approver only
// when its module decides locally; the approver's panic denies the object
// and counts once against the module.
func TestAuthorizerApprovers(t *testing.T) {
	ctx := context.Background()
	remote := NewAuthorizer(decoratorOf(modules.KindAuthorizer), valueAuthorizer{})
	if ap, err := authorizer.ApproverOf(ctx, remote, nil, authorizer.Action_VIEW_ROLE); ap != nil || err != nil {
		t.Fatalf("approver of an authorizer that cannot decide locally: %v, %v", ap, err)
	}

	d := decoratorOf(modules.KindAuthorizer)
	local := NewAuthorizer(d, localValueAuthorizer{})
	ap, err := authorizer.ApproverOf(ctx, local, nil, authorizer.Action_VIEW_ROLE)
	if ap == nil || err != nil {
		t.Fatalf("approver of a local authorizer: %v, %v", ap, err)
	}
	for v, want := range map[string]bool{"yes": true, "no": false} {
		if ok, err := ap.Approved(value(v)); ok != want || err != nil {
			t.Errorf("Approved(%s) = %v, %v", v, ok, err)
		}
	}
	for range 2 {
		if ok, err := ap.Approved(value("boom")); ok || err == nil {
			t.Errorf("Approved after a panic = %v, %v; want a denial with an error", ok, err)
		}
	}
	if st := d.Status(); st.Errors != 1 || st.State != StateFailed {
		t.Errorf("after the approver's panics: errors %d, state %s; want 1, failed", st.Errors, st.State)
	}
}
