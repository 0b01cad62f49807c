package hooks

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/host"
	"github.com/gomesos/mesos/modules/kinds/hook"
)

// Manager runs hook modules in order.
type Manager struct {
	log   *slog.Logger
	hooks []entry
}

type entry struct {
	name string
	h    hook.Hook
}

// New returns a manager with no hooks; nil log is slog.Default().
func New(log *slog.Logger) *Manager {
	if log == nil {
		log = slog.Default()
	}
	return &Manager{log: log}
}

// Add appends a hook, run after those added before it. The manager calls
// h as it is: hooks from the module host should be decorated (FromHost
// does it).
func (m *Manager) Add(name string, h hook.Hook) error {
	for _, e := range m.hooks {
		if e.name == name {
			return fmt.Errorf("Hook module '%s' already loaded", name)
		}
	}
	m.hooks = append(m.hooks, entry{name: name, h: h})
	return nil
}

// FromHost builds the manager of a --hooks value: a comma-separated list
// of hook modules loaded in h, run in that order, each decorated.
func FromHost(h *host.Host, list string, log *slog.Logger) (*Manager, error) {
	m := New(log)
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		mod, ok := h.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("--hooks: No hook module named '%s' available (loaded hook modules: %s)", name, hookNames(h))
		}
		if mod.Kind() != modules.KindHook {
			return nil, fmt.Errorf("--hooks: module '%s' is a %s module, not a %s module", name, mod.Kind(), modules.KindHook)
		}
		impl, ok := mod.Instance.Impl.(hook.Hook)
		if !ok {
			return nil, fmt.Errorf("--hooks: module '%s' does not implement the Hook contract", name)
		}
		if err := m.Add(name, decorate.NewHook(mod.Decorator, impl)); err != nil {
			return nil, fmt.Errorf("--hooks: %w", err)
		}
	}
	return m, nil
}

func hookNames(h *host.Host) string {
	var names []string
	for _, mod := range h.Instances(modules.KindHook) {
		names = append(names, mod.Name())
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Names lists the hooks in the order they run.
func (m *Manager) Names() []string {
	if m == nil {
		return nil
	}
	names := make([]string, len(m.hooks))
	for i, e := range m.hooks {
		names[i] = e.name
	}
	return names
}

// Available reports whether any hook is installed.
func (m *Manager) Available() bool { return m != nil && len(m.hooks) > 0 }

// each calls every hook in order; what names the hook in Mesos's log
// wording ("Master label decorator"). A failure is logged and skipped.
func (m *Manager) each(ctx context.Context, name, what string, call func(ctx context.Context, h hook.Hook) error) {
	for _, e := range m.hooks {
		if err := call(ctx, e.h); err != nil {
			m.skipped(name, what, e.name, err)
		}
	}
}

func (m *Manager) skipped(name, what, module string, err error) {
	m.log.Warn(fmt.Sprintf("%s hook failed for module '%s'", what, module),
		"hook", name, "module", module, "error", err, "class", string(decorate.ClassOf(err)))
}
