// Package authorizer is the contract of the Authorizer module kind: the Go
// interface the master and the agent call, and the messages (generated
// from authorizer.proto) they call it with. Built-in, go-plugin and WASM
// authorizers all implement this one interface.
package authorizer

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"
)

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// Authorizer decides what subjects may do. It is called concurrently.
type Authorizer interface {
	// Authorized answers one request. An error means the request could
	// not be decided (the core denies).
	Authorized(ctx context.Context, req *AuthorizedRequest) (*AuthorizedResponse, error)
	// ApproveObjects answers, for one subject and action, each object in
	// turn, exactly as Authorized would.
	ApproveObjects(ctx context.Context, req *ApproveObjectsRequest) (*ApproveObjectsResponse, error)
}

// ErrInvalidAnswer is wrapped by Check's errors.
var ErrInvalidAnswer = errors.New("invalid authorizer answer")

// Check holds ApproveObjects' answer to the rule of one answer per object.
func Check(req *ApproveObjectsRequest, resp *ApproveObjectsResponse) error {
	if got, want := len(resp.GetAllowed()), len(req.GetObjects()); got != want {
		return fmt.Errorf("%w: %d answers for %d objects", ErrInvalidAnswer, got, want)
	}
	return nil
}

// Principal is the subject named by an authenticated principal; "" is the
// unauthenticated subject (nil).
func Principal(value string) *Subject {
	if value == "" {
		return nil
	}
	return &Subject{Value: proto.String(value)}
}

// ApproveEach implements ApproveObjects with one Authorized call per
// object, for authorizers with nothing better to do.
func ApproveEach(ctx context.Context, a Authorizer, req *ApproveObjectsRequest) (*ApproveObjectsResponse, error) {
	out := &ApproveObjectsResponse{Allowed: make([]bool, len(req.GetObjects()))}
	for i, obj := range req.GetObjects() {
		resp, err := a.Authorized(ctx, &AuthorizedRequest{Subject: req.GetSubject(), Action: req.GetAction(), Object: obj})
		if err != nil {
			return nil, fmt.Errorf("object %d: %w", i, err)
		}
		out.Allowed[i] = resp.GetAllowed()
	}
	return out, nil
}
