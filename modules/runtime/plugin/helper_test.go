package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"google.golang.org/protobuf/proto"
)

// helperEnv makes the test binary a daemon that loads a plugin, prints
// what it loaded and waits to be killed: the orphan and reattach tests'
// host process.
const helperEnv = "PLUGIN_TEST_HELPER_HOST"

// helperReport is what the helper prints on its stdout.
type helperReport struct {
	PID   int    `json:"pid"`
	Error string `json:"error,omitempty"`
}

// helperHost loads the module described by the environment: kind
// (PLUGIN_TEST_KIND), file (PLUGIN_TEST_FILE), state directory
// (PLUGIN_TEST_STATE_DIR); an isolator gets container "c1" prepared.
func helperHost() int {
	report := func(r helperReport) int {
		_ = json.NewEncoder(os.Stdout).Encode(r)
		if r.Error != "" {
			return 1
		}
		// Wait to be killed.
		time.Sleep(time.Hour)
		return 0
	}
	l := New(Options{
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, nil)),
		StateDir: os.Getenv("PLUGIN_TEST_STATE_DIR"),
	})
	kind := modules.Kind(os.Getenv("PLUGIN_TEST_KIND"))
	inst, err := l.Load(context.Background(), modules.Spec{Library: "lib", Name: "m", Kind: kind, File: os.Getenv("PLUGIN_TEST_FILE")})
	if err != nil {
		return report(helperReport{Error: err.Error()})
	}
	if iso, ok := inst.Impl.(isolator.Isolator); ok {
		ctx := context.Background()
		if _, err := iso.Recover(ctx, &isolator.RecoverRequest{}); err != nil {
			return report(helperReport{Error: fmt.Sprintf("Recover: %v", err)})
		}
		if _, err := iso.Prepare(ctx, &isolator.PrepareRequest{ContainerId: &mesospb.ContainerID{Value: proto.String("c1")}}); err != nil {
			return report(helperReport{Error: fmt.Sprintf("Prepare: %v", err)})
		}
	}
	return report(helperReport{PID: inst.Impl.(Supervised).PluginStatus().PID})
}
