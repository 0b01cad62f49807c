package isolator_test

import (
	"slices"
	"testing"

	builtin "github.com/gomesos/mesos/builtin/isolator"
)

func TestCatalog(t *testing.T) {
	if _, err := builtin.New("posix/gpu", builtin.Options{}); err == nil {
		t.Error("unknown isolator made")
	}
	for _, n := range []string{"posix/cpu", "posix/mem", "posix/disk", "disk/du"} {
		if iso, err := builtin.New(n, builtin.Options{}); err != nil || iso == nil {
			t.Errorf("New(%s) = %v, %v", n, iso, err)
		}
	}
	names, err := builtin.Parse("posix/cpu, disk/du,cgroups/mem")
	if err != nil || !slices.Equal(names, []string{"posix/cpu", "posix/disk", "cgroups/mem"}) {
		t.Errorf("Parse = %v, %v", names, err)
	}
	if _, err := builtin.Parse("posix/disk,disk/du"); err == nil {
		t.Error("duplicate isolator accepted")
	}
}
