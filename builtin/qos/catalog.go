// Package qos holds the built-in QoS controllers (agent flag
// --qos_controller): noop, which never corrects anything, and load, which
// kills revocable executors when the system load average is too high.
// Both implement the QoSController kind's contract
// (modules/kinds/qoscontroller) exactly as a module would.
package qos

import "github.com/gomesos/mesos/modules/kinds/qoscontroller"

// Constructor makes a built-in controller from its manifest parameters.
type Constructor func(params map[string]string) (qoscontroller.QoSController, error)

// Catalog lists the built-in controllers by name. Mesos's module names for
// the same controllers are accepted too, so that a Mesos --modules file
// naming them keeps working.
func Catalog() map[string]Constructor {
	return map[string]Constructor{
		"noop":                               NewNoop,
		"load":                               NewLoad,
		"org_apache_mesos_NoopQoSController": NewNoop,
		"org_apache_mesos_LoadQoSController": NewLoad,
	}
}
