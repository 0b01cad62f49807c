// Package hook is the contract of the Hook module kind: the Go interface
// the hook manager (hooks/) calls, and the messages (generated from
// hook.proto) it is called with. Built-in, go-plugin and WASM hooks all
// implement this one interface.
package hook

import "context"

// APIVersion is the version of this contract. A change to the meaning of a
// message or call bumps it; the host and a module agree on the highest
// version both speak when the module is loaded.
const APIVersion = 1

// MinAPIVersion is the oldest version of this contract the host still
// speaks.
const MinAPIVersion = 1

// Hook is Mesos's set of lifecycle hooks and decorators (see hook.proto).
//
// A decorator returns a nil response, or a response whose replacement
// field is unset, to leave its input unchanged. A module implements the
// hooks it cares about and embeds Nop for the others. The manager may call
// a hook concurrently for different tasks, executors or agents; the
// request is the hook's own (a copy) and must not be kept after the call.
type Hook interface {
	// Master.
	MasterLaunchTaskLabelDecorator(ctx context.Context, req *MasterLaunchTaskLabelDecoratorRequest) (*MasterLaunchTaskLabelDecoratorResponse, error)
	MasterLaunchTaskResourceDecorator(ctx context.Context, req *MasterLaunchTaskResourceDecoratorRequest) (*MasterLaunchTaskResourceDecoratorResponse, error)
	MasterSlaveLostHook(ctx context.Context, req *MasterSlaveLostHookRequest) (*MasterSlaveLostHookResponse, error)

	// Agent.
	SlaveRunTaskLabelDecorator(ctx context.Context, req *SlaveRunTaskLabelDecoratorRequest) (*SlaveRunTaskLabelDecoratorResponse, error)
	SlaveExecutorEnvironmentDecorator(ctx context.Context, req *SlaveExecutorEnvironmentDecoratorRequest) (*SlaveExecutorEnvironmentDecoratorResponse, error)
	SlavePreLaunchDockerTaskExecutorDecorator(ctx context.Context, req *SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*SlavePreLaunchDockerTaskExecutorDecoratorResponse, error)
	SlavePostFetchHook(ctx context.Context, req *SlavePostFetchHookRequest) (*SlavePostFetchHookResponse, error)
	SlaveRemoveExecutorHook(ctx context.Context, req *SlaveRemoveExecutorHookRequest) (*SlaveRemoveExecutorHookResponse, error)
	SlaveTaskStatusDecorator(ctx context.Context, req *SlaveTaskStatusDecoratorRequest) (*SlaveTaskStatusDecoratorResponse, error)
	SlaveResourcesDecorator(ctx context.Context, req *SlaveResourcesDecoratorRequest) (*SlaveResourcesDecoratorResponse, error)
	SlaveAttributesDecorator(ctx context.Context, req *SlaveAttributesDecoratorRequest) (*SlaveAttributesDecoratorResponse, error)
}

// The hooks' names as Mesos spells them (include/mesos/hook.hpp). They
// name the methods in logs, metrics and /modules.
const (
	MasterLaunchTaskLabelDecoratorName            = "masterLaunchTaskLabelDecorator"
	MasterLaunchTaskResourceDecoratorName         = "masterLaunchTaskResourceDecorator"
	MasterSlaveLostHookName                       = "masterSlaveLostHook"
	SlaveRunTaskLabelDecoratorName                = "slaveRunTaskLabelDecorator"
	SlaveExecutorEnvironmentDecoratorName         = "slaveExecutorEnvironmentDecorator"
	SlavePreLaunchDockerTaskExecutorDecoratorName = "slavePreLaunchDockerTaskExecutorDecorator"
	SlavePostFetchHookName                        = "slavePostFetchHook"
	SlaveRemoveExecutorHookName                   = "slaveRemoveExecutorHook"
	SlaveTaskStatusDecoratorName                  = "slaveTaskStatusDecorator"
	SlaveResourcesDecoratorName                   = "slaveResourcesDecorator"
	SlaveAttributesDecoratorName                  = "slaveAttributesDecorator"
)

// Names lists the eleven hooks, master first, in hook.proto's order.
func Names() []string {
	return []string{
		MasterLaunchTaskLabelDecoratorName, MasterLaunchTaskResourceDecoratorName, MasterSlaveLostHookName,
		SlaveRunTaskLabelDecoratorName, SlaveExecutorEnvironmentDecoratorName,
		SlavePreLaunchDockerTaskExecutorDecoratorName, SlavePostFetchHookName, SlaveRemoveExecutorHookName,
		SlaveTaskStatusDecoratorName, SlaveResourcesDecoratorName, SlaveAttributesDecoratorName,
	}
}
