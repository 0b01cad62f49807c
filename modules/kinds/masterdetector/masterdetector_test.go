package masterdetector_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/modules/kinds/masterdetector"
	"github.com/gomesos/mesos/modules/kinds/masterdetector/masterdetectortest"
)

func TestDiffers(t *testing.T) {
	a, b := masterdetectortest.Master("a", 5050), masterdetectortest.Master("a", 5050)
	if masterdetector.Differs(a, b) || masterdetector.Differs(nil, nil) {
		t.Error("equal leaders differ")
	}
	if !masterdetector.Differs(a, nil) || !masterdetector.Differs(nil, b) {
		t.Error("a leader and none do not differ")
	}
	b.Version = proto.String("1.11.0")
	if !masterdetector.Differs(a, b) {
		t.Error("leaders differing in a field do not differ")
	}
}
