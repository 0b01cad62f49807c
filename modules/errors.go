package modules

import "errors"

// Reasons a module fails to load or to run, for errors.Is. Loaders and
// runtimes wrap them (fmt.Errorf("%w: ...", modules.ErrChecksum)) so that
// the daemons and the tests can tell the reasons apart; the host wraps
// every load failure in a *LoadError naming the library and module.
var (
	// ErrUnknownKind: the manifest or the module names a kind the host
	// does not know.
	ErrUnknownKind = errors.New("unknown module kind")
	// ErrKindMismatch: the module declares another kind than the
	// manifest's "kind".
	ErrKindMismatch = errors.New("module kind mismatch")
	// ErrAPIVersion: the host and the module speak no common version of
	// the kind's contract.
	ErrAPIVersion = errors.New("no common API version")
	// ErrChecksum: the file's SHA-256 is not the manifest's "sha256".
	ErrChecksum = errors.New("checksum mismatch")
	// ErrFileMissing: the library's file does not exist.
	ErrFileMissing = errors.New("module file missing")
	// ErrDuplicate: two modules of one name differ (library, kind,
	// runtime, file or parameters).
	ErrDuplicate = errors.New("duplicate module name")
	// ErrNotFound: no such module (a built-in not in the catalog, a
	// plugin or WASM file that does not offer the named module).
	ErrNotFound = errors.New("module not found")
	// ErrNoRuntime: no loader for the spec's runtime in this binary.
	ErrNoRuntime = errors.New("runtime not available")
	// ErrContract: the module's implementation does not implement its
	// kind's Go interface.
	ErrContract = errors.New("module does not implement its kind's contract")
	// ErrCrashed: the module's process or WASM instance is gone. Runtimes
	// wrap call errors with it so that the decorators mark the module
	// failed at once rather than after repeated errors.
	ErrCrashed = errors.New("module crashed")
)
