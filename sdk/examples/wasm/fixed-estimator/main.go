// Command fixed-estimator is the built-in fixed resource estimator
// (builtin/estimator, Mesos's FixedResourceEstimator) compiled unchanged
// into a WASM module. Its parameter "resources" (e.g. "cpus:4;mem:1024")
// is the revocable total it offers, less what revocable executors use.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o fixed-estimator.wasm .
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/gomesos/mesos/builtin/estimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/sdk/wasm"
	wasmestimator "github.com/gomesos/mesos/sdk/wasm/resourceestimator"
)

type module struct{ fixed *estimator.Fixed }

// Configure implements wasm.Configurer: the estimator is made from the
// module's parameters; its warnings go to stderr, which the host logs.
func (m *module) Configure(p wasm.Params) error {
	f, err := estimator.NewFixedWith(p.Parameters, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	m.fixed = f
	return err
}

func (m *module) Oversubscribable(ctx context.Context, req *resourceestimator.OversubscribableRequest) (*resourceestimator.OversubscribableResponse, error) {
	if m.fixed == nil {
		return nil, errors.New("fixed-estimator: not configured")
	}
	return m.fixed.Oversubscribable(ctx, req)
}

func init() { wasmestimator.Register(&module{}) }

func main() {}
