// Package plugin is the go-plugin runtime of the module system: modules
// that run as hashicorp/go-plugin gRPC subprocesses, behind the same Go
// interfaces as built-in and WASM modules (modules/kinds/...). Module
// authors build them with the SDK (sdk/plugin). Every kind of the kind
// catalog runs (kinds.go); each has a small adapter (kind_*.go) from its
// Go interface to its gRPC service.
//
// Loading a module (Loader.Load):
//
//   - The file's SHA-256 is checked against the manifest's "sha256"
//     before every start of the process (restarts included).
//   - The process is started with the magic cookie (wire.Handshake), the
//     manifest's args and env, and the names of the library, module and
//     kind. go-plugin's protocol versions are the kind's API versions:
//     the host offers every version it speaks, the plugin answers with the
//     highest it speaks too; with none in common the load fails naming
//     both sides' versions (modules.ErrAPIVersion).
//   - Transport: gRPC over a Unix socket, with go-plugin's AutoMTLS (a
//     one-off certificate pair, so only this host talks to the process).
//   - The host configures the module through the Module service
//     (wire/module.proto): its parameters, and a check that the module
//     is of the manifest's kind (modules.ErrKindMismatch) and is served
//     (modules.ErrNotFound). A manifest without "kind" is completed from
//     the plugin's description.
//   - Everything the plugin writes to stderr goes to the daemon's log with
//     the module's name: the SDK's JSON log lines at their level, other
//     lines as text, a panic's stack at error level.
//
// Failures (supervisor.go, invoke.go): a call to a process that is gone,
// a broken connection, a reply that does not decode and a panic in the
// module kill the process (if needed) and fail with modules.ErrCrashed;
// the decorators apply the kind's failure policy. A call past its
// deadline (the manifest's call_timeout, else the kind's default from the
// decorators' policy table; calls that block by design have none) fails with
// context.DeadlineExceeded, and also kills the process when it no longer
// answers a health check. The supervisor restarts a dead process with
// exponential backoff (RestartPolicy); while it does, calls fail at once,
// and after MaxCrashes crashes in a row the module is failed for good.
// Status (Supervised) reports the state.
//
// Restarted processes get their state back from the host:
//
//   - Allocator: the host keeps a model of what the allocator was told
//     and what it allocated (allocreplay) and replays it into the new
//     process, Initialize then one batch of AgentAdded / FrameworkAdded
//     events, as a Mesos master does after a failover (decline filters
//     are lost, as then). Because a failed Allocate leaves the allocator's
//     state unknown (half a batch applied, allocations the master never
//     saw), any failed allocator call restarts the process.
//   - Isolator: the host tracks the containers it prepared, isolated and
//     cleaned up, and calls Recover with them. Watch waits across
//     restarts instead of failing.
//   - Anonymous: Start again as last started. MasterDetector: Detect
//     waits across restarts. MasterContender: nothing (the lease died with
//     the process, and Watch says so). The other kinds hold no state a
//     call depends on.
//
// No orphans: a plugin process gets PR_SET_PDEATHSIG (Linux) and the SDK
// exits when its parent goes away (it is told the daemon's pid). The exception is isolators when the
// agent gives Options.StateDir: their process is started detached (its
// own process group, no death signal) so that it survives an agent
// restart. The host writes a reattach record (pid, socket, TLS material;
// 0600) and the next agent's Load reattaches to the process (after a
// TLS health check proves it is the recorded one, and checking the file
// is unchanged), keeping the isolator's in-memory state. Since
// go-plugin's AutoMTLS cannot reattach, detached plugins use the same
// scheme with the host's certificate kept in the record. Close stops the
// process and removes the record; Detach lets go of it for the next
// agent.
//
// Callbacks: no kind needs the plugin to call the host yet; go-plugin's
// broker is handed to every dispensed connection (conn.broker) for the
// first kind that does.
package plugin
