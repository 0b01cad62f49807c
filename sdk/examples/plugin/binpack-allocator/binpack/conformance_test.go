package binpack

import (
	"testing"

	"github.com/gomesos/mesos/modules/kinds/allocator"
	"github.com/gomesos/mesos/modules/kinds/allocator/allocatortest"
)

func TestConformance(t *testing.T) {
	allocatortest.Run(t, func(*testing.T) allocator.Allocator { return New() })
}
