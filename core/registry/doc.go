// Package registry persists the master's registry: the part of master state
// that survives a restart or a failover (admitted, unreachable and gone
// agents, the maintenance schedule and machine modes, quotas, weights and the
// minimum master capabilities), as Mesos keeps it in mesos.internal.Registry.
// The message is registrypb.Registry, from core/proto/gomesos/v1/registry.proto.
//
// Three layers, each testable on its own:
//
//   - Store: a versioned blob with compare-and-set (Get, Set with the version
//     the writer last saw). MemoryStore backs --registry=in_memory; FileStore
//     keeps <work_dir>/registry/registry.dat for --registry=replicated_log,
//     written atomically, checksummed and guarded by a lock file. A ZooKeeper
//     store implements the same interface.
//   - Operation: one change to a Registry (AdmitAgent, MarkAgentUnreachable,
//     UpdateSchedule, UpdateQuota, ...). Apply either changes the registry or
//     refuses with Mesos's message, never both.
//   - Registrar: recovers the registry when the master is elected (writing
//     the new MasterInfo, as Mesos does) and applies operations in batches:
//     operations that arrive while a write is in flight share the next write.
//     A failed or conflicting write aborts the registrar, as in Mesos: the
//     master must stop leading (Done, Err).
package registry
