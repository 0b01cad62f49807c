package estimator_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/estimator"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatortest"
)

func revocable(text string) []*mesospb.Resource {
	rs, err := estimator.ParseRevocable(text)
	if err != nil {
		panic(err)
	}
	return rs.Protos()
}

func allocated(role string, ps []*mesospb.Resource) []*mesospb.Resource {
	for _, p := range ps {
		p.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(role)}
	}
	return ps
}

func estimate(t *testing.T, params map[string]string, usage *mesospb.ResourceUsage) resources.Resources {
	t.Helper()
	e, err := estimator.NewFixed(params)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := e.Oversubscribable(context.Background(), &resourceestimator.OversubscribableRequest{Usage: usage})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := resourceestimator.Check(resp)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestFixedArithmetic(t *testing.T) {
	exec := resourceestimatortest.Executor
	for _, tc := range []struct {
		name      string
		resources string
		executors []*mesospb.ResourceUsage_Executor
		want      string // revocable, in the --resources grammar
	}{
		{"nothing running", "cpus:14", nil, "cpus:14"},
		{"several resources", "cpus:14;mem:1024", nil, "cpus:14;mem:1024"},
		{"JSON form", `[{"name":"cpus","type":"SCALAR","scalar":{"value":3}}]`, nil, "cpus:3"},
		{"empty", "", nil, ""},
		{"revocable executor", "cpus:14",
			[]*mesospb.ResourceUsage_Executor{exec("f", "e", revocable("cpus:2;mem:64")...)}, "cpus:12"},
		{"several revocable executors", "cpus:14;mem:1024",
			[]*mesospb.ResourceUsage_Executor{
				exec("f", "e1", revocable("cpus:2;mem:64")...),
				exec("g", "e2", revocable("cpus:0.5;mem:512")...),
			}, "cpus:11.5;mem:448"},
		{"allocated to a role", "cpus:14",
			[]*mesospb.ResourceUsage_Executor{exec("f", "e", allocated("web", revocable("cpus:4"))...)}, "cpus:10"},
		{"regular executors do not count", "cpus:14",
			[]*mesospb.ResourceUsage_Executor{exec("f", "e", resourceestimatortest.Scalar("cpus", 6, false))}, "cpus:14"},
		{"all used", "cpus:4;mem:100",
			[]*mesospb.ResourceUsage_Executor{exec("f", "e", revocable("cpus:4")...)}, "mem:100"},
		{"more used than configured", "cpus:4",
			[]*mesospb.ResourceUsage_Executor{exec("f", "e", revocable("cpus:6")...)}, ""},
		{"fixed-point", "cpus:0.3",
			[]*mesospb.ResourceUsage_Executor{exec("f", "e1", revocable("cpus:0.1")...), exec("f", "e2", revocable("cpus:0.1")...)}, "cpus:0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := estimate(t, map[string]string{"resources": tc.resources}, &mesospb.ResourceUsage{Executors: tc.executors})
			want, err := estimator.ParseRevocable(tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("estimate = %v, want %v", got, want)
			}
			if !got.Revocable().Equal(got) {
				t.Errorf("estimate %v has non-revocable resources", got)
			}
		})
	}
}

func TestFixedParameters(t *testing.T) {
	if _, err := estimator.NewFixed(nil); err == nil || !strings.Contains(err.Error(), "resources") {
		t.Errorf("NewFixed(no resources) = %v, want an error naming the parameter", err)
	}
	for _, bad := range []string{"cpus:x", "cpus:-1", "cpus(", "[{"} {
		if _, err := estimator.NewFixed(map[string]string{"resources": bad}); err == nil {
			t.Errorf("NewFixed(resources=%q) succeeded", bad)
		}
	}
	f, err := estimator.NewFixedWith(map[string]string{"resources": "cpus:2", "other": "x"}, slog.New(slog.DiscardHandler))
	if err != nil || !f.Total().Equal(revocableRS(t, "cpus:2")) {
		t.Errorf("NewFixed with an extra parameter = %v, %v", f, err)
	}
}

func revocableRS(t *testing.T, text string) resources.Resources {
	rs, err := estimator.ParseRevocable(text)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestNoop(t *testing.T) {
	e, _ := estimator.NewNoop(nil)
	resp, err := e.Oversubscribable(context.Background(), &resourceestimator.OversubscribableRequest{Usage: resourceestimatortest.BusyUsage()})
	if err != nil || len(resp.GetResources()) != 0 {
		t.Errorf("noop estimate = %v, %v", resp, err)
	}
}

func TestConformance(t *testing.T) {
	for name, params := range map[string]map[string]string{
		"noop":  nil,
		"fixed": {"resources": "cpus:14;mem:1024"},
	} {
		t.Run(name, func(t *testing.T) {
			resourceestimatortest.Run(t, resourceestimatortest.Fixture{New: func(t *testing.T) resourceestimator.ResourceEstimator {
				e, err := estimator.Catalog()[name](params)
				if err != nil {
					t.Fatal(err)
				}
				return e
			}})
		})
	}
}

func TestCatalog(t *testing.T) {
	for name, mk := range estimator.Catalog() {
		params := map[string]string{"resources": "cpus:1"}
		if e, err := mk(params); err != nil || e == nil {
			t.Errorf("%s: %v, %v", name, e, err)
		}
	}
}
