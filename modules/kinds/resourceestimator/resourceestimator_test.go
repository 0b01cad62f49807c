package resourceestimator_test

import (
	"errors"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator"
	"github.com/gomesos/mesos/modules/kinds/resourceestimator/resourceestimatortest"
)

func TestCheck(t *testing.T) {
	scalar := resourceestimatortest.Scalar
	rs, err := resourceestimator.Check(&resourceestimator.OversubscribableResponse{Resources: []*mesospb.Resource{scalar("cpus", 2, true), scalar("mem", 64, true)}})
	if err != nil || rs.Len() != 2 {
		t.Errorf("Check(revocable) = %v, %v", rs, err)
	}
	if _, err := resourceestimator.Check(&resourceestimator.OversubscribableResponse{}); err != nil {
		t.Errorf("Check(nothing) = %v", err)
	}
	for name, bad := range map[string][]*mesospb.Resource{
		"not revocable": {scalar("cpus", 2, true), scalar("mem", 64, false)},
		"negative":      {scalar("cpus", -1, true)},
		"no name":       {scalar("", 1, true)},
	} {
		if _, err := resourceestimator.Check(&resourceestimator.OversubscribableResponse{Resources: bad}); !errors.Is(err, resourceestimator.ErrInvalidEstimate) {
			t.Errorf("%s: Check = %v, want ErrInvalidEstimate", name, err)
		}
	}
}
