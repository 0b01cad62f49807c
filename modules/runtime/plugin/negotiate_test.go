package plugin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// withHostVersions is a loader whose host speaks other Allocator
// versions than the contract's (as a future host would).
func withHostVersions(t *testing.T, v modules.Versions) *Loader {
	l := newTestLoader(t, Options{})
	k := *l.kinds[modules.KindAllocator]
	k.versions = v
	l.kinds[modules.KindAllocator] = &k
	return l
}

func TestHighestCommonVersion(t *testing.T) {
	l := withHostVersions(t, modules.Versions{Min: 1, Max: 3})
	inst := load(t, l, modules.Spec{Name: "binpack", Kind: modules.KindAllocator, File: bins["binpack"]})
	if inst.APIVersion != 1 {
		t.Fatalf("agreed on v%d, want v1 (the module speaks only v1)", inst.APIVersion)
	}
}

func TestNoCommonVersionNamesBoth(t *testing.T) {
	l := withHostVersions(t, modules.Versions{Min: 2, Max: 3})
	_, err := l.Load(context.Background(), modules.Spec{Library: "lib", Name: "binpack", Kind: modules.KindAllocator, File: bins["binpack"]})
	if !errors.Is(err, modules.ErrAPIVersion) {
		t.Fatalf("Load = %v, want ErrAPIVersion", err)
	}
	if !strings.Contains(err.Error(), "versions [1]") || !strings.Contains(err.Error(), "v2-v3") {
		t.Errorf("error %q does not name both sides' versions", err)
	}
}

func TestHookPlugin(t *testing.T) {
	l := newTestLoader(t, Options{})
	inst := load(t, l, modules.Spec{Name: "nop", Kind: modules.KindHook, File: bins["broken"], Env: []string{"BROKEN_MODE=hook"}})
	h := inst.Impl.(hook.Hook)
	resp, err := h.SlaveExecutorEnvironmentDecorator(context.Background(), &hook.SlaveExecutorEnvironmentDecoratorRequest{})
	if err != nil || resp == nil {
		t.Fatalf("hook = %v, %v", resp, err)
	}
}
