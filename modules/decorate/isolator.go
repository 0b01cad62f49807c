package decorate

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomesos/mesos/modules/kinds/isolator"
)

// NewIsolator decorates an isolator module whose decorator is d: every
// call runs under Call (Watch without a deadline, by the kind's policy),
// and the launch info Prepare returns is checked (checkLaunchInfo): one
// the containerizer could not use is rejected, and the call fails with
// ClassRejected. The isolator kind's failure policy, propagate, is the
// containerizer's: a failed Prepare, Isolate or Update fails that
// container's launch or update, never the agent.
func NewIsolator(d *Decorator, iso isolator.Isolator) isolator.Isolator {
	return &isolatorModule{d: d, iso: iso}
}

type isolatorModule struct {
	d   *Decorator
	iso isolator.Isolator
}

func (w *isolatorModule) Recover(ctx context.Context, req *isolator.RecoverRequest) (*isolator.RecoverResponse, error) {
	return Call(ctx, w.d, "Recover", func(ctx context.Context) (*isolator.RecoverResponse, error) {
		return w.iso.Recover(ctx, req)
	})
}

func (w *isolatorModule) Prepare(ctx context.Context, req *isolator.PrepareRequest) (*isolator.PrepareResponse, error) {
	resp, err := Call(ctx, w.d, "Prepare", func(ctx context.Context) (*isolator.PrepareResponse, error) {
		return w.iso.Prepare(ctx, req)
	})
	if err != nil {
		return nil, err
	}
	if reason, err := checkLaunchInfo(resp.GetLaunchInfo()); err != nil {
		return nil, w.d.Reject("Prepare", reason, err)
	}
	return resp, nil
}

func (w *isolatorModule) Isolate(ctx context.Context, req *isolator.IsolateRequest) (*isolator.IsolateResponse, error) {
	return Call(ctx, w.d, "Isolate", func(ctx context.Context) (*isolator.IsolateResponse, error) {
		return w.iso.Isolate(ctx, req)
	})
}

func (w *isolatorModule) Watch(ctx context.Context, req *isolator.WatchRequest) (*isolator.WatchResponse, error) {
	return Call(ctx, w.d, "Watch", func(ctx context.Context) (*isolator.WatchResponse, error) {
		return w.iso.Watch(ctx, req)
	})
}

func (w *isolatorModule) Update(ctx context.Context, req *isolator.UpdateRequest) (*isolator.UpdateResponse, error) {
	return Call(ctx, w.d, "Update", func(ctx context.Context) (*isolator.UpdateResponse, error) {
		return w.iso.Update(ctx, req)
	})
}

func (w *isolatorModule) Usage(ctx context.Context, req *isolator.UsageRequest) (*isolator.UsageResponse, error) {
	return Call(ctx, w.d, "Usage", func(ctx context.Context) (*isolator.UsageResponse, error) {
		return w.iso.Usage(ctx, req)
	})
}

func (w *isolatorModule) Status(ctx context.Context, req *isolator.StatusRequest) (*isolator.StatusResponse, error) {
	return Call(ctx, w.d, "Status", func(ctx context.Context) (*isolator.StatusResponse, error) {
		return w.iso.Status(ctx, req)
	})
}

func (w *isolatorModule) Cleanup(ctx context.Context, req *isolator.CleanupRequest) (*isolator.CleanupResponse, error) {
	return Call(ctx, w.d, "Cleanup", func(ctx context.Context) (*isolator.CleanupResponse, error) {
		return w.iso.Cleanup(ctx, req)
	})
}

// checkLaunchInfo holds one isolator's launch info to what the
// containerizer can carry out on its own (the checks across isolators,
// such as two replacing the command, are the containerizer's). A nil
// launch info adds nothing and passes.
func checkLaunchInfo(li *isolator.ContainerLaunchInfo) (string, error) {
	if li == nil {
		return "", nil
	}
	if reason, err := checkEnvironment(li.GetEnvironment()); err != nil {
		return reason, err
	}
	for _, pre := range li.GetPreExecCommands() {
		if !pre.GetShell() || strings.TrimSpace(pre.GetValue()) == "" {
			return "invalid pre-exec command", fmt.Errorf("pre-exec commands must be non-empty shell commands, got %q", pre.GetValue())
		}
	}
	if wd := li.GetWorkingDirectory(); wd != "" && !filepath.IsAbs(wd) {
		return "invalid working directory", fmt.Errorf("working directory %q is not absolute", wd)
	}
	for _, rl := range li.GetRlimits().GetRlimits() {
		if rl.Soft != nil && rl.Hard != nil && rl.GetSoft() > rl.GetHard() {
			return "invalid rlimits", fmt.Errorf("rlimit %v: soft limit %d above hard limit %d", rl.GetType(), rl.GetSoft(), rl.GetHard())
		}
	}
	for _, m := range li.GetMounts() {
		if !filepath.IsAbs(m.GetTarget()) {
			return "invalid mounts", fmt.Errorf("mount target %q is not absolute", m.GetTarget())
		}
		if m.GetFlags()&isolator.MountBind != 0 && !filepath.IsAbs(m.GetSource()) {
			return "invalid mounts", fmt.Errorf("bind mount source %q is not absolute", m.GetSource())
		}
	}
	return "", nil
}
