package plugin

import (
	"slices"

	"google.golang.org/grpc"

	"github.com/gomesos/mesos/modules"
)

// Module is one module a plugin serves: a name, a kind, the kind's API
// versions it speaks and how to build it from its parameters.
type Module struct {
	name     string
	kind     modules.Kind
	versions []int
	// newServer returns what one process serves of the module.
	newServer func() *served
}

// served is a module in a serving process: configure builds the
// implementation from the manifest parameters (once), register adds the
// kind's gRPC service of an API version to the server.
type served struct {
	configure func(params map[string]string) error
	register  func(s *grpc.Server, version int)
}

// Name is the module's name.
func (m Module) Name() string { return m.name }

// Kind is the module's kind.
func (m Module) Kind() modules.Kind { return m.kind }

// APIVersions are the versions of the kind's contract the module speaks,
// ascending.
func (m Module) APIVersions() []int { return slices.Clone(m.versions) }

// newModule is a module of kind whose implementation T is built by build
// and served by register.
func newModule[T any](name string, kind modules.Kind, versions []int, build func(map[string]string) (T, error),
	register func(*grpc.Server, int, *slot[T])) Module {
	return Module{name: name, kind: kind, versions: versions, newServer: func() *served {
		impl := &slot[T]{}
		return &served{
			configure: func(params map[string]string) error { return impl.build(build, params) },
			register:  func(s *grpc.Server, v int) { register(s, v, impl) },
		}
	}}
}
