package wasm

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/hook"
	"github.com/gomesos/mesos/modules/runtime/wasm/abi"
	"google.golang.org/protobuf/proto"
)

// hookClient is hook.Hook over a WASM module. Hooks keep no state between
// calls that the host relies on, so calls spread over the pool's
// instances; hooks the module does not implement are answered here with
// an empty response (no change), as hook.Nop would.
type hookClient struct {
	c *client
	n map[string]uint32 // ABI method numbers by .proto method name
}

var _ hook.Hook = (*hookClient)(nil)

func newHookClient(c *client) any {
	sd := c.m.kind.service
	h := &hookClient{c: c, n: map[string]uint32{}}
	for i := range sd.Methods().Len() {
		name := sd.Methods().Get(i).Name()
		h.n[string(name)] = abi.MethodNumber(sd, name)
	}
	return h
}

// callHook calls the method named name and returns its response.
func callHook[Resp any, P interface {
	*Resp
	proto.Message
}](ctx context.Context, h *hookClient, name string, req proto.Message) (P, error) {
	return unary[Resp, P](ctx, h.c, h.n[name], req)
}

func (h *hookClient) MasterLaunchTaskLabelDecorator(ctx context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	return callHook[hook.MasterLaunchTaskLabelDecoratorResponse](ctx, h, "MasterLaunchTaskLabelDecorator", req)
}

func (h *hookClient) MasterLaunchTaskResourceDecorator(ctx context.Context, req *hook.MasterLaunchTaskResourceDecoratorRequest) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
	return callHook[hook.MasterLaunchTaskResourceDecoratorResponse](ctx, h, "MasterLaunchTaskResourceDecorator", req)
}

func (h *hookClient) MasterSlaveLostHook(ctx context.Context, req *hook.MasterSlaveLostHookRequest) (*hook.MasterSlaveLostHookResponse, error) {
	return callHook[hook.MasterSlaveLostHookResponse](ctx, h, "MasterSlaveLostHook", req)
}

func (h *hookClient) SlaveRunTaskLabelDecorator(ctx context.Context, req *hook.SlaveRunTaskLabelDecoratorRequest) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
	return callHook[hook.SlaveRunTaskLabelDecoratorResponse](ctx, h, "SlaveRunTaskLabelDecorator", req)
}

func (h *hookClient) SlaveExecutorEnvironmentDecorator(ctx context.Context, req *hook.SlaveExecutorEnvironmentDecoratorRequest) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
	return callHook[hook.SlaveExecutorEnvironmentDecoratorResponse](ctx, h, "SlaveExecutorEnvironmentDecorator", req)
}

func (h *hookClient) SlavePreLaunchDockerTaskExecutorDecorator(ctx context.Context, req *hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
	return callHook[hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse](ctx, h, "SlavePreLaunchDockerTaskExecutorDecorator", req)
}

func (h *hookClient) SlavePostFetchHook(ctx context.Context, req *hook.SlavePostFetchHookRequest) (*hook.SlavePostFetchHookResponse, error) {
	return callHook[hook.SlavePostFetchHookResponse](ctx, h, "SlavePostFetchHook", req)
}

func (h *hookClient) SlaveRemoveExecutorHook(ctx context.Context, req *hook.SlaveRemoveExecutorHookRequest) (*hook.SlaveRemoveExecutorHookResponse, error) {
	return callHook[hook.SlaveRemoveExecutorHookResponse](ctx, h, "SlaveRemoveExecutorHook", req)
}

func (h *hookClient) SlaveTaskStatusDecorator(ctx context.Context, req *hook.SlaveTaskStatusDecoratorRequest) (*hook.SlaveTaskStatusDecoratorResponse, error) {
	return callHook[hook.SlaveTaskStatusDecoratorResponse](ctx, h, "SlaveTaskStatusDecorator", req)
}

func (h *hookClient) SlaveResourcesDecorator(ctx context.Context, req *hook.SlaveResourcesDecoratorRequest) (*hook.SlaveResourcesDecoratorResponse, error) {
	return callHook[hook.SlaveResourcesDecoratorResponse](ctx, h, "SlaveResourcesDecorator", req)
}

func (h *hookClient) SlaveAttributesDecorator(ctx context.Context, req *hook.SlaveAttributesDecoratorRequest) (*hook.SlaveAttributesDecoratorResponse, error) {
	return callHook[hook.SlaveAttributesDecoratorResponse](ctx, h, "SlaveAttributesDecorator", req)
}
