// Command load-qos is the built-in load QoS controller (builtin/qos,
// Mesos's LoadQoSController) compiled unchanged into a WASM module: when
// the 5- or 15-minute load average exceeds its threshold
// (load_threshold_5min, load_threshold_15min), every executor holding
// revocable resources is killed.
//
// It reads /proc/loadavg, which a WASM module may only do when the
// manifest grants it: "grants": ["fs-ro=/proc"]. Without the grant it
// cannot read the load, logs why, and corrects nothing, as Mesos's
// controller does when the load cannot be read.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o load-qos.wasm .
package main

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/gomesos/mesos/builtin/qos"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/sdk/wasm"
	wasmqos "github.com/gomesos/mesos/sdk/wasm/qoscontroller"
)

type module struct{ load *qos.LoadController }

// Configure implements wasm.Configurer: the controller is made from the
// module's parameters and logs to stderr, which the host logs.
func (m *module) Configure(p wasm.Params) error {
	cfg, err := qos.ParseLoadParams(p.Parameters)
	if err != nil {
		return err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	m.load, err = qos.NewLoadController(cfg)
	return err
}

func (m *module) Corrections(ctx context.Context, req *qoscontroller.CorrectionsRequest) (*qoscontroller.CorrectionsResponse, error) {
	if m.load == nil {
		return nil, errors.New("load-qos: not configured")
	}
	return m.load.Corrections(ctx, req)
}

func init() { wasmqos.Register(&module{}) }

func main() {}
