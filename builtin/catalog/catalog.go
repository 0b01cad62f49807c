// Package catalog builds a daemon's catalog of built-in modules
// (modules/runtime/builtin) from the catalogs of the builtin/ packages, so
// that the master and the agent share one list: the HierarchicalDRF
// allocator, the authenticators and authorizer, the master contenders
// and detectors (standalone, ZooKeeper), the resource estimators, QoS controllers, container
// loggers and isolators. A manifest library without a file names them,
// and the flags that select a kind (--isolation, --container_logger, ...)
// find them here when no loaded module has the name. Each builtin/
// package's catalog.go says what it holds; this package only registers
// them.
package catalog

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/builtin/authn"
	"github.com/gomesos/mesos/builtin/authz"
	"github.com/gomesos/mesos/builtin/contender"
	"github.com/gomesos/mesos/builtin/detector"
	"github.com/gomesos/mesos/builtin/estimator"
	"github.com/gomesos/mesos/builtin/isolator"
	"github.com/gomesos/mesos/builtin/logger"
	"github.com/gomesos/mesos/builtin/qos"
	"github.com/gomesos/mesos/modules"
	"github.com/gomesos/mesos/modules/runtime/builtin"
)

// Options are what the built-ins need from the daemon.
type Options struct {
	// Isolators configures the built-in isolators (the agent's cgroups and
	// disk flags). The master leaves it zero.
	Isolators isolator.Options
}

// New returns a catalog holding every built-in module.
func New(opts Options) (*builtin.Catalog, error) {
	c := builtin.NewCatalog()
	if err := Register(c, opts); err != nil {
		return nil, err
	}
	return c, nil
}

// Register adds every built-in module to c.
func Register(c *builtin.Catalog, opts Options) error {
	steps := []func(*builtin.Catalog, Options) error{
		registerAllocators, registerAuthn, registerAuthz, registerContenders,
		registerDetectors, registerEstimators, registerQoS, registerLoggers, registerIsolators,
	}
	for _, step := range steps {
		if err := step(c, opts); err != nil {
			return fmt.Errorf("built-in catalog: %w", err)
		}
	}
	return nil
}

// HierarchicalDRF is the name of the default allocator.
const HierarchicalDRF = "HierarchicalDRF"

func registerAllocators(c *builtin.Catalog, _ Options) error {
	return c.Register(builtin.Entry{
		Kind: modules.KindAllocator, Name: HierarchicalDRF,
		Description: "Mesos's hierarchical DRF allocator (the default)",
		New: func(context.Context, modules.Spec, int) (any, error) {
			return hierarchical.New(), nil
		},
	})
}

func registerAuthn(c *builtin.Catalog, _ Options) error {
	if err := registerAll(c, modules.KindHTTPAuthenticator, authn.HTTPCatalog(), "HTTP authenticator"); err != nil {
		return err
	}
	return registerAll(c, modules.KindAuthenticator, authn.Catalog(), "authenticator")
}

func registerAuthz(c *builtin.Catalog, _ Options) error {
	return registerAll(c, modules.KindAuthorizer, authz.Catalog(), "authorizer")
}

func registerContenders(c *builtin.Catalog, _ Options) error {
	return registerAll(c, modules.KindMasterContender, contender.Catalog(), "master contender")
}

func registerDetectors(c *builtin.Catalog, _ Options) error {
	return registerAll(c, modules.KindMasterDetector, detector.Catalog(), "master detector")
}

func registerEstimators(c *builtin.Catalog, _ Options) error {
	return registerAll(c, modules.KindResourceEstimator, estimator.Catalog(), "resource estimator")
}

func registerQoS(c *builtin.Catalog, _ Options) error {
	return registerAll(c, modules.KindQoSController, qos.Catalog(), "QoS controller")
}

func registerLoggers(c *builtin.Catalog, _ Options) error {
	return registerAll(c, modules.KindContainerLogger, logger.Catalog(), "container logger")
}

// registerIsolators adds the isolators --isolation accepts, Mesos's
// "disk/du" (posix/disk) included. Each load makes a new isolator with
// the daemon's isolator options; the manifest's parameters are not used.
func registerIsolators(c *builtin.Catalog, opts Options) error {
	names := append(isolator.Names(), "disk/du")
	for _, name := range names {
		err := c.Register(builtin.Entry{
			Kind: modules.KindIsolator, Name: name,
			Description: "built-in isolator " + name,
			New: func(context.Context, modules.Spec, int) (any, error) {
				return isolator.New(name, opts.Isolators)
			},
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// registerAll registers a builtin/ package's catalog: constructors from
// the manifest's parameters, by name.
func registerAll[T any, F ~func(map[string]string) (T, error)](c *builtin.Catalog, kind modules.Kind, constructors map[string]F, what string) error {
	for _, name := range slices.Sorted(maps.Keys(constructors)) {
		newT := constructors[name]
		err := c.Register(builtin.Entry{
			Kind: kind, Name: name,
			Description: "built-in " + what + " " + name,
			New: func(_ context.Context, spec modules.Spec, _ int) (any, error) {
				return newT(spec.Parameters)
			},
		})
		if err != nil {
			return err
		}
	}
	return nil
}
