package authorizer_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/kinds/authorizer/authorizertest"
)

// byValue allows objects whose value is the subject's.
type byValue struct{}

func (byValue) Authorized(_ context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	if req.GetAction() == authorizer.Action_UNKNOWN {
		return &authorizer.AuthorizedResponse{}, nil
	}
	if req.GetObject() == nil {
		return nil, errors.New("no object")
	}
	return &authorizer.AuthorizedResponse{Allowed: req.GetSubject().GetValue() == req.GetObject().GetValue()}, nil
}

func (b byValue) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return authorizer.ApproveEach(ctx, b, req)
}

func TestApproveEach(t *testing.T) {
	obj := func(v string) *authorizer.Object { return &authorizer.Object{Value: proto.String(v)} }
	req := &authorizer.ApproveObjectsRequest{Subject: authorizer.Principal("a"), Action: authorizer.Action_VIEW_ROLE, Objects: []*authorizer.Object{obj("a"), obj("b"), obj("a")}}
	resp, err := byValue{}.ApproveObjects(context.Background(), req)
	if err != nil || !slices.Equal(resp.GetAllowed(), []bool{true, false, true}) {
		t.Errorf("ApproveEach = %v, %v", resp, err)
	}
	if err := authorizer.Check(req, resp); err != nil {
		t.Error(err)
	}
	if err := authorizer.Check(req, &authorizer.ApproveObjectsResponse{}); !errors.Is(err, authorizer.ErrInvalidAnswer) {
		t.Errorf("Check(short answer) = %v", err)
	}
	if authorizer.Principal("") != nil || authorizer.Principal("p").GetValue() != "p" {
		t.Error("Principal")
	}
	authorizertest.Run(t, authorizertest.Fixture{
		New: func(*testing.T) authorizer.Authorizer { return byValue{} },
		Cases: []authorizertest.Case{
			{Name: "same", Request: &authorizer.AuthorizedRequest{Subject: authorizer.Principal("a"), Action: authorizer.Action_VIEW_ROLE, Object: obj("a")}, Allowed: true},
			{Name: "other", Request: &authorizer.AuthorizedRequest{Subject: authorizer.Principal("a"), Action: authorizer.Action_VIEW_ROLE, Object: obj("b")}, Allowed: false},
		},
	})
}
