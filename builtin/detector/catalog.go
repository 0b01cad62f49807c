// Package detector holds the built-in master detector standalone (master
// and agent flag --master_detector, the default without ZooKeeper; the
// agent's --master=host:port): the leader is a fixed master, or one an
// embedding process appoints. It implements the MasterDetector kind's
// contract (modules/kinds/masterdetector) exactly as a module would. The
// ZooKeeper detector lives in the zookeeper subpackage; both are listed in
// the catalog.
package detector

import (
	"github.com/gomesos/mesos/builtin/detector/zookeeper"
	"github.com/gomesos/mesos/modules/kinds/masterdetector"
)

// Constructor makes a built-in detector from its manifest parameters.
type Constructor func(params map[string]string) (masterdetector.MasterDetector, error)

// Catalog lists the built-in detectors by name.
func Catalog() map[string]Constructor {
	return map[string]Constructor{"standalone": NewStandalone, "zookeeper": zookeeper.NewFromParams}
}
