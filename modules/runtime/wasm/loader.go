package wasm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/gomesos/mesos/modules"
	"github.com/tetratelabs/wazero"
)

// Loader is the WASM runtime: modules.Loader for runtime "wasm".
type Loader struct {
	cfg   Config
	log   *slog.Logger
	cache wazero.CompilationCache
	rts   runtimes
}

var _ modules.Loader = (*Loader)(nil)

// New returns a Loader. With Config.CacheDir set, compiled modules are
// cached there (the directory is created if needed).
func New(cfg Config) (*Loader, error) {
	l := &Loader{cfg: cfg, log: cfg.logger()}
	if cfg.CacheDir == "" {
		l.cache = wazero.NewCompilationCache()
		return l, nil
	}
	cache, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
	if err != nil {
		return nil, fmt.Errorf("wasm runtime: compilation cache in %s: %w", cfg.CacheDir, err)
	}
	l.cache = cache
	return l, nil
}

// Runtime implements modules.Loader.
func (l *Loader) Runtime() modules.Runtime { return modules.RuntimeWASM }

// Close closes the runtimes (and with them every module this Loader
// loaded) and the compilation cache (its files on disk stay).
func (l *Loader) Close(ctx context.Context) error {
	return errors.Join(l.rts.close(ctx), l.cache.Close(ctx))
}

// Load implements modules.Loader: it reads and checks the .wasm file,
// compiles it (or takes it from the cache), starts an instance, agrees
// on the kind and its contract version with the module, and returns the
// kind's Go interface over it. Errors are *modules.LoadError.
func (l *Loader) Load(ctx context.Context, spec modules.Spec) (_ *modules.Instance, err error) {
	defer func() {
		if err != nil {
			err = &modules.LoadError{Library: spec.Library, Module: spec.Name, Err: err}
		}
	}()
	if spec.Runtime != "" && spec.Runtime != modules.RuntimeWASM {
		return nil, fmt.Errorf("%w: runtime %q given to the wasm loader", modules.ErrNoRuntime, spec.Runtime)
	}
	if spec.Kind != "" {
		if _, ok := kindAdapterFor(spec.Kind); !ok {
			return nil, fmt.Errorf("%w: the wasm runtime does not run %s modules (it runs %v)", modules.ErrUnknownKind, spec.Kind, supportedKinds())
		}
	}
	wasm, sum, err := readModule(spec)
	if err != nil {
		return nil, err
	}
	m, err := l.open(ctx, spec, wasm, sum)
	if err != nil {
		return nil, err
	}
	return &modules.Instance{
		Spec:       spec,
		APIVersion: m.apiVersion,
		Kind:       m.kind.kind,
		Impl:       m.kind.newImpl(&client{m: m}),
		Close:      m.close,
	}, nil
}

// runtimeConfig is the wazero configuration for modules with a memory
// limit: the compiler (wazero's optimizing compiler on amd64 and arm64)
// unless the platform or the Config wants the interpreter, the shared
// compilation cache and the memory limit. Deadlines are enforced by the
// instrumentation (prepare.go, watchdog.go), not by wazero.
func (l *Loader) runtimeConfig(limitPages uint32) wazero.RuntimeConfig {
	cfg := wazero.NewRuntimeConfig()
	if l.cfg.Interpreter {
		cfg = wazero.NewRuntimeConfigInterpreter()
	}
	return cfg.WithCompilationCache(l.cache).
		WithMemoryLimitPages(limitPages)
}

// readModule reads spec.File and returns it with its SHA-256, checked
// against the spec's when it has one. The check is of the bytes that are
// compiled, so a file swapped after the host checked it is caught too.
func readModule(spec modules.Spec) ([]byte, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	if spec.File == "" {
		return nil, sum, fmt.Errorf("%w: no .wasm file given", modules.ErrFileMissing)
	}
	wasm, err := os.ReadFile(spec.File)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, sum, fmt.Errorf("%w: %s", modules.ErrFileMissing, spec.File)
	}
	if err != nil {
		return nil, sum, fmt.Errorf("reading module: %w", err)
	}
	sum = sha256.Sum256(wasm)
	if spec.SHA256 != "" {
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, spec.SHA256) {
			return nil, sum, fmt.Errorf("%w: %s has sha256 %s, the manifest says %s", modules.ErrChecksum, spec.File, got, spec.SHA256)
		}
	}
	return wasm, sum, nil
}
