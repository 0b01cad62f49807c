package authorizer

import (
	"context"
	"fmt"
)

// ObjectApprovers is an optional addition to Authorizer for authorizers
// that run in the daemon's process and can decide a subject's action on
// any object locally (Mesos's ObjectApprover): the core asks for an
// approver once per subject and action, then calls it for each object
// without a call per object. Documents that filter tens of thousands of
// tasks (the master's /state) need this to stay cheap.
//
// It is a Go interface only: nothing of it crosses the plugin or WASM
// boundary, and a module that does not implement it is asked with
// ApproveObjects as before, so the contract's API version is unchanged.
type ObjectApprovers interface {
	// ObjectApprover returns the approver of subject and action. An error
	// means no decision can be made (the core denies every object); a nil
	// approver and no error, that this authorizer cannot decide locally
	// after all (a wrapper around one that cannot): use ApproveObjects.
	ObjectApprover(ctx context.Context, subject *Subject, action Action) (ObjectApprover, error)
}

// ObjectApprover decides objects for one subject and action exactly as
// Authorized would. The core calls it on its event loop, from one
// goroutine at a time, with objects that are the core's own records: it
// must answer quickly, never block, never change or keep an object. An
// error denies the object.
type ObjectApprover interface {
	Approved(o *Object) (bool, error)
}

// ApproverOf is the approver of subject and action from a, when a can
// decide locally; (nil, nil) when it cannot and the caller must use
// ApproveObjects.
func ApproverOf(ctx context.Context, a Authorizer, subject *Subject, action Action) (ObjectApprover, error) {
	src, ok := a.(ObjectApprovers)
	if !ok {
		return nil, nil
	}
	ap, err := src.ObjectApprover(ctx, subject, action)
	if err != nil {
		return nil, fmt.Errorf("object approver for %v: %w", action, err)
	}
	return ap, nil
}
