package decorate

import (
	"context"
	"runtime/debug"
	"sync/atomic"

	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// NewAuthorizer decorates an authorizer module whose decorator is d:
// Authorized and ApproveObjects run under Call, and ApproveObjects' answer
// is held to one answer per object (authorizer.Check). The kind's failure
// policy is fail closed: the caller denies on any error.
//
// When the module can decide locally (authorizer.ObjectApprovers, an
// in-process built-in), so can the decorated one: the approver is fetched
// under Call, and each Approved runs with panic containment only (a
// deadline and metrics per object would cost more than the decision). A
// panic denies the object and counts once as a failure of the module.
func NewAuthorizer(d *Decorator, a authorizer.Authorizer) authorizer.Authorizer {
	return &authorizerModule{d: d, a: a}
}

type authorizerModule struct {
	d *Decorator
	a authorizer.Authorizer
}

var _ authorizer.ObjectApprovers = (*authorizerModule)(nil)

func (w *authorizerModule) Authorized(ctx context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	return Call(ctx, w.d, "Authorized", func(ctx context.Context) (*authorizer.AuthorizedResponse, error) {
		return w.a.Authorized(ctx, req)
	})
}

func (w *authorizerModule) ApproveObjects(ctx context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	const method = "ApproveObjects"
	resp, err := Call(ctx, w.d, method, func(ctx context.Context) (*authorizer.ApproveObjectsResponse, error) {
		return w.a.ApproveObjects(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	if err := authorizer.Check(req, resp); err != nil {
		return nil, w.d.Reject(method, "invalid answer", err)
	}
	return resp, nil
}

// ObjectApprover is the module's approver, contained; nil (and no error)
// when the module cannot decide locally.
func (w *authorizerModule) ObjectApprover(ctx context.Context, subject *authorizer.Subject, action authorizer.Action) (authorizer.ObjectApprover, error) {
	if _, ok := w.a.(authorizer.ObjectApprovers); !ok {
		return nil, nil
	}
	ap, err := Call(ctx, w.d, "ObjectApprover", func(ctx context.Context) (authorizer.ObjectApprover, error) {
		return authorizer.ApproverOf(ctx, w.a, subject, action)
	})
	if err != nil || ap == nil {
		return nil, err
	}
	return &containedApprover{d: w.d, ap: ap}, nil
}

// containedApprover turns an approver's panic into a denial.
type containedApprover struct {
	d        *Decorator
	ap       authorizer.ObjectApprover
	panicked atomic.Bool
}

func (c *containedApprover) Approved(o *authorizer.Object) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			pe := &PanicError{Value: r, Stack: debug.Stack()}
			ce := &CallError{Module: c.d.spec.ID(), Kind: c.d.spec.Kind, Method: "Approved", Class: ClassPanic, Err: pe}
			ok, err = false, ce
			if !c.panicked.Swap(true) {
				c.d.log.Error("module panicked", "method", "Approved", "panic", r, "stack", string(pe.Stack))
				c.d.failed(c.d.method("Approved"), ClassPanic, ce)
			}
		}
	}()
	return c.ap.Approved(o)
}
