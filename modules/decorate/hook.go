package decorate

import (
	"context"

	"github.com/gomesos/mesos/modules/kinds/hook"
)

// NewHook decorates a hook module whose decorator is d. Every hook runs
// under Call, and what a decorator returns is checked (checkHookOutput):
// a replacement the core cannot use is rejected, and the call fails with
// ClassRejected. The hook kind's failure policy, skip, is the hook
// manager's (hooks/): it logs the error and carries on.
func NewHook(d *Decorator, h hook.Hook) hook.Hook { return &hookModule{d: d, h: h} }

type hookModule struct {
	d *Decorator
	h hook.Hook
}

// callHook calls one hook and checks its output.
func callHook[Resp any](ctx context.Context, w *hookModule, name string, fn func(context.Context) (Resp, error), check func(Resp) (string, error)) (Resp, error) {
	resp, err := Call(ctx, w.d, name, fn)
	if err != nil {
		return resp, err
	}
	if reason, err := check(resp); err != nil {
		var zero Resp
		return zero, w.d.Reject(name, reason, err)
	}
	return resp, nil
}

func (w *hookModule) MasterLaunchTaskLabelDecorator(ctx context.Context, req *hook.MasterLaunchTaskLabelDecoratorRequest) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
	return callHook(ctx, w, hook.MasterLaunchTaskLabelDecoratorName, func(ctx context.Context) (*hook.MasterLaunchTaskLabelDecoratorResponse, error) {
		return w.h.MasterLaunchTaskLabelDecorator(ctx, req)
	}, func(r *hook.MasterLaunchTaskLabelDecoratorResponse) (string, error) {
		return checkLabels(r.GetLabels())
	})
}

func (w *hookModule) MasterLaunchTaskResourceDecorator(ctx context.Context, req *hook.MasterLaunchTaskResourceDecoratorRequest) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
	return callHook(ctx, w, hook.MasterLaunchTaskResourceDecoratorName, func(ctx context.Context) (*hook.MasterLaunchTaskResourceDecoratorResponse, error) {
		return w.h.MasterLaunchTaskResourceDecorator(ctx, req)
	}, func(r *hook.MasterLaunchTaskResourceDecoratorResponse) (string, error) {
		return checkResources(r.GetResources())
	})
}

func (w *hookModule) MasterSlaveLostHook(ctx context.Context, req *hook.MasterSlaveLostHookRequest) (*hook.MasterSlaveLostHookResponse, error) {
	return Call(ctx, w.d, hook.MasterSlaveLostHookName, func(ctx context.Context) (*hook.MasterSlaveLostHookResponse, error) {
		return w.h.MasterSlaveLostHook(ctx, req)
	})
}

func (w *hookModule) SlaveRunTaskLabelDecorator(ctx context.Context, req *hook.SlaveRunTaskLabelDecoratorRequest) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
	return callHook(ctx, w, hook.SlaveRunTaskLabelDecoratorName, func(ctx context.Context) (*hook.SlaveRunTaskLabelDecoratorResponse, error) {
		return w.h.SlaveRunTaskLabelDecorator(ctx, req)
	}, func(r *hook.SlaveRunTaskLabelDecoratorResponse) (string, error) { return checkLabels(r.GetLabels()) })
}

func (w *hookModule) SlaveExecutorEnvironmentDecorator(ctx context.Context, req *hook.SlaveExecutorEnvironmentDecoratorRequest) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
	return callHook(ctx, w, hook.SlaveExecutorEnvironmentDecoratorName, func(ctx context.Context) (*hook.SlaveExecutorEnvironmentDecoratorResponse, error) {
		return w.h.SlaveExecutorEnvironmentDecorator(ctx, req)
	}, func(r *hook.SlaveExecutorEnvironmentDecoratorResponse) (string, error) {
		return checkEnvironment(r.GetEnvironment())
	})
}

func (w *hookModule) SlavePreLaunchDockerTaskExecutorDecorator(ctx context.Context, req *hook.SlavePreLaunchDockerTaskExecutorDecoratorRequest) (*hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
	return callHook(ctx, w, hook.SlavePreLaunchDockerTaskExecutorDecoratorName, func(ctx context.Context) (*hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse, error) {
		return w.h.SlavePreLaunchDockerTaskExecutorDecorator(ctx, req)
	}, func(r *hook.SlavePreLaunchDockerTaskExecutorDecoratorResponse) (string, error) {
		return checkEnvironment(r.GetInfo().GetExecutorEnvironment())
	})
}

func (w *hookModule) SlavePostFetchHook(ctx context.Context, req *hook.SlavePostFetchHookRequest) (*hook.SlavePostFetchHookResponse, error) {
	return Call(ctx, w.d, hook.SlavePostFetchHookName, func(ctx context.Context) (*hook.SlavePostFetchHookResponse, error) {
		return w.h.SlavePostFetchHook(ctx, req)
	})
}

func (w *hookModule) SlaveRemoveExecutorHook(ctx context.Context, req *hook.SlaveRemoveExecutorHookRequest) (*hook.SlaveRemoveExecutorHookResponse, error) {
	return Call(ctx, w.d, hook.SlaveRemoveExecutorHookName, func(ctx context.Context) (*hook.SlaveRemoveExecutorHookResponse, error) {
		return w.h.SlaveRemoveExecutorHook(ctx, req)
	})
}

func (w *hookModule) SlaveTaskStatusDecorator(ctx context.Context, req *hook.SlaveTaskStatusDecoratorRequest) (*hook.SlaveTaskStatusDecoratorResponse, error) {
	return callHook(ctx, w, hook.SlaveTaskStatusDecoratorName, func(ctx context.Context) (*hook.SlaveTaskStatusDecoratorResponse, error) {
		return w.h.SlaveTaskStatusDecorator(ctx, req)
	}, checkTaskStatus)
}

func (w *hookModule) SlaveResourcesDecorator(ctx context.Context, req *hook.SlaveResourcesDecoratorRequest) (*hook.SlaveResourcesDecoratorResponse, error) {
	return callHook(ctx, w, hook.SlaveResourcesDecoratorName, func(ctx context.Context) (*hook.SlaveResourcesDecoratorResponse, error) {
		return w.h.SlaveResourcesDecorator(ctx, req)
	}, func(r *hook.SlaveResourcesDecoratorResponse) (string, error) { return checkResources(r.GetResources()) })
}

func (w *hookModule) SlaveAttributesDecorator(ctx context.Context, req *hook.SlaveAttributesDecoratorRequest) (*hook.SlaveAttributesDecoratorResponse, error) {
	return callHook(ctx, w, hook.SlaveAttributesDecoratorName, func(ctx context.Context) (*hook.SlaveAttributesDecoratorResponse, error) {
		return w.h.SlaveAttributesDecorator(ctx, req)
	}, func(r *hook.SlaveAttributesDecoratorResponse) (string, error) {
		return checkAttributes(r.GetAttributes())
	})
}
