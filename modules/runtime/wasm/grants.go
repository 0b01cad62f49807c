package wasm

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tetratelabs/wazero"
)

// Grants open capabilities to a module (Spec.Grants, the manifest's
// "grants"). By default a module gets WASI with no preopened directory,
// no environment or arguments, a fake clock (wazero's: it starts at
// 2022-01-01 and advances 1 ms each time it is read) and deterministic
// randomness; it can compute, allocate memory within its limit and write
// to stdout and stderr (which the host logs), nothing else. WASI preview
// 1 has no call that opens a network connection, and no listening socket
// is ever given, so there is no network grant.
//
//	fs=HOST[:GUEST]     mount directory HOST read-write at GUEST (default: HOST)
//	fs-ro=HOST[:GUEST]  the same, read-only
//	env=NAME            pass the daemon's environment variable NAME
//	clock               real wall-clock and monotonic time, real sleeping
//	random              cryptographic randomness
func applyGrants(cfg wazero.ModuleConfig, grants []string) (wazero.ModuleConfig, error) {
	var fsc wazero.FSConfig
	for _, g := range grants {
		name, value, _ := strings.Cut(g, "=")
		switch name {
		case "fs", "fs-ro":
			host, guest, err := mountOf(value)
			if err != nil {
				return nil, fmt.Errorf("grant %q: %w", g, err)
			}
			if fsc == nil {
				fsc = wazero.NewFSConfig()
			}
			if name == "fs" {
				fsc = fsc.WithDirMount(host, guest)
			} else {
				fsc = fsc.WithReadOnlyDirMount(host, guest)
			}
		case "env":
			if value == "" {
				return nil, fmt.Errorf("grant %q: no variable named", g)
			}
			if v, ok := os.LookupEnv(value); ok {
				cfg = cfg.WithEnv(value, v)
			}
		case "clock":
			cfg = cfg.WithSysWalltime().WithSysNanotime().WithSysNanosleep()
		case "random":
			cfg = cfg.WithRandSource(rand.Reader)
		default:
			return nil, fmt.Errorf("unknown grant %q (known: fs=, fs-ro=, env=, clock, random)", g)
		}
	}
	if fsc != nil {
		cfg = cfg.WithFSConfig(fsc)
	}
	return cfg, nil
}

// mountOf parses HOST[:GUEST] and checks that HOST is a directory.
func mountOf(v string) (host, guest string, err error) {
	host, guest, _ = strings.Cut(v, ":")
	if host == "" || !filepath.IsAbs(host) {
		return "", "", fmt.Errorf("host directory %q is not an absolute path", host)
	}
	if guest == "" {
		guest = host
	}
	st, err := os.Stat(host)
	if err != nil {
		return "", "", err
	}
	if !st.IsDir() {
		return "", "", fmt.Errorf("%s is not a directory", host)
	}
	return host, guest, nil
}
