package hook

import "context"

// Nop implements every hook as doing nothing: decorators return no
// replacement. Hook modules embed it and override the hooks they care
// about.
type Nop struct{}

var _ Hook = Nop{}

func (Nop) MasterLaunchTaskLabelDecorator(context.Context, *MasterLaunchTaskLabelDecoratorRequest) (*MasterLaunchTaskLabelDecoratorResponse, error) {
	return &MasterLaunchTaskLabelDecoratorResponse{}, nil
}

func (Nop) MasterLaunchTaskResourceDecorator(context.Context, *MasterLaunchTaskResourceDecoratorRequest) (*MasterLaunchTaskResourceDecoratorResponse, error) {
	return &MasterLaunchTaskResourceDecoratorResponse{}, nil
}

func (Nop) MasterSlaveLostHook(context.Context, *MasterSlaveLostHookRequest) (*MasterSlaveLostHookResponse, error) {
	return &MasterSlaveLostHookResponse{}, nil
}

func (Nop) SlaveRunTaskLabelDecorator(context.Context, *SlaveRunTaskLabelDecoratorRequest) (*SlaveRunTaskLabelDecoratorResponse, error) {
	return &SlaveRunTaskLabelDecoratorResponse{}, nil
}

func (Nop) SlaveExecutorEnvironmentDecorator(context.Context, *SlaveExecutorEnvironmentDecoratorRequest) (*SlaveExecutorEnvironmentDecoratorResponse, error) {
	return &SlaveExecutorEnvironmentDecoratorResponse{}, nil
}

func (Nop) SlavePreLaunchDockerTaskExecutorDecorator(context.Context, *SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
	return &SlavePreLaunchDockerTaskExecutorDecoratorResponse{}, nil
}

func (Nop) SlavePostFetchHook(context.Context, *SlavePostFetchHookRequest) (*SlavePostFetchHookResponse, error) {
	return &SlavePostFetchHookResponse{}, nil
}

func (Nop) SlaveRemoveExecutorHook(context.Context, *SlaveRemoveExecutorHookRequest) (*SlaveRemoveExecutorHookResponse, error) {
	return &SlaveRemoveExecutorHookResponse{}, nil
}

func (Nop) SlaveTaskStatusDecorator(context.Context, *SlaveTaskStatusDecoratorRequest) (*SlaveTaskStatusDecoratorResponse, error) {
	return &SlaveTaskStatusDecoratorResponse{}, nil
}

func (Nop) SlaveResourcesDecorator(context.Context, *SlaveResourcesDecoratorRequest) (*SlaveResourcesDecoratorResponse, error) {
	return &SlaveResourcesDecoratorResponse{}, nil
}

func (Nop) SlaveAttributesDecorator(context.Context, *SlaveAttributesDecoratorRequest) (*SlaveAttributesDecoratorResponse, error) {
	return &SlaveAttributesDecoratorResponse{}, nil
}
