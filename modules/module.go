// Package modules is the module host: what a module is, how it is named in
// the --modules manifest, and the interface every runtime (built-in,
// go-plugin subprocess, WASM under wazero) implements to load one.
//
// Each kind's contract lives in modules/kinds/<kind>: a .proto (service and
// messages) and, beside the generated code, the Go interface the core calls.
// A loaded module is an Instance whose Impl implements that interface,
// whatever runtime runs it; decorators (modules/decorate) wrap every Impl
// the same way.
package modules

import (
	"context"
	"fmt"
	"time"
)

// Kind is a module kind, named as in Mesos's modules documentation.
type Kind string

// The kinds of DESIGN.md.
const (
	KindAllocator         Kind = "Allocator"
	KindIsolator          Kind = "Isolator"
	KindQoSController     Kind = "QoSController"
	KindResourceEstimator Kind = "ResourceEstimator"
	KindContainerLogger   Kind = "ContainerLogger"
	KindHook              Kind = "Hook"
	KindAuthenticator     Kind = "Authenticator"
	KindHTTPAuthenticator Kind = "HttpAuthenticator"
	KindAuthorizer        Kind = "Authorizer"
	KindMasterContender   Kind = "MasterContender"
	KindMasterDetector    Kind = "MasterDetector"
	KindAnonymous         Kind = "Anonymous"
)

// Runtime is how a module runs.
type Runtime string

const (
	RuntimeBuiltin Runtime = "builtin"
	RuntimePlugin  Runtime = "plugin"
	RuntimeWASM    Runtime = "wasm"
)

// Spec is one module to load, as the manifest describes it once defaults
// and inference are applied.
type Spec struct {
	// Library is the manifest's library name or file; Name the module's.
	Library string
	Name    string
	Kind    Kind
	Runtime Runtime
	// File is the plugin executable or .wasm file (empty for built-ins).
	File string
	// SHA256 (hex), when set, must match File before it is loaded.
	SHA256 string
	// Parameters are the module's key/value parameters.
	Parameters map[string]string
	// CallTimeout bounds each call to the module (0: the kind's default).
	CallTimeout time.Duration
	// MemoryLimitPages bounds a WASM module's memory (64 KiB pages).
	MemoryLimitPages uint32
	// Args and Env are given to a plugin subprocess.
	Args []string
	Env  []string
	// Grants opens capabilities to a WASM module (none by default).
	Grants []string
}

// ID names the module in logs and errors: library/name.
func (s Spec) ID() string { return s.Library + "/" + s.Name }

// Instance is a loaded module.
type Instance struct {
	Spec Spec
	// APIVersion is the kind contract version the host and the module
	// agreed on: the highest both speak.
	APIVersion int
	// Kind is the kind the module declares itself to be (a plugin's
	// handshake, a WASM module's info export, a built-in's catalog entry).
	// The host checks it against Spec.Kind when the manifest names one,
	// and fills Spec.Kind from it when the manifest does not. A loader
	// that leaves it empty vouches for Spec.Kind.
	Kind Kind
	// Impl implements the kind's Go interface (e.g. allocator.Allocator).
	Impl any
	// Close releases the module (stops a subprocess, closes a WASM
	// runtime). Safe to call more than once.
	Close func(context.Context) error
}

// Loader is a runtime: it turns specs of the kinds it supports into
// instances.
type Loader interface {
	Runtime() Runtime
	Load(ctx context.Context, spec Spec) (*Instance, error)
}

// LoadError is a failure to load, naming the library, the module and the
// reason, as the daemons report it at start-up.
type LoadError struct {
	Library, Module string
	Err             error
}

func (e *LoadError) Error() string {
	if e.Module == "" {
		return fmt.Sprintf("failed to load library '%s': %v", e.Library, e.Err)
	}
	return fmt.Sprintf("failed to load module '%s' of library '%s': %v", e.Module, e.Library, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }
