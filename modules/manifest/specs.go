package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomesos/mesos/core/units"
	"github.com/gomesos/mesos/modules"
)

// Options are what Specs needs from the outside world.
type Options struct {
	// Stat looks a library file up; nil is os.Stat.
	Stat func(name string) (fs.FileInfo, error)
}

func (o Options) stat(name string) (fs.FileInfo, error) {
	if o.Stat != nil {
		return o.Stat(name)
	}
	return os.Stat(name)
}

// Specs turns manifests, in order, into the specs of the modules to load:
// runtimes are inferred, files looked up, limits resolved (a module's
// over its library's) and modules of one name merged when identical.
func Specs(ms []*Manifest, opts Options) ([]modules.Spec, error) {
	var specs []modules.Spec
	index := map[string]int{} // module name -> position in specs
	for _, m := range ms {
		for i := range m.Libraries {
			lib := &m.Libraries[i]
			fail := func(module string, err error) error {
				return &Error{Source: m.Source, Library: libraryLabel(lib, i), Module: module, Err: err}
			}
			runtime, err := inferRuntime(lib, opts)
			if err != nil {
				return nil, fail("", err)
			}
			if err := checkRuntimeFields(lib, runtime); err != nil {
				return nil, fail("", err)
			}
			for _, mod := range lib.Modules {
				spec := toSpec(lib, &mod, runtime)
				j, dup := index[spec.Name]
				if !dup {
					index[spec.Name] = len(specs)
					specs = append(specs, spec)
					continue
				}
				if diff := differences(specs[j], spec); diff != "" {
					return nil, fail(mod.Name, fmt.Errorf("%w: already loaded from library '%s' with different %s",
						modules.ErrDuplicate, specs[j].Library, diff))
				}
			}
		}
	}
	return specs, nil
}

// inferRuntime returns the library's runtime, explicit or inferred from
// its file, and checks that the file is there.
func inferRuntime(lib *Library, opts Options) (modules.Runtime, error) {
	if lib.File == "" {
		// checkLibrary made sure an explicit runtime is builtin here.
		return modules.RuntimeBuiltin, nil
	}
	info, err := opts.stat(lib.File)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("%w: %s does not exist", modules.ErrFileMissing, lib.File)
	case err != nil:
		return "", fmt.Errorf("%w: %v", modules.ErrFileMissing, err)
	case info.IsDir():
		return "", fmt.Errorf("%w: %s is a directory", ErrInvalid, lib.File)
	}
	if lib.Runtime != "" {
		return modules.Runtime(lib.Runtime), nil
	}
	switch ext := strings.ToLower(filepath.Ext(lib.File)); {
	case ext == ".wasm":
		return modules.RuntimeWASM, nil
	case ext == ".so" || ext == ".dylib" || ext == ".dll":
		return "", fmt.Errorf("%w: %s is a shared library: Mesos's C++ modules cannot be loaded; "+
			"use a built-in, go-plugin or WASM build of the module (docs/MODULES.md)", ErrInvalid, lib.File)
	case info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0:
		return modules.RuntimePlugin, nil
	}
	return "", fmt.Errorf("%w: cannot tell the runtime of %s (not .wasm and not executable); set \"runtime\"", ErrInvalid, lib.File)
}

// checkRuntimeFields refuses additions that mean nothing to the runtime.
func checkRuntimeFields(lib *Library, runtime modules.Runtime) error {
	if runtime != modules.RuntimePlugin && (len(lib.Args) > 0 || len(lib.Env) > 0) {
		return fmt.Errorf("%w: \"args\" and \"env\" are for plugin libraries, this one is %s", ErrInvalid, runtime)
	}
	if runtime != modules.RuntimeWASM {
		if len(lib.Grants) > 0 {
			return fmt.Errorf("%w: \"grants\" are for wasm libraries, this one is %s", ErrInvalid, runtime)
		}
		if lib.MemoryLimitPages != nil || slices.ContainsFunc(lib.Modules, func(m Module) bool { return m.MemoryLimitPages != nil }) {
			return fmt.Errorf("%w: \"memory_limit_pages\" is for wasm libraries, this one is %s", ErrInvalid, runtime)
		}
	}
	return nil
}

func toSpec(lib *Library, mod *Module, runtime modules.Runtime) modules.Spec {
	s := modules.Spec{
		Library: lib.Name,
		Name:    mod.Name,
		Kind:    modules.Kind(mod.Kind),
		Runtime: runtime,
		File:    lib.File,
		SHA256:  lib.SHA256,
		Args:    slices.Clone(lib.Args),
		Env:     slices.Clone(lib.Env),
		Grants:  slices.Clone(lib.Grants),
	}
	if s.Library == "" {
		s.Library = lib.File
	}
	if len(mod.Parameters) > 0 {
		s.Parameters = make(map[string]string, len(mod.Parameters))
		for _, p := range mod.Parameters {
			s.Parameters[*p.Key] = *p.Value
		}
	}
	s.CallTimeout = callTimeout(mod.CallTimeout, lib.CallTimeout)
	if p := cmpOr(mod.MemoryLimitPages, lib.MemoryLimitPages); p != nil {
		s.MemoryLimitPages = *p
	}
	return s
}

// callTimeout returns the first of the durations that is set (checked by
// Parse, so it parses).
func callTimeout(texts ...string) time.Duration {
	for _, t := range texts {
		if t != "" {
			d, _ := units.ParseDuration(t)
			return d.Std()
		}
	}
	return 0
}

func cmpOr[T any](ps ...*T) *T {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

// differences names what differs between two specs of one module name,
// or "" when they are the same module.
func differences(a, b modules.Spec) string {
	var d []string
	add := func(differ bool, what string) {
		if differ {
			d = append(d, what)
		}
	}
	add(a.Library != b.Library || a.File != b.File, "library")
	add(a.Kind != b.Kind, "kind")
	add(a.Runtime != b.Runtime, "runtime")
	add(!maps.Equal(a.Parameters, b.Parameters), "parameters")
	add(a.SHA256 != b.SHA256, "sha256")
	add(a.CallTimeout != b.CallTimeout || a.MemoryLimitPages != b.MemoryLimitPages, "limits")
	add(!slices.Equal(a.Args, b.Args) || !slices.Equal(a.Env, b.Env) || !slices.Equal(a.Grants, b.Grants), "args, env or grants")
	return strings.Join(d, ", ")
}
