package estimator_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/gomesos/mesos/builtin/estimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatortest"
)

// FuzzFixedResources feeds the fixed estimator's "resources" parameter:
// whatever parses must give estimates the agent accepts.
func FuzzFixedResources(f *testing.F) {
	for _, seed := range []string{
		"cpus:14", "cpus:14;mem:1024;disk:100", "ports:[31000-32000]", "disks:{a,b}", "cpus(web):2",
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":3}}]`, "", ";;", "cpus:1e3", "cpus:0.0001",
	} {
		f.Add(seed)
	}
	log := slog.New(slog.DiscardHandler)
	f.Fuzz(func(t *testing.T, text string) {
		e, err := estimator.NewFixedWith(map[string]string{"resources": text}, log)
		if err != nil {
			return
		}
		resp, err := e.Oversubscribable(context.Background(), &resourceestimator.OversubscribableRequest{Usage: resourceestimatortest.BusyUsage()})
		if err != nil {
			t.Fatalf("Oversubscribable = %v", err)
		}
		if _, err := resourceestimator.Check(resp); err != nil {
			t.Fatalf("resources=%q: %v", text, err)
		}
	})
}
