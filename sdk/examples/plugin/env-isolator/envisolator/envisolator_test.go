package envisolator

import (
	"context"
	"testing"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
	"github.com/gomesos/mesos/modules/kinds/isolator/isolatortest"
	"google.golang.org/protobuf/proto"
)

func TestConformance(t *testing.T) {
	isolatortest.Run(t, isolatortest.Fixture{New: func(t *testing.T) isolator.Isolator {
		iso, err := New(nil)
		if err != nil {
			t.Fatal(err)
		}
		return iso
	}})
}

func TestPrepareSetsEnvironmentAndNofile(t *testing.T) {
	iso, err := New(map[string]string{"env.GREETING": "hello", "env.A": "1", "nofile": "256:512"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := iso.Prepare(context.Background(), &isolator.PrepareRequest{ContainerId: &mesospb.ContainerID{Value: proto.String("c1")}})
	if err != nil {
		t.Fatal(err)
	}
	vars := resp.GetLaunchInfo().GetEnvironment().GetVariables()
	if len(vars) != 2 || vars[0].GetName() != "A" || vars[1].GetName() != "GREETING" || vars[1].GetValue() != "hello" {
		t.Errorf("environment = %v", vars)
	}
	rl := resp.GetLaunchInfo().GetRlimits().GetRlimits()
	if len(rl) != 1 || rl[0].GetType() != mesospb.RLimitInfo_RLimit_RLMT_NOFILE || rl[0].GetSoft() != 256 || rl[0].GetHard() != 512 {
		t.Errorf("rlimits = %v", rl)
	}
}

func TestDefaults(t *testing.T) {
	iso, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := iso.Prepare(context.Background(), &isolator.PrepareRequest{ContainerId: &mesospb.ContainerID{Value: proto.String("c1")}})
	if err != nil {
		t.Fatal(err)
	}
	li := resp.GetLaunchInfo()
	if v := li.GetEnvironment().GetVariables(); len(v) != 1 || v[0].GetName() != DefaultVariable {
		t.Errorf("environment = %v", v)
	}
	if rl := li.GetRlimits().GetRlimits(); len(rl) != 1 || rl[0].GetSoft() != 1024 || rl[0].GetHard() != 4096 {
		t.Errorf("rlimits = %v", rl)
	}
}

func TestBadParameters(t *testing.T) {
	for _, p := range []map[string]string{
		{"nofile": "many"},
		{"nofile": "10:5"},
		{"env.": "x"},
		{"env.A=B": "x"},
	} {
		if _, err := New(p); err == nil {
			t.Errorf("New(%v) succeeded", p)
		}
	}
}
