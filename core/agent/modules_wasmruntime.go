package agent

import (
	"log/slog"

	"github.com/gomesos/mesos/modules/runtime/wasm"
)

// newWASMLoader is the agent's WASM runtime (wazero), compiling modules
// into a cache under the work directory so that a restart is quick. It is
// the one place the agent names the WASM runtime: a build without it
// returns nil here, and manifests naming WASM libraries then fail with
// "runtime not available".
func newWASMLoader(cacheDir string, log *slog.Logger) (*wasm.Loader, error) {
	return wasm.New(wasm.Config{CacheDir: cacheDir, Logger: log})
}
