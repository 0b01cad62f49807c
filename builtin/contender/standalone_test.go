package contender_test

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/builtin/contender"
	"github.com/gomesos/mesos/modules/kinds/mastercontender"
	"github.com/gomesos/mesos/modules/kinds/mastercontender/mastercontendertest"
)

func TestConformance(t *testing.T) {
	mastercontendertest.Run(t, mastercontendertest.Fixture{New: func(t *testing.T) mastercontender.MasterContender {
		c, err := contender.Catalog()["standalone"](nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}})
}

func TestStandalone(t *testing.T) {
	ctx := context.Background()
	c := contender.NewStandaloneContender()
	if _, err := c.Contend(ctx, &mastercontender.ContendRequest{}); err == nil {
		t.Error("Contend without a MasterInfo succeeded")
	}
	first, err := c.Contend(ctx, &mastercontender.ContendRequest{MasterInfo: mastercontendertest.MasterInfo()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Contend(ctx, &mastercontender.ContendRequest{MasterInfo: mastercontendertest.MasterInfo()}); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Watch(ctx, &mastercontender.WatchRequest{Lease: first.GetLease()})
	if err != nil || resp.GetReason() != "replaced by a new candidacy" {
		t.Errorf("Watch(replaced) = %v, %v", resp, err)
	}
	// Another instance never knows this one's leases.
	resp, err = contender.NewStandaloneContender().Watch(ctx, &mastercontender.WatchRequest{Lease: first.GetLease()})
	if err != nil || resp.GetReason() != "unknown lease" {
		t.Errorf("Watch on another instance = %v, %v", resp, err)
	}
	if _, err := contender.NewStandalone(map[string]string{"x": "y"}); err == nil {
		t.Error("NewStandalone with a parameter succeeded")
	}
}
