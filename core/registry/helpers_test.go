package registry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func agentID(id string) *mesospb.AgentID { return &mesospb.AgentID{Value: proto.String(id)} }

func scalar(name string, v float64) *mesospb.Resource {
	return &mesospb.Resource{
		Name:   proto.String(name),
		Type:   mesospb.Value_SCALAR.Enum(),
		Scalar: &mesospb.Value_Scalar{Value: proto.Float64(v)},
	}
}

// agentInfo is a realistic AgentInfo: resources, ports, attributes.
func agentInfo(id string) *mesospb.AgentInfo {
	return &mesospb.AgentInfo{
		Hostname: proto.String("agent-" + id + ".example.com"),
		Port:     proto.Int32(5051),
		Id:       agentID(id),
		Resources: []*mesospb.Resource{
			scalar("cpus", 16), scalar("mem", 63488), scalar("disk", 917504),
			{
				Name: proto.String("ports"),
				Type: mesospb.Value_RANGES.Enum(),
				Ranges: &mesospb.Value_Ranges{Range: []*mesospb.Value_Range{
					{Begin: proto.Uint64(31000), End: proto.Uint64(32000)},
				}},
			},
		},
		Attributes: []*mesospb.Attribute{
			{Name: proto.String("rack"), Type: mesospb.Value_TEXT.Enum(), Text: &mesospb.Value_Text{Value: proto.String("r17")}},
			{Name: proto.String("zone"), Type: mesospb.Value_TEXT.Enum(), Text: &mesospb.Value_Text{Value: proto.String("eu-west-1b")}},
		},
	}
}

func masterInfo(id string, caps ...mesospb.MasterInfo_Capability_Type) *mesospb.MasterInfo {
	info := &mesospb.MasterInfo{
		Id:       proto.String(id),
		Ip:       proto.Uint32(0x7f000001),
		Port:     proto.Uint32(5050),
		Hostname: proto.String("localhost"),
		Pid:      proto.String("master@127.0.0.1:5050"),
	}
	for _, c := range caps {
		info.Capabilities = append(info.Capabilities, &mesospb.MasterInfo_Capability{Type: c.Enum()})
	}
	return info
}

// allCapabilities are what our master advertises.
var allCapabilities = []mesospb.MasterInfo_Capability_Type{
	mesospb.MasterInfo_Capability_AGENT_UPDATE,
	mesospb.MasterInfo_Capability_AGENT_DRAINING,
	mesospb.MasterInfo_Capability_QUOTA_V2,
}

// recovered returns a registrar recovered over store.
func recovered(t testing.TB, store Store) *Registrar {
	t.Helper()
	r := New(Config{Store: store})
	if _, err := r.Recover(context.Background(), masterInfo("m1", allCapabilities...)); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mustApply(t testing.TB, r *Registrar, op Operation) {
	t.Helper()
	if err := r.Apply(context.Background(), op); err != nil {
		t.Fatalf("Apply(%s): %v", op, err)
	}
}

func current(t testing.TB, r *Registrar) *registrypb.Registry {
	t.Helper()
	reg, err := r.Registry()
	if err != nil {
		t.Fatalf("Registry: %v", err)
	}
	return reg
}

// apply runs op on reg directly and checks the no-change-on-refusal rule.
func apply(t *testing.T, reg *registrypb.Registry, op Operation) (bool, error) {
	t.Helper()
	before := proto.CloneOf(reg)
	changed, err := op.Apply(reg)
	if err != nil && !proto.Equal(before, reg) {
		t.Fatalf("%s refused (%v) but changed the registry", op, err)
	}
	if err == nil && !changed && !proto.Equal(before, reg) {
		t.Fatalf("%s reported no change but changed the registry", op)
	}
	return changed, err
}

func wantRefused(t *testing.T, reg *registrypb.Registry, op Operation, msg string) {
	t.Helper()
	_, err := apply(t, reg, op)
	if err == nil {
		t.Fatalf("%s: applied, want refusal %q", op, msg)
	}
	if err.Error() != msg {
		t.Fatalf("%s: refused with %q, want %q", op, err, msg)
	}
}

func wantChanged(t *testing.T, reg *registrypb.Registry, op Operation, want bool) {
	t.Helper()
	changed, err := apply(t, reg, op)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	if changed != want {
		t.Fatalf("%s: changed = %v, want %v", op, changed, want)
	}
}

func ids(reg *registrypb.Registry) (admitted, unreachable, gone string) {
	for _, a := range reg.GetAgents().GetAgents() {
		admitted += a.GetInfo().GetId().GetValue() + " "
	}
	for _, a := range reg.GetUnreachable().GetAgents() {
		unreachable += a.GetId().GetValue() + " "
	}
	for _, a := range reg.GetGone().GetAgents() {
		gone += a.GetId().GetValue() + " "
	}
	return
}

func wantLists(t *testing.T, reg *registrypb.Registry, admitted, unreachable, gone string) {
	t.Helper()
	a, u, g := ids(reg)
	if a != admitted || u != unreachable || g != gone {
		t.Fatalf("lists: admitted %q unreachable %q gone %q; want %q %q %q", a, u, g, admitted, unreachable, gone)
	}
}

// faultyStore fails Set with err once armed.
type faultyStore struct {
	Store
	err error
}

func (f *faultyStore) Set(ctx context.Context, data []byte, v Version) error {
	if f.err != nil {
		return f.err
	}
	return f.Store.Set(ctx, data, v)
}

var errDisk = errors.New("disk on fire")

func agentName2(i int) string { return fmt.Sprintf("S%d", i) }
