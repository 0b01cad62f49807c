package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/kinds/hook/hookgrpc"
)

// Hook serves a hook module built by build from the module's parameters.
func Hook(name string, build func(params map[string]string) (hook.Hook, error)) Module {
	versions := []int{}
	for v := hook.MinAPIVersion; v <= hook.APIVersion; v++ {
		versions = append(versions, v)
	}
	return newModule(name, modules.KindHook, versions, build,
		func(s *grpc.Server, _ int, impl *slot[hook.Hook]) {
			hookgrpc.RegisterHookServer(s, &hookServer{impl: impl})
		})
}

// hookServer serves a hook module; calls run concurrently.
type hookServer struct {
	hookgrpc.UnimplementedHookServer
	impl *slot[hook.Hook]
}

func (s *hookServer) MasterLaunchTaskLabelDecorator(ctx context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.MasterLaunchTaskLabelDecoratorName, req, hook.Hook.MasterLaunchTaskLabelDecorator)
}

func (s *hookServer) MasterLaunchTaskResourceDecorator(ctx context.Context, req *hook.MasterLaunchTaskResourceDecoratorRequest) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.MasterLaunchTaskResourceDecoratorName, req, hook.Hook.MasterLaunchTaskResourceDecorator)
}

func (s *hookServer) MasterSlaveLostHook(ctx context.Context, req *hook.MasterSlaveLostHookRequest) (*hook.MasterSlaveLostHookResponse, error) {
	return serveCall(ctx, s.impl, hook.MasterSlaveLostHookName, req, hook.Hook.MasterSlaveLostHook)
}

func (s *hookServer) SlaveRunTaskLabelDecorator(ctx context.Context, req *hook.SlaveRunTaskLabelDecoratorRequest) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.SlaveRunTaskLabelDecoratorName, req, hook.Hook.SlaveRunTaskLabelDecorator)
}

func (s *hookServer) SlaveExecutorEnvironmentDecorator(ctx context.Context, req *hook.SlaveExecutorEnvironmentDecoratorRequest) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.SlaveExecutorEnvironmentDecoratorName, req, hook.Hook.SlaveExecutorEnvironmentDecorator)
}

func (s *hookServer) SlavePreLaunchDockerTaskExecutorDecorator(ctx context.Context, req *hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.SlavePreLaunchDockerTaskExecutorDecoratorName, req, hook.Hook.SlavePreLaunchDockerTaskExecutorDecorator)
}

func (s *hookServer) SlavePostFetchHook(ctx context.Context, req *hook.SlavePostFetchHookRequest) (*hook.SlavePostFetchHookResponse, error) {
	return serveCall(ctx, s.impl, hook.SlavePostFetchHookName, req, hook.Hook.SlavePostFetchHook)
}

func (s *hookServer) SlaveRemoveExecutorHook(ctx context.Context, req *hook.SlaveRemoveExecutorHookRequest) (*hook.SlaveRemoveExecutorHookResponse, error) {
	return serveCall(ctx, s.impl, hook.SlaveRemoveExecutorHookName, req, hook.Hook.SlaveRemoveExecutorHook)
}

func (s *hookServer) SlaveTaskStatusDecorator(ctx context.Context, req *hook.SlaveTaskStatusDecoratorRequest) (*hook.SlaveTaskStatusDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.SlaveTaskStatusDecoratorName, req, hook.Hook.SlaveTaskStatusDecorator)
}

func (s *hookServer) SlaveResourcesDecorator(ctx context.Context, req *hook.SlaveResourcesDecoratorRequest) (*hook.SlaveResourcesDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.SlaveResourcesDecoratorName, req, hook.Hook.SlaveResourcesDecorator)
}

func (s *hookServer) SlaveAttributesDecorator(ctx context.Context, req *hook.SlaveAttributesDecoratorRequest) (*hook.SlaveAttributesDecoratorResponse, error) {
	return serveCall(ctx, s.impl, hook.SlaveAttributesDecoratorName, req, hook.Hook.SlaveAttributesDecorator)
}
