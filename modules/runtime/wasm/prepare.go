package wasm

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomesos/mesos/modules/runtime/wasm/interrupt"
)

// instruments says whether this Loader adds the interrupt checks to the
// modules it loads (the default).
func (l *Loader) instruments() bool { return !l.cfg.Uninterruptible }

// prepare returns the bytes to compile for wasm, whose SHA-256 is sum:
// wasm itself, or wasm with the interrupt checks (package interrupt).
// Instrumented modules are cached under CacheDir beside wazero's compiled
// code, keyed by the original's SHA-256 and the instrumentation's
// version, so that a restart does not instrument again.
func (l *Loader) prepare(wasm []byte, sum [sha256.Size]byte) ([]byte, error) {
	if !l.instruments() {
		return wasm, nil
	}
	path := l.instrumentedPath(sum)
	if path != "" {
		if b, err := os.ReadFile(path); err == nil {
			return b, nil
		}
	}
	out, err := interrupt.Instrument(wasm)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := writeFileAtomic(path, out); err != nil {
			l.log.Warn("wasm runtime: cannot cache an instrumented module; it will be instrumented again at the next load",
				"path", path, "error", err)
		}
	}
	return out, nil
}

// dropInstrumented removes the cached instrumented module with original
// SHA-256 sum and reports whether there was one.
func (l *Loader) dropInstrumented(sum [sha256.Size]byte) bool {
	path := l.instrumentedPath(sum)
	return path != "" && os.Remove(path) == nil
}

// instrumentedPath is where the instrumented module with original
// SHA-256 sum is cached ("": no cache directory).
func (l *Loader) instrumentedPath(sum [sha256.Size]byte) string {
	if l.cfg.CacheDir == "" {
		return ""
	}
	return filepath.Join(l.cfg.CacheDir, "instrumented", interrupt.Version+"-"+hex.EncodeToString(sum[:])+".wasm")
}

// writeFileAtomic writes b to path through a temporary file renamed into
// place, so that a reader never sees half a module.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("creating a temporary file in %s: %w", dir, err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
