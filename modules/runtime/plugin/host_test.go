package plugin

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/manifest"
	"google.golang.org/protobuf/proto"
)

// The runtime under the module host: a manifest naming an executable
// (no kind, a sha256) loads through it, and a crash reaches the
// decorators as one (the module is failed), then the restarted process
// serves again (healthy).
func TestUnderTheHost(t *testing.T) {
	ctx := context.Background()
	sum, err := fileSHA256(bins["env"])
	if err != nil {
		t.Fatal(err)
	}
	// A slow first restart, so that the call below meets the crash.
	slow := RestartPolicy{Initial: time.Second, Max: time.Second, MaxCrashes: 3, StableAfter: time.Minute}
	h, err := host.New(nil, testLogger(t), newTestLoader(t, Options{Restart: slow}))
	if err != nil {
		t.Fatal(err)
	}
	specs, err := manifest.Load([]byte(fmt.Sprintf(`{"libraries": [{"file": %q, "sha256": %q,
	  "modules": [{"name": "env", "parameters": [{"key": "env.TEAM", "value": "search"}]}]}]}`, bins["env"], sum)), "", manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Load(ctx, specs); err != nil {
		t.Fatal(err)
	}
	defer h.Close(ctx)
	st := h.Status()
	if len(st) != 1 || st[0].Runtime != modules.RuntimePlugin || st[0].Kind != modules.KindIsolator || st[0].APIVersion != isolator.APIVersion {
		t.Fatalf("status %+v", st)
	}
	mod, _ := h.Lookup("env")
	iso := mod.Instance.Impl.(isolator.Isolator)
	prepare := func() (*isolator.PrepareResponse, error) {
		return decorate.Call(ctx, mod.Decorator, "Prepare", func(ctx context.Context) (*isolator.PrepareResponse, error) {
			return iso.Prepare(ctx, &isolator.PrepareRequest{ContainerId: &mesospb.ContainerID{Value: proto.String("c1")}})
		})
	}
	resp, err := prepare()
	if err != nil || resp.GetLaunchInfo().GetEnvironment().GetVariables()[0].GetValue() != "search" {
		t.Fatalf("Prepare = %v, %v", resp, err)
	}

	pid := iso.(Supervised).PluginStatus().PID
	(&proc{pid: pid}).kill()
	waitGone(t, pid)
	if _, err := prepare(); decorate.ClassOf(err) != decorate.ClassCrash || mod.Decorator.Status().State != decorate.StateFailed {
		t.Fatalf("Prepare on a crashed plugin = %v (class %q, state %v), want a crash and a failed module",
			err, decorate.ClassOf(err), mod.Decorator.Status().State)
	}
	waitRestarted(t, iso, 1)
	if _, err := prepare(); err != nil || mod.Decorator.Status().State != decorate.StateHealthy {
		t.Fatalf("Prepare after the restart = %v, state %v", err, mod.Decorator.Status().State)
	}
}
