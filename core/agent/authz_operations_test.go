package agent

import (
	"net/http"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/agentpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// TestAgentGetOperationsRoleView: the agent's GET_OPERATIONS shows an
// operation only to principals that may view (VIEW_ROLE) every role of
// what it consumes, as Mesos's agent does: two RESERVEs with feedback,
// made by frameworks of "web" and of "eng", are both shown to ops, the
// first only to web (who may view "web" only), none to eve.
func TestAgentGetOperationsRoleView(t *testing.T) {
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, t.TempDir())
	cfg.AuthenticateHTTPReadOnly, cfg.AuthenticateHTTPReadWrite = true, true
	cfg.HTTPCredentials, cfg.ACLs = agentTestCredentials, roleViewACLs
	ta := startAgent(t, cfg)

	for _, role := range []string{"web", "eng"} {
		info := frameworkInfo("reserve-"+role, false)
		info.Roles = []string{role}
		info.Principal = proto.String("ops")
		s := subscribeScheduler(t, m.addr, info)
		o := s.offer()
		op := reserveOp("op-"+role, role, 1)
		op.Reserve.Resources[0].AllocationInfo.Role = proto.String(role)
		s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
			OfferIds: []*mesospb.OfferID{o.GetId()}, Operations: []*mesospb.Offer_Operation{op},
			Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(3600)},
		}})
		if st := s.operationUpdate("op-" + role); st.GetState() != mesospb.OperationState_OPERATION_FINISHED {
			t.Fatalf("RESERVE for %s: %v", role, st)
		}
	}

	for user, want := range map[string][]string{"ops": {"op-eng", "op-web"}, "web": {"op-web"}, "eve": nil} {
		resp, body := operatorAs(t, ta, user, &agentpb.Call{Type: agentpb.Call_GET_OPERATIONS.Enum()})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET_OPERATIONS as %s: %d %s", user, resp.StatusCode, body)
		}
		var r agentpb.Response
		mustUnmarshalJSON(t, body, &r)
		var got []string
		for _, op := range r.GetGetOperations().GetOperations() {
			got = append(got, op.GetInfo().GetId().GetValue())
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("GET_OPERATIONS as %s: %v, want %v", user, got, want)
		}
	}
}

// TestConsumedRoles: the roles GET_OPERATIONS checks are those of what
// each kind of operation consumes (Mesos's getConsumedResources).
func TestConsumedRoles(t *testing.T) {
	dyn := func(role string) *mesospb.Resource_ReservationInfo {
		return &mesospb.Resource_ReservationInfo{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String(role)}
	}
	res := func(alloc string, reservations ...*mesospb.Resource_ReservationInfo) *mesospb.Resource {
		r := &mesospb.Resource{Name: proto.String("disk"), Type: mesospb.Value_SCALAR.Enum(),
			Scalar: &mesospb.Value_Scalar{Value: proto.Float64(1)}, Reservations: reservations}
		if alloc != "" {
			r.AllocationInfo = &mesospb.Resource_AllocationInfo{Role: proto.String(alloc)}
		}
		return r
	}
	legacy := res("")
	legacy.Role = proto.String("db")
	for _, c := range []struct {
		name string
		op   *mesospb.Offer_Operation
		want []string
		ok   bool
	}{
		{"reserve from unreserved, by the operator", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_RESERVE.Enum(),
			Reserve: &mesospb.Offer_Operation_Reserve{Resources: []*mesospb.Resource{res("", dyn("web"))}}}, nil, true},
		{"reserve refining a reservation", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_RESERVE.Enum(),
			Reserve: &mesospb.Offer_Operation_Reserve{Resources: []*mesospb.Resource{res("web/a", dyn("web"), dyn("web/a"))}}}, []string{"web", "web/a"}, true},
		{"reserve in the pre-refinement format", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_RESERVE.Enum(),
			Reserve: &mesospb.Offer_Operation_Reserve{Resources: []*mesospb.Resource{legacy}}}, nil, true},
		{"reserve of nothing reserved", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_RESERVE.Enum(),
			Reserve: &mesospb.Offer_Operation_Reserve{Resources: []*mesospb.Resource{res("web")}}}, nil, false},
		{"unreserve", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_UNRESERVE.Enum(),
			Unreserve: &mesospb.Offer_Operation_Unreserve{Resources: []*mesospb.Resource{res("", dyn("eng"))}}}, []string{"eng"}, true},
		{"unreserve in the pre-refinement format", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_UNRESERVE.Enum(),
			Unreserve: &mesospb.Offer_Operation_Unreserve{Resources: []*mesospb.Resource{legacy}}}, []string{"db"}, true},
		{"create", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_CREATE.Enum(),
			Create: &mesospb.Offer_Operation_Create{Volumes: []*mesospb.Resource{res("web", dyn("web"))}}}, []string{"web"}, true},
		{"destroy", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_DESTROY.Enum(),
			Destroy: &mesospb.Offer_Operation_Destroy{Volumes: []*mesospb.Resource{res("", dyn("eng"))}}}, []string{"eng"}, true},
		{"grow", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_GROW_VOLUME.Enum(),
			GrowVolume: &mesospb.Offer_Operation_GrowVolume{Volume: res("", dyn("web")), Addition: res("", dyn("eng"))}}, []string{"web", "eng"}, true},
		{"grow without its addition", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_GROW_VOLUME.Enum(),
			GrowVolume: &mesospb.Offer_Operation_GrowVolume{Volume: res("", dyn("web"))}}, nil, false},
		{"shrink", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_SHRINK_VOLUME.Enum(),
			ShrinkVolume: &mesospb.Offer_Operation_ShrinkVolume{Volume: res("", dyn("web"))}}, []string{"web"}, true},
		{"launch", &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_LAUNCH.Enum()}, nil, false},
		{"no type", &mesospb.Offer_Operation{}, nil, false},
		{"none", nil, nil, false},
	} {
		got, ok := consumedRoles(c.op)
		if ok != c.ok || !slices.Equal(got, c.want) {
			t.Errorf("%s: %v %v, want %v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
