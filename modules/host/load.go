package host

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/kinds"
)

// load loads one spec and checks what the module declares.
func (h *Host) load(ctx context.Context, spec modules.Spec) (*Module, error) {
	fail := func(err error) error {
		// A runtime may name the module itself; once is enough.
		var le *modules.LoadError
		if errors.As(err, &le) && le.Library == spec.Library && le.Module == spec.Name {
			return err
		}
		return &modules.LoadError{Library: spec.Library, Module: spec.Name, Err: err}
	}
	switch {
	case spec.Name == "":
		return nil, fail(errors.New("the module has no name"))
	case spec.Kind != "" && !spec.Kind.Known():
		return nil, fail(fmt.Errorf("%w %q", modules.ErrUnknownKind, spec.Kind))
	}
	loader, ok := h.loaders[spec.Runtime]
	if !ok {
		return nil, fail(fmt.Errorf("%w: %q (this binary runs: %s)", modules.ErrNoRuntime, spec.Runtime, h.runtimes()))
	}
	if spec.File != "" {
		if err := verifyFile(spec.File, spec.SHA256); err != nil {
			return nil, fail(err)
		}
	}
	inst, err := loader.Load(ctx, spec)
	if err != nil {
		return nil, fail(err)
	}
	if inst == nil {
		return nil, fail(fmt.Errorf("the %s runtime returned no instance", spec.Runtime))
	}
	if inst.Close == nil {
		inst.Close = func(context.Context) error { return nil }
	}
	kind, err := check(spec, inst)
	if err != nil {
		_ = inst.Close(context.WithoutCancel(ctx))
		return nil, fail(err)
	}
	requested := spec
	inst.Spec = spec
	inst.Spec.Kind = kind
	inst.Kind = kind
	d := decorate.New(inst.Spec, decorate.Options{Metrics: h.metrics, Logger: h.log})
	h.log.Info("module loaded", "module", spec.Name, "library", spec.Library, "kind", string(kind),
		"runtime", string(spec.Runtime), "api_version", inst.APIVersion)
	return &Module{Instance: inst, Decorator: d, requested: requested}, nil
}

// check returns the module's kind once it has checked it against the
// manifest, its API version against the host's and its implementation
// against the kind's interface.
func check(spec modules.Spec, inst *modules.Instance) (modules.Kind, error) {
	kind := inst.Kind
	if kind == "" {
		kind = spec.Kind
	}
	switch {
	case kind == "":
		return "", fmt.Errorf("%w: the module declares no kind and the manifest gives none", modules.ErrUnknownKind)
	case spec.Kind != "" && kind != spec.Kind:
		return "", fmt.Errorf("%w: the manifest says %s, the module is a %s", modules.ErrKindMismatch, spec.Kind, kind)
	}
	info, ok := kinds.Lookup(kind)
	if !ok {
		return "", fmt.Errorf("%w: the module declares kind %q", modules.ErrUnknownKind, kind)
	}
	if !info.Versions.Contains(inst.APIVersion) {
		return "", fmt.Errorf("%w: the %s runtime agreed on %s API v%d, the host speaks %v",
			modules.ErrAPIVersion, spec.Runtime, kind, inst.APIVersion, info.Versions)
	}
	if err := kinds.Check(kind, inst.Impl); err != nil {
		return "", err
	}
	return kind, nil
}

// sameModule accepts a second request for a loaded module name only when
// it asks for the same module (Mesos's rule).
func sameModule(prev *Module, again modules.Spec) error {
	loaded := prev.requested
	loaded.Kind = prev.Kind()
	var diff []string
	if loaded.Library != again.Library || loaded.File != again.File {
		diff = append(diff, "library")
	}
	if loaded.Runtime != again.Runtime {
		diff = append(diff, "runtime")
	}
	if again.Kind != "" && loaded.Kind != again.Kind {
		diff = append(diff, "kind")
	}
	if !maps.Equal(loaded.Parameters, again.Parameters) {
		diff = append(diff, "parameters")
	}
	if loaded.SHA256 != again.SHA256 || loaded.CallTimeout != again.CallTimeout || loaded.MemoryLimitPages != again.MemoryLimitPages ||
		!slices.Equal(loaded.Args, again.Args) || !slices.Equal(loaded.Env, again.Env) || !slices.Equal(loaded.Grants, again.Grants) {
		diff = append(diff, "settings")
	}
	if len(diff) == 0 {
		return nil
	}
	return &modules.LoadError{Library: again.Library, Module: again.Name,
		Err: fmt.Errorf("%w: already loaded from library '%s' with different %s", modules.ErrDuplicate, loaded.Library, strings.Join(diff, ", "))}
}

func (h *Host) runtimes() string {
	var rs []string
	for r := range h.loaders {
		rs = append(rs, string(r))
	}
	slices.Sort(rs)
	if len(rs) == 0 {
		return "none"
	}
	return strings.Join(rs, ", ")
}
