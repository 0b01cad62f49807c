package plugin

import (
	"context"
	"fmt"

	"github.com/gomesos/mesos/modules"
)

// Loader is the plugin runtime: a modules.Loader for Runtime "plugin".
type Loader struct {
	opts  Options
	kinds map[modules.Kind]*kindInfo
}

var _ modules.Loader = (*Loader)(nil)

// New returns the plugin runtime.
func New(opts Options) *Loader {
	return &Loader{opts: opts.withDefaults(), kinds: kindTable()}
}

// Runtime implements modules.Loader.
func (l *Loader) Runtime() modules.Runtime { return modules.RuntimePlugin }

// Load starts the module's plugin process (or reattaches to the one an
// earlier daemon left running), agrees on the kind's API version and
// configures the module. The instance's Impl implements the kind's Go
// interface and Supervised (and Detacher for isolators).
func (l *Loader) Load(ctx context.Context, spec modules.Spec) (*modules.Instance, error) {
	inst, err := l.load(ctx, spec)
	if err != nil {
		return nil, &modules.LoadError{Library: spec.Library, Module: spec.Name, Err: err}
	}
	return inst, nil
}

func (l *Loader) load(ctx context.Context, spec modules.Spec) (*modules.Instance, error) {
	path, err := executable(spec.File)
	if err != nil {
		return nil, err
	}
	if err := verifyChecksum(path, spec.SHA256); err != nil {
		return nil, err
	}
	kind := spec.Kind
	if kind == "" {
		if kind, err = l.declaredKind(ctx, path, spec); err != nil {
			return nil, err
		}
	}
	k, ok := l.kinds[kind]
	if !ok {
		return nil, fmt.Errorf("%w: the plugin runtime runs no %q modules", modules.ErrUnknownKind, kind)
	}
	log := l.opts.Logger.With("module", spec.ID(), "runtime", string(modules.RuntimePlugin))
	ln := &launcher{spec: spec, path: path, kind: k, opts: l.opts, log: log}
	if k.detachable && l.opts.StateDir != "" {
		paths, err := newDetachPaths(l.opts.StateDir, spec)
		if err != nil {
			return nil, fmt.Errorf("plugin state directory: %w", err)
		}
		ln.detach = &paths
	}
	s := newSupervisor(ln)
	impl := k.newImpl(s)
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	return &modules.Instance{
		Spec:       spec,
		APIVersion: s.version,
		Kind:       s.declared,
		Impl:       impl,
		Close:      func(ctx context.Context) error { return s.close(ctx, false) },
	}, nil
}

// declaredKind asks a plugin built with the SDK which kind the module
// is, for manifests that do not say.
func (l *Loader) declaredKind(ctx context.Context, path string, spec modules.Spec) (modules.Kind, error) {
	d, err := describe(ctx, path, spec)
	if err != nil {
		return "", fmt.Errorf("the manifest names no kind and %v: add \"kind\" to the module", err)
	}
	m, ok := moduleOf(d, spec.Name)
	if !ok {
		return "", fmt.Errorf("%w: the plugin serves %d modules, none named %q", modules.ErrNotFound, len(d.Modules), spec.Name)
	}
	kind, ok := modules.ParseKind(m.Kind)
	if !ok {
		return "", fmt.Errorf("%w: the plugin declares kind %q", modules.ErrUnknownKind, m.Kind)
	}
	return kind, nil
}
