package isolator_test

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"testing"
	"time"

	builtin "github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/builtin/isolator/cgroups"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/isolator/isolatortest"
)

// TestConformance runs the Isolator kind's suite over every built-in.
func TestConformance(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	for _, name := range builtin.Names() {
		t.Run(name, func(t *testing.T) {
			a := &agent{t: t, opts: builtin.Options{
				CgroupsRoot:                fmt.Sprintf("gomesos-test-%d-%s", os.Getpid(), regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(t.Name(), "-")),
				EnforceContainerDiskQuota:  true,
				ContainerDiskWatchInterval: 50 * time.Millisecond,
			}}
			t.Cleanup(a.removeCgroupRoot)
			if _, err := builtin.New(name, a.opts); errors.Is(err, cgroups.ErrUnavailable) {
				t.Skipf("%s unavailable on this machine: %v", name, err)
			}
			isolatortest.Run(t, isolatortest.Fixture{New: func(t *testing.T) isolator.Isolator {
				iso, err := builtin.New(name, a.opts)
				if err != nil {
					t.Fatal(err)
				}
				return iso
			}})
		})
	}
}
