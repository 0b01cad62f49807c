// Package builtin is the runtime of the modules compiled into the binary.
// A daemon builds a Catalog, registers its built-ins in it (each under a
// kind and a name, with a factory), and gives the host a Loader over it;
// a manifest library without a file (or with "runtime": "builtin") then
// names them, exactly as it names plugin and WASM modules.
package builtin

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gomesos/mesos/modules"
)

// Factory makes an instance of a built-in module. spec carries its
// parameters and limits; apiVersion is the contract version agreed on.
// The returned value implements the kind's Go interface; if it also has a
// Close(context.Context) error method, unloading calls it.
type Factory func(ctx context.Context, spec modules.Spec, apiVersion int) (any, error)

// Entry is one built-in module.
type Entry struct {
	Kind modules.Kind
	Name string
	// Versions are the contract versions the built-in speaks; zero means
	// the host's newest (a built-in is compiled with the host).
	Versions modules.Versions
	New      Factory
	// Description is shown by tools listing the catalog.
	Description string
}

type key struct {
	kind modules.Kind
	name string
}

// Catalog is the set of built-in modules of one daemon, by kind and name.
// It is safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex
	entries map[key]Entry
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog { return &Catalog{entries: map[key]Entry{}} }

// Register adds a built-in. A kind and name may be registered once.
func (c *Catalog) Register(e Entry) error {
	switch {
	case !e.Kind.Known():
		return fmt.Errorf("builtin: registering %q: %w %q", e.Name, modules.ErrUnknownKind, e.Kind)
	case e.Name == "":
		return fmt.Errorf("builtin: registering a %s without a name", e.Kind)
	case e.New == nil:
		return fmt.Errorf("builtin: registering %s %q without a factory", e.Kind, e.Name)
	case e.Versions != (modules.Versions{}) && !e.Versions.Valid():
		return fmt.Errorf("builtin: registering %s %q: invalid versions %d-%d", e.Kind, e.Name, e.Versions.Min, e.Versions.Max)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := key{e.Kind, e.Name}
	if _, dup := c.entries[k]; dup {
		return fmt.Errorf("builtin: %s %q registered twice", e.Kind, e.Name)
	}
	c.entries[k] = e
	return nil
}

// Lookup returns the built-in of kind k called name.
func (c *Catalog) Lookup(k modules.Kind, name string) (Entry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[key{k, name}]
	return e, ok
}

// Named returns the built-ins called name, whatever their kind (QoS
// controllers and resource estimators are both called "noop"), sorted by
// kind.
func (c *Catalog) Named(name string) []Entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []Entry
	for k, e := range c.entries {
		if k.name == name {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
	return out
}

// Entries lists the catalog sorted by kind, then name.
func (c *Catalog) Entries() []Entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}
