package authz

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// Local is Mesos's local authorizer (LocalAuthorizer): it decides by ACLs
// in Mesos's --acls format (see ParseACLs), with Mesos's rules:
//
//   - a request's subject is its principal (SOME), or ANY when
//     unauthenticated; its object is read from the request's Object as
//     Mesos reads it for the action (a framework's roles, a task's user, a
//     reservation's principal, ...), ANY when the request has none;
//   - the action's rules are tried in order and the first whose
//     principals and objects both match the request decides; when none
//     does, "permissive" decides (true by default);
//   - for actions on roles, a role "eng/%" in a rule stands for every role
//     below eng; a framework must be allowed each of its roles;
//   - launching a nested container needs both the right to launch under
//     the parent's user and, with a command, to run as the command's user;
//   - a subject known only by claims (an executor's token, a resource
//     provider) may act on its own containers only; UNKNOWN is denied.
//
// A request lacking the object fields its action needs (VIEW_FRAMEWORK
// without framework_info) is answered with an error, which the core takes
// as a denial.
type Local struct {
	acls *ACLs
	// roles holds, by field, the rules of the role actions split as
	// roleRules splits them.
	roles map[string][]ACL
}

var _ authorizer.Authorizer = (*Local)(nil)

// NewLocal makes the local authorizer from its parameters: "acls"
// (required, as in Mesos), the ACLs as JSON or a path (absolute, or
// file://path) to a file holding them. Other parameters are an error.
func NewLocal(params map[string]string) (authorizer.Authorizer, error) {
	l, err := NewLocalWith(params, slog.Default())
	if err != nil {
		return nil, err
	}
	return l, nil
}

// NewLocalWith is NewLocal logging to log.
func NewLocalWith(params map[string]string, log *slog.Logger) (*Local, error) {
	var text *string
	for key, value := range params {
		if key != "acls" {
			return nil, fmt.Errorf("local authorizer: unknown parameter '%s'", key)
		}
		text = &value
	}
	if text == nil {
		return nil, errors.New("local authorizer: no ACLs provided (parameter 'acls'; '{}' allows everything)")
	}
	data, err := readACLs(*text)
	if err != nil {
		return nil, fmt.Errorf("local authorizer: %w", err)
	}
	acls, err := ParseACLs(data, log)
	if err != nil {
		return nil, fmt.Errorf("local authorizer: %w", err)
	}
	return NewLocalFrom(acls), nil
}

// NewLocalFrom makes the local authorizer of parsed ACLs.
func NewLocalFrom(acls *ACLs) *Local {
	l := &Local{acls: acls, roles: map[string][]ACL{}}
	for a := range authorizer.Action_name {
		if action := authorizer.Action(a); roleAction(action) {
			field := ruleField(action)
			l.roles[field] = roleRules(acls.Rules(field))
		}
	}
	return l
}

func readACLs(value string) ([]byte, error) {
	path, isPath := strings.CutPrefix(value, "file://")
	if !isPath && !strings.HasPrefix(value, "/") {
		return []byte(value), nil
	}
	if !isPath {
		path = value
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read ACLs: %w", err)
	}
	return data, nil
}

// Authorized decides one request.
func (l *Local) Authorized(_ context.Context, req *authorizer.AuthorizedRequest) (*authorizer.AuthorizedResponse, error) {
	ok, err := l.approverFor(req.GetSubject(), req.GetAction()).approve(req.GetObject())
	if err != nil {
		return nil, err
	}
	return &authorizer.AuthorizedResponse{Allowed: ok}, nil
}

// ApproveObjects decides each object for one subject and action.
func (l *Local) ApproveObjects(_ context.Context, req *authorizer.ApproveObjectsRequest) (*authorizer.ApproveObjectsResponse, error) {
	a := l.approverFor(req.GetSubject(), req.GetAction())
	out := &authorizer.ApproveObjectsResponse{Allowed: make([]bool, len(req.GetObjects()))}
	for i, o := range req.GetObjects() {
		ok, err := a.approve(o)
		if err != nil {
			return nil, fmt.Errorf("object %d: %w", i, err)
		}
		out.Allowed[i] = ok
	}
	return out, nil
}

// ObjectApprover is the approver of one subject and action, for deciding
// many objects in the caller's process without a call each (Mesos's
// getApprover): the master filters its state documents with it.
func (l *Local) ObjectApprover(_ context.Context, subject *authorizer.Subject, action authorizer.Action) (authorizer.ObjectApprover, error) {
	return objectApprover{l.approverFor(subject, action)}, nil
}

var _ authorizer.ObjectApprovers = (*Local)(nil)

// objectApprover exports an approver under the contract's interface.
type objectApprover struct{ a approver }

func (o objectApprover) Approved(obj *authorizer.Object) (bool, error) { return o.a.approve(obj) }
