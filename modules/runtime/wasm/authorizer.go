package wasm

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/authorizer"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
)

// authorizerClient is authorizer.Authorizer over a WASM module (an ACL
// policy is a pure function of the request). The core checks
// ApproveObjects' answers with authorizer.Check.
type authorizerClient struct {
	c                          *client
	authorized, approveObjects uint32
}

var _ authorizer.Authorizer = (*authorizerClient)(nil)

func newAuthorizerClient(c *client) any {
	sd := c.m.kind.service
	return &authorizerClient{c: c,
		authorized:     abi.MethodNumber(sd, "Authorized"),
		approveObjects: abi.MethodNumber(sd, "ApproveObjects"),
	}
}

func (a *authorizerClient) Authorized(ctx context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	return unary[authorizer.AuthorizedResponse](ctx, a.c, a.authorized, req)
}

func (a *authorizerClient) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	return unary[authorizer.ApproveObjectsResponse](ctx, a.c, a.approveObjects, req)
}
