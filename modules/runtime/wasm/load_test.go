package wasm

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomesos/mesos/modules"
)

func TestLoadErrors(t *testing.T) {
	chaos := guest(t, chaosPkg)
	junk := filepath.Join(t.TempDir(), "junk.wasm")
	if err := os.WriteFile(junk, []byte("not wasm"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		spec func() modules.Spec
		is   error // nil: no particular sentinel
		want []string
	}{
		{"missing file", func() modules.Spec { return modules.Spec{File: "/nonexistent.wasm"} },
			modules.ErrFileMissing, []string{"/nonexistent.wasm"}},
		{"checksum", func() modules.Spec { return modules.Spec{File: chaos, SHA256: "00"} },
			modules.ErrChecksum, []string{"the manifest says 00"}},
		{"not wasm", func() modules.Spec { return modules.Spec{File: junk} },
			nil, []string{"compiling"}},
		{"not a gomesos module", func() modules.Spec { return modules.Spec{File: guest(t, noABIPkg)} },
			errNotModule, []string{"no gomesos_abi_version"}},
		{"command, not reactor", func() modules.Spec { return modules.Spec{File: guestCommand(t, noABIPkg)} },
			errNotModule, []string{"WASI command", "-buildmode=c-shared"}},
		{"ABI version mismatch", func() modules.Spec { return modules.Spec{File: guest(t, badABIPkg)} },
			modules.ErrAPIVersion, []string{"WASM ABI version 2, host speaks 1"}},
		{"host import", func() modules.Spec { return modules.Spec{File: guest(t, importPkg)} },
			nil, []string{"imports env.host_secret", "only wasi_snapshot_preview1"}},
		{"no common kind version", func() modules.Spec { return modules.Spec{File: guest(t, versionsPkg)} },
			modules.ErrAPIVersion, []string{"v7-v9"}},
		{"two kinds, none named", func() modules.Spec { return modules.Spec{File: chaos} },
			modules.ErrKindMismatch, []string{"Hook, Allocator", "must name one"}},
		{"kind not declared", func() modules.Spec {
			return modules.Spec{File: guest(t, labelPkg), Kind: modules.KindAllocator}
		}, modules.ErrKindMismatch, []string{"manifest says Allocator, the module declares Hook"}},
		{"kind not run by wasm", func() modules.Spec { return modules.Spec{File: chaos, Kind: modules.KindIsolator} },
			modules.ErrUnknownKind, []string{"does not run Isolator"}},
		{"init fails", func() modules.Spec {
			return modules.Spec{File: chaos, Kind: modules.KindHook, Parameters: map[string]string{"fail": "init"}}
		}, nil, []string{"gomesos_init", "chaos: asked to fail init"}},
		{"memory limit below the module's minimum", func() modules.Spec {
			return modules.Spec{File: chaos, Kind: modules.KindHook, MemoryLimitPages: 4}
		}, nil, []string{"compiling", "over limit of 4 pages"}},
		{"unknown grant", func() modules.Spec {
			return modules.Spec{File: chaos, Kind: modules.KindHook, Grants: []string{"net=0.0.0.0:80"}}
		}, nil, []string{`unknown grant "net=0.0.0.0:80"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoader(t, Config{})
			_, err := tryLoad(t, l, tc.spec())
			var le *modules.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v (%T) is not a *modules.LoadError", err, err)
			}
			if le.Library != "lib" || le.Module != "mod" {
				t.Errorf("LoadError names %s/%s", le.Library, le.Module)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			wantErrContains(t, err, tc.want...)
		})
	}
}

func TestLoadChecksumMatches(t *testing.T) {
	path := guest(t, labelPkg)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	in := load(t, newLoader(t, Config{}), modules.Spec{File: path, SHA256: hex.EncodeToString(sum[:])})
	if in.Kind != modules.KindHook || in.APIVersion != 1 {
		t.Errorf("loaded kind %s v%d, want Hook v1", in.Kind, in.APIVersion)
	}
}
