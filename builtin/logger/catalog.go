// Package logger holds the built-in container loggers (agent flag
// --container_logger): sandbox, which writes a container's stdout and
// stderr to files in its sandbox (Mesos's default), and logrotate, which
// keeps each of them under a size limit with a fixed number of rotated
// files (Mesos's LogrotateContainerLogger, rotating in Go rather than by
// running the logrotate program). Both implement the ContainerLogger
// kind's contract (modules/kinds/containerlogger) exactly as a module
// would.
package logger

import "github.com/gomesos/mesos/modules/kinds/containerlogger"

// Constructor makes a built-in logger from its manifest parameters.
type Constructor func(params map[string]string) (containerlogger.ContainerLogger, error)

// Catalog lists the built-in loggers by name. Mesos's module name for the
// logrotate logger is accepted too, so that a Mesos --modules file naming
// it keeps working.
func Catalog() map[string]Constructor {
	return map[string]Constructor{
		"sandbox":   NewSandbox,
		"logrotate": NewLogrotate,
		"org_apache_mesos_LogrotateContainerLogger": NewLogrotate,
	}
}
