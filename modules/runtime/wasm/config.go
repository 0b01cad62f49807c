package wasm

import (
	"log/slog"
	"runtime"
)

// DefaultMemoryLimitPages bounds a module's memory when neither the spec
// nor the Config does: 16384 pages of 64 KiB, 1 GiB.
const DefaultMemoryLimitPages = 16384

// Config configures the WASM runtime of a daemon.
type Config struct {
	// CacheDir is where compiled modules are cached across restarts (the
	// daemon gives a directory under its work dir). Empty: an in-memory
	// cache shared by the modules this Loader loads.
	CacheDir string
	// PoolSize is how many instances of one module may serve calls at
	// once (0: GOMAXPROCS). Kinds whose state lives in the instance always
	// get one.
	PoolSize int
	// MemoryLimitPages bounds a module's memory when its spec sets no
	// limit (0: DefaultMemoryLimitPages).
	MemoryLimitPages uint32
	// Interpreter runs modules in wazero's interpreter instead of the
	// compiler (for comparison; platforms without the compiler use the
	// interpreter anyway).
	Interpreter bool
	// Uninterruptible loads modules as they are, without the checks that
	// let a call's deadline stop guest code while it runs (package
	// interrupt). The checks cost little (a load, a branch and a store at
	// every loop iteration and function entry, and a return to Go every
	// interrupt.Fuel of them; see docs/PERFORMANCE.md); without them a
	// guest stuck in a loop can never be stopped (its caller waits for
	// ever), and a long call holds up every garbage collection of the
	// process, whose stop-the-world waits for the guest to return to Go.
	// Only for modules trusted to return quickly, and for comparison;
	// deadlines are then checked only before a call starts.
	Uninterruptible bool
	// Logger receives the runtime's logs and the modules' stdout and
	// stderr (nil: slog.Default()).
	Logger *slog.Logger
}

func (c Config) poolSize() int {
	if c.PoolSize > 0 {
		return c.PoolSize
	}
	return runtime.GOMAXPROCS(0)
}

func (c Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}

func (c Config) memoryLimit(specPages uint32) uint32 {
	switch {
	case specPages > 0:
		return specPages
	case c.MemoryLimitPages > 0:
		return c.MemoryLimitPages
	}
	return DefaultMemoryLimitPages
}
