package host

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gomesos/mesos/modules/runtime/builtin"
)

// Shared is one module host used by several daemons of one process
// (mesos-local's master and agents), so that each module is loaded once:
// one plugin process, one WASM compilation. Every daemon loads its
// manifest into Host (Load keeps what is loaded and skips an identical
// spec), takes the modules its flags select, serves Host's status on its
// /modules and leaves closing Host to the owner, who closes it once every
// daemon has stopped.
type Shared struct {
	Host *Host
	// Catalog is the catalog of Host's built-in loader, where the daemons
	// look up the built-ins their flags name.
	Catalog *builtin.Catalog
	// Registry is where Host counts the modules' calls; every daemon
	// shows it in its /metrics/snapshot.
	Registry *prometheus.Registry
}

// Check reports a Shared with a part missing.
func (s *Shared) Check() error {
	if s.Host == nil || s.Catalog == nil || s.Registry == nil {
		return errors.New("a shared module host needs its host, built-in catalog and metrics registry")
	}
	return nil
}
