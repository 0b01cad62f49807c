package catalog

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds"
	"github.com/gomesos/mesos/modules/runtime/builtin"
)

// TestCatalog: every built-in of builtin/ is in the catalog under its
// kind, and each one loads through the builtin runtime as its kind's
// contract (given the parameters the ones that need them take).
func TestCatalog(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[modules.Kind][]string{
		modules.KindAllocator:         {"HierarchicalDRF"},
		modules.KindAuthenticator:     {"crammd5"},
		modules.KindHTTPAuthenticator: {"basic"},
		modules.KindAuthorizer:        {"local"},
		modules.KindMasterContender:   {"standalone", "zookeeper"},
		modules.KindMasterDetector:    {"standalone", "zookeeper"},
		modules.KindResourceEstimator: {"noop", "fixed", "org_apache_mesos_NoopResourceEstimator", "org_apache_mesos_FixedResourceEstimator"},
		modules.KindQoSController:     {"noop", "load", "org_apache_mesos_NoopQoSController", "org_apache_mesos_LoadQoSController"},
		modules.KindContainerLogger:   {"sandbox", "logrotate", "org_apache_mesos_LogrotateContainerLogger"},
		modules.KindIsolator:          {"posix/cpu", "posix/mem", "posix/disk", "disk/du", "cgroups/cpu", "cgroups/mem", "namespaces/pid", "filesystem/shared"},
	}
	creds := `[{"principal": "p", "secret": "s"}]`
	params := map[string]map[string]string{
		"crammd5": {"credentials": creds},
		"basic":   {"credentials": creds},
		"local":   {"acls": "{}"},
		"fixed":   {"resources": "cpus:2"},
		"org_apache_mesos_FixedResourceEstimator": {"resources": "cpus:2"},
		"load":                               {"load_threshold_5min": "4"},
		"org_apache_mesos_LoadQoSController": {"load_threshold_5min": "4"},
	}
	loader := builtin.NewLoader(c)
	n := 0
	for kind, names := range want {
		for _, name := range names {
			n++
			if _, ok := c.Lookup(kind, name); !ok {
				t.Errorf("no built-in %s %q", kind, name)
				continue
			}
			switch name {
			case "cgroups/cpu", "cgroups/mem", "namespaces/pid", "filesystem/shared", "zookeeper":
				continue // they need the host's cgroups or namespaces, or a ZooKeeper
			}
			inst, err := loader.Load(context.Background(), modules.Spec{Library: "builtin", Name: name, Kind: kind,
				Runtime: modules.RuntimeBuiltin, Parameters: params[name]})
			if err != nil {
				t.Errorf("load %s %q: %v", kind, name, err)
				continue
			}
			if err := kinds.Check(kind, inst.Impl); err != nil {
				t.Errorf("%s %q: %v", kind, name, err)
			}
			_ = inst.Close(context.Background())
		}
	}
	if got := len(c.Entries()); got != n {
		t.Errorf("the catalog has %d entries, the test knows %d", got, n)
	}
}
