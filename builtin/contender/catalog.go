// Package contender holds the built-in master contender standalone
// (master flag --master_contender, the default without --zk): this master
// is the only candidate and never loses its candidacy until it withdraws.
// It implements the MasterContender kind's contract
// (modules/kinds/mastercontender) exactly as a module would. The
// ZooKeeper contender lives in the zookeeper subpackage; both are listed
// in the catalog.
package contender

import (
	"github.com/gomesos/mesos/builtin/contender/zookeeper"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
)

// Constructor makes a built-in contender from its manifest parameters.
type Constructor func(params map[string]string) (mastercontender.MasterContender, error)

// Catalog lists the built-in contenders by name.
func Catalog() map[string]Constructor {
	return map[string]Constructor{"standalone": NewStandalone, "zookeeper": zookeeper.NewFromParams}
}
