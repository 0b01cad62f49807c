package authz

import (
	"fmt"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/authorizer"
)

// errMissing is a request without the object fields its action needs
// (Mesos aborts on these; here the request is refused with an error).
func errMissing(action authorizer.Action, what string) error {
	return fmt.Errorf("authorization request for %v lacks the object's %s", action, what)
}

// userOf is the user a command runs as, if it says.
func userOf(c *mesospb.CommandInfo) (string, bool) {
	if c != nil && c.User != nil {
		return c.GetUser(), true
	}
	return "", false
}

// objectValue is the object of a request of the generic kind: one value
// (some), or ANY. It is not an Entity so that deciding it allocates
// nothing (genericApprover.approve).
type objectValue struct {
	value string
	some  bool
}

func one(v string) objectValue { return objectValue{value: v, some: true} }

// genericObject is the object of a request (o non-nil) for an action of
// the generic kind, as Mesos's LocalAuthorizerObjectApprover reads it:
// one value, or ANY.
func genericObject(action authorizer.Action, o *authorizer.Object) (objectValue, error) {
	anyObject := objectValue{}
	switch action {
	case authorizer.Action_GET_ENDPOINT_WITH_PATH:
		if o.Value == nil {
			return objectValue{}, errMissing(action, "value (the path)")
		}
		return one(o.GetValue()), nil

	case authorizer.Action_TEARDOWN_FRAMEWORK:
		switch {
		case o.GetFrameworkInfo() != nil:
			return one(o.GetFrameworkInfo().GetPrincipal()), nil
		case o.Value != nil:
			return one(o.GetValue()), nil
		}
		return anyObject, nil

	case authorizer.Action_DESTROY_VOLUME:
		switch {
		case o.GetResource() != nil:
			return one(o.GetResource().GetDisk().GetPersistence().GetPrincipal()), nil
		case o.Value != nil:
			return one(o.GetValue()), nil
		}
		return anyObject, nil

	case authorizer.Action_UNRESERVE_RESOURCES:
		switch r := o.GetResource(); {
		case r != nil && len(r.GetReservations()) > 0:
			return one(r.GetReservations()[len(r.GetReservations())-1].GetPrincipal()), nil
		case r != nil:
			return one(r.GetReservation().GetPrincipal()), nil
		case o.Value != nil:
			return one(o.GetValue()), nil
		}
		return anyObject, nil

	case authorizer.Action_RUN_TASK:
		if u, ok := userOf(o.GetTaskInfo().GetCommand()); ok {
			return one(u), nil
		}
		if u, ok := userOf(o.GetTaskInfo().GetExecutor().GetCommand()); ok {
			return one(u), nil
		}
		if o.GetFrameworkInfo() != nil {
			return one(o.GetFrameworkInfo().GetUser()), nil
		}
		return anyObject, nil

	case authorizer.Action_ATTACH_CONTAINER_INPUT, authorizer.Action_ATTACH_CONTAINER_OUTPUT,
		authorizer.Action_REMOVE_NESTED_CONTAINER, authorizer.Action_KILL_NESTED_CONTAINER,
		authorizer.Action_WAIT_NESTED_CONTAINER:
		if u, ok := userOf(o.GetExecutorInfo().GetCommand()); ok {
			return one(u), nil
		}
		if f := o.GetFrameworkInfo(); f != nil && f.User != nil {
			return one(f.GetUser()), nil
		}
		if o.GetContainerId() != nil {
			return one(o.GetContainerId().GetValue()), nil
		}
		return anyObject, nil

	case authorizer.Action_ACCESS_SANDBOX:
		if u, ok := userOf(o.GetExecutorInfo().GetCommand()); ok {
			return one(u), nil
		}
		if o.GetFrameworkInfo() != nil {
			return one(o.GetFrameworkInfo().GetUser()), nil
		}
		return anyObject, nil

	case authorizer.Action_VIEW_FRAMEWORK:
		if o.GetFrameworkInfo() == nil {
			return objectValue{}, errMissing(action, "framework_info")
		}
		return one(o.GetFrameworkInfo().GetUser()), nil

	case authorizer.Action_VIEW_TASK:
		if o.GetTask() == nil && o.GetTaskInfo() == nil {
			return objectValue{}, errMissing(action, "task or task_info")
		}
		if o.GetFrameworkInfo() == nil {
			return objectValue{}, errMissing(action, "framework_info")
		}
		if t := o.GetTask(); t != nil && t.User != nil {
			return one(t.GetUser()), nil
		}
		if u, ok := userOf(o.GetTaskInfo().GetCommand()); ok {
			return one(u), nil
		}
		if u, ok := userOf(o.GetTaskInfo().GetExecutor().GetCommand()); ok {
			return one(u), nil
		}
		return one(o.GetFrameworkInfo().GetUser()), nil

	case authorizer.Action_VIEW_EXECUTOR:
		if o.GetExecutorInfo() == nil || o.GetFrameworkInfo() == nil {
			return objectValue{}, errMissing(action, "executor_info and framework_info")
		}
		if u, ok := userOf(o.GetExecutorInfo().GetCommand()); ok {
			return one(u), nil
		}
		return one(o.GetFrameworkInfo().GetUser()), nil

	case authorizer.Action_LAUNCH_NESTED_CONTAINER, authorizer.Action_LAUNCH_NESTED_CONTAINER_SESSION:
		if o.GetCommandInfo() != nil {
			if u, ok := userOf(o.GetCommandInfo()); ok {
				return one(u), nil
			}
			return anyObject, nil
		}
		if u, ok := userOf(o.GetExecutorInfo().GetCommand()); ok {
			return one(u), nil
		}
		if f := o.GetFrameworkInfo(); f != nil && f.User != nil {
			return one(f.GetUser()), nil
		}
		return anyObject, nil

	case authorizer.Action_VIEW_CONTAINER:
		if u, ok := userOf(o.GetExecutorInfo().GetCommand()); ok {
			return one(u), nil
		}
		if f := o.GetFrameworkInfo(); f != nil && f.User != nil {
			return one(f.GetUser()), nil
		}
		return anyObject, nil
	}
	// The actions whose object is implicit (logs, flags, agents,
	// maintenance, standalone containers, resource providers, images).
	return anyObject, nil
}

// roleObjects is the object of a request (o non-nil) for an action of the
// hierarchical-role kind, as Mesos's LocalHierarchicalRoleApprover reads
// it: one role, or for REGISTER_FRAMEWORK one per role of the framework.
func roleObjects(action authorizer.Action, o *authorizer.Object) ([]Entity, error) {
	anyObject := []Entity{{Type: Any}}
	switch action {
	case authorizer.Action_REGISTER_FRAMEWORK:
		switch f := o.GetFrameworkInfo(); {
		case f != nil:
			var out []Entity
			for _, role := range frameworkRoles(f) {
				out = append(out, some(role))
			}
			return out, nil
		case o.Value != nil:
			return []Entity{some(o.GetValue())}, nil
		}
		return anyObject, nil

	case authorizer.Action_UPDATE_WEIGHT:
		switch {
		case o.GetWeightInfo() != nil:
			return []Entity{some(o.GetWeightInfo().GetRole())}, nil
		case o.Value != nil:
			return []Entity{some(o.GetValue())}, nil
		}
		return anyObject, nil

	case authorizer.Action_VIEW_ROLE, authorizer.Action_UPDATE_QUOTA_WITH_CONFIG:
		if o.Value == nil {
			return nil, errMissing(action, "value (the role)")
		}
		return []Entity{some(o.GetValue())}, nil

	case authorizer.Action_GET_QUOTA:
		if o.Value != nil {
			return []Entity{some(o.GetValue())}, nil
		}
		return anyObject, nil

	case authorizer.Action_UPDATE_QUOTA:
		if o.GetQuotaInfo() == nil {
			return nil, errMissing(action, "quota_info")
		}
		return []Entity{some(o.GetQuotaInfo().GetRole())}, nil
	}
	// The resource actions: the role of the resource's (most refined)
	// reservation.
	switch r := o.GetResource(); {
	case r != nil && len(r.GetReservations()) > 0:
		return []Entity{some(r.GetReservations()[len(r.GetReservations())-1].GetRole())}, nil
	case r != nil:
		return []Entity{some(r.GetRole())}, nil
	case o.Value != nil:
		return []Entity{some(o.GetValue())}, nil
	}
	return anyObject, nil
}

// frameworkRoles are the roles a framework subscribes with: its roles when
// it has the MULTI_ROLE capability, otherwise its role ("*" by default).
func frameworkRoles(f *mesospb.FrameworkInfo) []string {
	for _, c := range f.GetCapabilities() {
		if c.GetType() == mesospb.FrameworkInfo_Capability_MULTI_ROLE {
			return f.GetRoles()
		}
	}
	return []string{f.GetRole()}
}
