package authz

import (
	"strings"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// approver decides, for one subject and action, about objects (nil: any
// object). It is Mesos's ObjectApprover.
type approver interface {
	approve(o *authorizer.Object) (bool, error)
}

// approverFor picks the approver of a subject and action, as Mesos's
// LocalAuthorizerProcess::getApprover does.
func (l *Local) approverFor(subject *authorizer.Subject, action authorizer.Action) approver {
	if subject != nil && subject.Value == nil {
		// A subject known by its claims only: an executor or a local
		// resource provider acting on its own containers, or no one.
		claims := subject.GetClaims()
		switch {
		case len(claims) > 0 && executorAction(action):
			if cid, ok := claims["cid"]; ok {
				return ownContainer{root: cid}
			}
		case len(claims) > 0 && providerAction(action):
			if prefix, ok := claims["cid_prefix"]; ok {
				return providerContainer{prefix: prefix}
			}
		}
		return reject{}
	}
	s := Entity{Type: Any}
	if subject != nil {
		s = some(subject.GetValue())
	}
	switch {
	case action == authorizer.Action_LAUNCH_NESTED_CONTAINER:
		return l.nested(s, action, "launch_nested_containers_as_user", "launch_nested_containers_under_parent_with_user")
	case action == authorizer.Action_LAUNCH_NESTED_CONTAINER_SESSION:
		return l.nested(s, action, "launch_nested_container_sessions_as_user", "launch_nested_container_sessions_under_parent_with_user")
	case roleAction(action):
		return roleApprover{rules: l.roles[ruleField(action)], subject: s, action: action, permissive: l.acls.Permissive}
	case action == authorizer.Action_UNKNOWN || ruleField(action) == "":
		return reject{}
	}
	return genericApprover{rules: l.acls.Rules(ruleField(action)), subject: s, action: action, permissive: l.acls.Permissive}
}

func (l *Local) nested(s Entity, action authorizer.Action, asUser, underParent string) approver {
	return nestedApprover{
		child:  genericApprover{rules: l.acls.Rules(asUser), subject: s, action: action, permissive: l.acls.Permissive},
		parent: genericApprover{rules: l.acls.Rules(underParent), subject: s, action: action, permissive: l.acls.Permissive},
	}
}

// genericApprover is Mesos's LocalAuthorizerObjectApprover.
type genericApprover struct {
	rules      []ACL
	subject    Entity
	action     authorizer.Action
	permissive bool
}

func (a genericApprover) approve(o *authorizer.Object) (bool, error) {
	object := Entity{Type: Any}
	var value [1]string // on the stack: decide keeps nothing
	if o != nil {
		v, err := genericObject(a.action, o)
		if err != nil {
			return false, err
		}
		if v.some {
			value[0] = v.value
			object = Entity{Type: Some, Values: value[:]}
		}
	}
	return decide(a.rules, a.subject, object, a.permissive), nil
}

// roleApprover is Mesos's LocalHierarchicalRoleApprover. A framework must
// be allowed every one of its roles; a MULTI_ROLE framework with no role
// is decided by permissive.
type roleApprover struct {
	rules      []ACL
	subject    Entity
	action     authorizer.Action
	permissive bool
}

func (a roleApprover) approve(o *authorizer.Object) (bool, error) {
	objects := []Entity{{Type: Any}}
	if o != nil {
		var err error
		if objects, err = roleObjects(a.action, o); err != nil {
			return false, err
		}
	}
	if len(objects) == 0 {
		return a.permissive, nil
	}
	for _, object := range objects {
		if !decideRoles(a.rules, a.subject, object, a.permissive) {
			return false, nil
		}
	}
	return true, nil
}

// nestedApprover is Mesos's LocalNestedContainerObjectApprover: launching
// a nested container (session) needs the right to launch under the parent
// container's user and, when a command is given, to run it as its user.
type nestedApprover struct {
	child, parent genericApprover
}

func (a nestedApprover) approve(o *authorizer.Object) (bool, error) {
	if o == nil || o.GetCommandInfo() == nil {
		return a.parent.approve(o)
	}
	parent, err := a.parent.approve(&authorizer.Object{ExecutorInfo: o.GetExecutorInfo(), FrameworkInfo: o.GetFrameworkInfo()})
	if err != nil {
		return false, err
	}
	child, err := a.child.approve(&authorizer.Object{CommandInfo: o.GetCommandInfo()})
	if err != nil {
		return false, err
	}
	return parent && child, nil
}

// ownContainer allows an executor to act on containers nested under its
// own (Mesos's LocalImplicitExecutorObjectApprover).
type ownContainer struct{ root string }

func (a ownContainer) approve(o *authorizer.Object) (bool, error) {
	id := o.GetContainerId()
	if id == nil {
		return false, nil
	}
	return rootContainer(id).GetValue() == a.root, nil
}

func rootContainer(id *mesospb.ContainerID) *mesospb.ContainerID {
	for id.GetParent() != nil {
		id = id.GetParent()
	}
	return id
}

// providerContainer allows a local resource provider to act on the
// standalone containers in its namespace (Mesos's
// LocalImplicitResourceProviderObjectApprover).
type providerContainer struct{ prefix string }

func (a providerContainer) approve(o *authorizer.Object) (bool, error) {
	id := o.GetContainerId()
	return id != nil && strings.HasPrefix(id.GetValue(), a.prefix), nil
}

// reject denies everything.
type reject struct{}

func (reject) approve(*authorizer.Object) (bool, error) { return false, nil }
