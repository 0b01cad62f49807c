package plugin

import (
	"context"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/kinds/hook/hookgrpc"
)

// hookClient is a hook.Hook in a plugin process: every hook is one call
// under the module's deadline.
type hookClient struct {
	s *supervisor
}

var (
	_ hook.Hook  = (*hookClient)(nil)
	_ Supervised = (*hookClient)(nil)
)

func newHookClient(s *supervisor) any { return &hookClient{s: s} }

func (h *hookClient) PluginStatus() Status { return h.s.status() }

func hookCall[Req, Resp any](ctx context.Context, h *hookClient, method string, req *Req,
	f func(hookgrpc.HookClient, context.Context, *Req, ...grpc.CallOption) (*Resp, error)) (*Resp, error) {
	return invoke(ctx, h.s, method, func(ctx context.Context, cc *grpc.ClientConn) (*Resp, error) {
		return f(hookgrpc.NewHookClient(cc), ctx, req)
	})
}

func (h *hookClient) MasterLaunchTaskLabelDecorator(ctx context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	return hookCall(ctx, h, hook.MasterLaunchTaskLabelDecoratorName, req, hookgrpc.HookClient.MasterLaunchTaskLabelDecorator)
}

func (h *hookClient) MasterLaunchTaskResourceDecorator(ctx context.Context, req *hook.MasterLaunchTaskResourceDecoratorRequest) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
	return hookCall(ctx, h, hook.MasterLaunchTaskResourceDecoratorName, req, hookgrpc.HookClient.MasterLaunchTaskResourceDecorator)
}

func (h *hookClient) MasterSlaveLostHook(ctx context.Context, req *hook.MasterSlaveLostHookRequest) (*hook.MasterSlaveLostHookResponse, error) {
	return hookCall(ctx, h, hook.MasterSlaveLostHookName, req, hookgrpc.HookClient.MasterSlaveLostHook)
}

func (h *hookClient) SlaveRunTaskLabelDecorator(ctx context.Context, req *hook.SlaveRunTaskLabelDecoratorRequest) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
	return hookCall(ctx, h, hook.SlaveRunTaskLabelDecoratorName, req, hookgrpc.HookClient.SlaveRunTaskLabelDecorator)
}

func (h *hookClient) SlaveExecutorEnvironmentDecorator(ctx context.Context, req *hook.SlaveExecutorEnvironmentDecoratorRequest) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
	return hookCall(ctx, h, hook.SlaveExecutorEnvironmentDecoratorName, req, hookgrpc.HookClient.SlaveExecutorEnvironmentDecorator)
}

func (h *hookClient) SlavePreLaunchDockerTaskExecutorDecorator(ctx context.Context, req *hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
	return hookCall(ctx, h, hook.SlavePreLaunchDockerTaskExecutorDecoratorName, req, hookgrpc.HookClient.SlavePreLaunchDockerTaskExecutorDecorator)
}

func (h *hookClient) SlavePostFetchHook(ctx context.Context, req *hook.SlavePostFetchHookRequest) (*hook.SlavePostFetchHookResponse, error) {
	return hookCall(ctx, h, hook.SlavePostFetchHookName, req, hookgrpc.HookClient.SlavePostFetchHook)
}

func (h *hookClient) SlaveRemoveExecutorHook(ctx context.Context, req *hook.SlaveRemoveExecutorHookRequest) (*hook.SlaveRemoveExecutorHookResponse, error) {
	return hookCall(ctx, h, hook.SlaveRemoveExecutorHookName, req, hookgrpc.HookClient.SlaveRemoveExecutorHook)
}

func (h *hookClient) SlaveTaskStatusDecorator(ctx context.Context, req *hook.SlaveTaskStatusDecoratorRequest) (*hook.SlaveTaskStatusDecoratorResponse, error) {
	return hookCall(ctx, h, hook.SlaveTaskStatusDecoratorName, req, hookgrpc.HookClient.SlaveTaskStatusDecorator)
}

func (h *hookClient) SlaveResourcesDecorator(ctx context.Context, req *hook.SlaveResourcesDecoratorRequest) (*hook.SlaveResourcesDecoratorResponse, error) {
	return hookCall(ctx, h, hook.SlaveResourcesDecoratorName, req, hookgrpc.HookClient.SlaveResourcesDecorator)
}

func (h *hookClient) SlaveAttributesDecorator(ctx context.Context, req *hook.SlaveAttributesDecoratorRequest) (*hook.SlaveAttributesDecoratorResponse, error) {
	return hookCall(ctx, h, hook.SlaveAttributesDecoratorName, req, hookgrpc.HookClient.SlaveAttributesDecorator)
}
