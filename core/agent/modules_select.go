package agent

import (
	"context"
	"fmt"
	"strings"

	builtiniso "github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/core/agent/containerizer"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/decorate"
	"github.com/gomesos/mesos/modules/kinds/containerlogger"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/qoscontroller"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/runtime/plugin"
)

// defaultContainerLogger is Mesos's default container logger.
const defaultContainerLogger = "sandbox"

// selectIsolators resolves --isolation: each name is a loaded Isolator
// module or a built-in isolator, decorated. Config.Isolators, when set,
// replaces --isolation.
func (m *agentModules) selectIsolators(ctx context.Context, cfg *Config) error {
	if cfg.Isolators != nil {
		m.isolators = cfg.Isolators
		return nil
	}
	names, err := builtiniso.Parse(cfg.Isolation)
	if err != nil {
		return fmt.Errorf("--isolation: %w", err)
	}
	for _, name := range names {
		mod, err := m.selectModule(ctx, "--isolation", modules.KindIsolator, name)
		if err != nil {
			return err
		}
		impl, ok := mod.Instance.Impl.(isolator.Isolator)
		if !ok {
			return fmt.Errorf("--isolation: module '%s' does not implement the Isolator contract", name)
		}
		if d, ok := impl.(plugin.Detacher); ok {
			m.detachers = append(m.detachers, d)
		}
		m.isolators = append(m.isolators, containerizer.NamedIsolator{Name: name, Isolator: decorate.NewIsolator(mod.Decorator, impl)})
	}
	return nil
}

// selectEstimator resolves --resource_estimator.
func (m *agentModules) selectEstimator(ctx context.Context, cfg *Config) error {
	mod, err := m.optionalModule(ctx, "--resource_estimator", modules.KindResourceEstimator, cfg.ResourceEstimator)
	if err != nil || mod == nil {
		return err
	}
	impl, ok := mod.Instance.Impl.(resourceestimator.ResourceEstimator)
	if !ok {
		return fmt.Errorf("--resource_estimator: module '%s' does not implement the ResourceEstimator contract", mod.Name())
	}
	m.estimator = decorate.NewResourceEstimator(mod.Decorator, impl)
	return nil
}

// selectQoS resolves --qos_controller.
func (m *agentModules) selectQoS(ctx context.Context, cfg *Config) error {
	mod, err := m.optionalModule(ctx, "--qos_controller", modules.KindQoSController, cfg.QoSController)
	if err != nil || mod == nil {
		return err
	}
	impl, ok := mod.Instance.Impl.(qoscontroller.QoSController)
	if !ok {
		return fmt.Errorf("--qos_controller: module '%s' does not implement the QoSController contract", mod.Name())
	}
	m.qos = decorate.NewQoSController(mod.Decorator, impl)
	return nil
}

// selectLogger resolves --container_logger (default: sandbox).
func (m *agentModules) selectLogger(ctx context.Context, cfg *Config) error {
	name := cfg.ContainerLogger
	if name == "" {
		name = defaultContainerLogger
	}
	mod, err := m.selectModule(ctx, "--container_logger", modules.KindContainerLogger, name)
	if err != nil {
		return err
	}
	impl, ok := mod.Instance.Impl.(containerlogger.ContainerLogger)
	if !ok {
		return fmt.Errorf("--container_logger: module '%s' does not implement the ContainerLogger contract", name)
	}
	m.logger = decorate.NewContainerLogger(mod.Decorator, impl)
	return nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
