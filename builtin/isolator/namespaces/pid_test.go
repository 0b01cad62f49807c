package namespaces

import (
	"context"
	"os"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/modules/kinds/isolator"
)

func TestPIDPrepare(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	req := func(share bool, parent bool) *isolator.PrepareRequest {
		r := &isolator.PrepareRequest{
			ContainerId: &mesospb.ContainerID{Value: proto.String("c1")},
			Config:      &isolator.ContainerConfig{ContainerInfo: &mesospb.ContainerInfo{LinuxInfo: &mesospb.LinuxInfo{SharePidNamespace: proto.Bool(share)}}},
		}
		if parent {
			r.ContainerId.Parent = &mesospb.ContainerID{Value: proto.String("p")}
		}
		return r
	}
	p, err := NewPID(PIDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := p.Prepare(context.Background(), req(false, false))
	if err != nil {
		t.Fatal(err)
	}
	li := resp.GetLaunchInfo()
	if len(li.GetCloneNamespaces()) != 2 || len(li.GetMounts()) != 1 || li.GetMounts()[0].GetType() != "proc" {
		t.Errorf("launch info = %v", li)
	}
	for _, r := range []*isolator.PrepareRequest{req(true, false), req(false, true)} {
		resp, err := p.Prepare(context.Background(), r)
		if err != nil || resp.GetLaunchInfo() != nil {
			t.Errorf("Prepare(%v) = %v, %v; want nothing to do", r, resp, err)
		}
	}
	strict, _ := NewPID(PIDOptions{DisallowSharingAgentPIDNamespace: true})
	if _, err := strict.Prepare(context.Background(), req(true, false)); err == nil {
		t.Error("sharing the agent's pid namespace allowed")
	}
}
