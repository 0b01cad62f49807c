package kinds

import (
	"errors"
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

func TestEveryKindHasAContract(t *testing.T) {
	for _, k := range modules.Kinds() {
		info, ok := Lookup(k)
		if !ok || !info.Versions.Valid() || info.Kind != k {
			t.Errorf("%s: %+v, %v", k, info, ok)
		}
		if err := Check(k, struct{}{}); !errors.Is(err, modules.ErrContract) {
			t.Errorf("%s accepts anything: %v", k, err)
		}
	}
	if _, ok := Lookup("Scheduler"); ok {
		t.Error("unknown kind found")
	}
	if _, err := HostVersions("Scheduler"); !errors.Is(err, modules.ErrUnknownKind) {
		t.Errorf("HostVersions: %v", err)
	}
	if err := Check(modules.KindHook, hook.Nop{}); err != nil {
		t.Errorf("Nop hook: %v", err)
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		host, module modules.Versions
		want         int
	}{
		{modules.Versions{Min: 1, Max: 3}, modules.Versions{Min: 2, Max: 5}, 3},
		{modules.Versions{Min: 1, Max: 3}, modules.Only(1), 1},
		{modules.Versions{Min: 2, Max: 3}, modules.Only(1), 0},
		{modules.Only(1), modules.Versions{Min: 0, Max: 0}, 0},
	} {
		got, err := modules.Negotiate(tc.host, tc.module)
		if got != tc.want || (tc.want == 0) != errors.Is(err, modules.ErrAPIVersion) {
			t.Errorf("Negotiate(%v, %v) = %d, %v; want %d", tc.host, tc.module, got, err, tc.want)
		}
	}
}
