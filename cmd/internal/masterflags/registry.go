package masterflags

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/registry/zkstore"
	"github.com/gomesos/mesos/core/zk"
)

// registryStore is the store --registry selects: in memory; or, for
// replicated_log, ZooKeeper with --zk (waiting for a --quorum of masters
// before it is read, as Mesos's replicated log does) and a file under
// --work_dir without.
func (f *Flags) registryStore(client *zk.Client, logger *slog.Logger) (registry.Store, error) {
	log := logger.With("component", "registry")
	switch {
	case f.Registry == registry.KindInMemory:
		return registry.NewMemoryStore(), nil
	case client != nil:
		store, err := zkstore.New(client, zkstore.Options{Logger: log})
		if err != nil {
			return nil, err
		}
		return newQuorumStore(store, client, f.Quorum, log), nil
	}
	store, err := registry.OpenFileStore(filepath.Join(f.WorkDir, "registry"), log)
	if err != nil {
		return nil, fmt.Errorf("--registry=replicated_log: %w", err)
	}
	return store, nil
}

// registrar is the master's registrar over store.
func (f *Flags) registrar(store registry.Store, logger *slog.Logger) *registry.Registrar {
	return registry.New(registry.Config{
		Store:        store,
		Logger:       logger.With("component", "registrar"),
		FetchTimeout: f.RegistryFetchTimeout.Std(),
		StoreTimeout: f.RegistryStoreTimeout.Std(),
	})
}
