package builtin

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/kinds"
)

// Loader is the "builtin" runtime over a catalog.
type Loader struct{ catalog *Catalog }

var _ modules.Loader = (*Loader)(nil)

// NewLoader returns the builtin runtime's loader over c.
func NewLoader(c *Catalog) *Loader { return &Loader{catalog: c} }

// Runtime is modules.RuntimeBuiltin.
func (l *Loader) Runtime() modules.Runtime { return modules.RuntimeBuiltin }

// Load finds spec's module in the catalog (by kind and name; by name
// alone when the manifest gives no kind), agrees on a contract version
// and makes an instance.
func (l *Loader) Load(ctx context.Context, spec modules.Spec) (*modules.Instance, error) {
	e, err := l.find(spec)
	if err != nil {
		return nil, err
	}
	host, err := kinds.HostVersions(e.Kind)
	if err != nil {
		return nil, err
	}
	speaks := e.Versions
	if speaks == (modules.Versions{}) {
		speaks = modules.Only(host.Max)
	}
	version, err := modules.Negotiate(host, speaks)
	if err != nil {
		return nil, err
	}
	impl, err := e.New(ctx, spec, version)
	if err != nil {
		return nil, fmt.Errorf("creating built-in %s %q: %w", e.Kind, e.Name, err)
	}
	inst := &modules.Instance{Spec: spec, Kind: e.Kind, APIVersion: version, Impl: impl, Close: closer(impl)}
	inst.Spec.Kind = e.Kind
	return inst, nil
}

func (l *Loader) find(spec modules.Spec) (Entry, error) {
	if spec.Kind != "" {
		if e, ok := l.catalog.Lookup(spec.Kind, spec.Name); ok {
			return e, nil
		}
	}
	named := l.catalog.Named(spec.Name)
	switch {
	case len(named) == 1:
		// With a kind given, a built-in of another kind is a mismatch the
		// host reports as such.
		return named[0], nil
	case len(named) > 1 && spec.Kind == "":
		var ks []string
		for _, e := range named {
			ks = append(ks, string(e.Kind))
		}
		return Entry{}, fmt.Errorf("built-in %q exists for kinds %s: set the module's \"kind\"", spec.Name, strings.Join(ks, ", "))
	}
	return Entry{}, fmt.Errorf("%w: no built-in module %q%s (built-ins: %s)", modules.ErrNotFound, spec.Name, ofKind(spec.Kind), l.names())
}

func ofKind(k modules.Kind) string {
	if k == "" {
		return ""
	}
	return " of kind " + string(k)
}

func (l *Loader) names() string {
	var names []string
	for _, e := range l.catalog.Entries() {
		names = append(names, e.Name+" ("+string(e.Kind)+")")
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// closer returns impl's Close, or a no-op; safe to call more than once.
func closer(impl any) func(context.Context) error {
	c, ok := impl.(interface{ Close(context.Context) error })
	if !ok {
		return func(context.Context) error { return nil }
	}
	var once sync.Once
	var err error
	return func(ctx context.Context) error {
		once.Do(func() { err = c.Close(ctx) })
		return err
	}
}
