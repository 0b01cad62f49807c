package master

import (
	"net/http"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/allocatorpb"
	"github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// scheduleMachine sets a schedule with one window over the test agents'
// machine (agent-host / 127.0.0.1) starting at start.
func scheduleMachine(t *testing.T, tm *testMaster, start time.Time) *mesospb.Unavailability {
	t.Helper()
	u := &mesospb.Unavailability{Start: &mesospb.TimeInfo{Nanoseconds: proto.Int64(start.UnixNano())}}
	update := callOf(masterpb.Call_UPDATE_MAINTENANCE_SCHEDULE)
	update.UpdateMaintenanceSchedule = &masterpb.Call_UpdateMaintenanceSchedule{Schedule: &maintenancepb.Schedule{
		Windows: []*maintenancepb.Window{{
			MachineIds:     []*mesospb.MachineID{{Hostname: proto.String("agent-host"), Ip: proto.String("127.0.0.1")}},
			Unavailability: u,
		}},
	}}
	mustDo(t, tm, httpapi.JSON, update, http.StatusOK)
	return u
}

func (s *testScheduler) nextInverseOffer() *mesospb.InverseOffer {
	s.t.Helper()
	ev := s.events.next(s.t, "INVERSE_OFFERS", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_INVERSE_OFFERS })
	return ev.GetInverseOffers().GetInverseOffers()[0]
}

func (s *testScheduler) nextInverseRescind(id string) {
	s.t.Helper()
	s.events.next(s.t, "RESCIND_INVERSE_OFFER of "+id, func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_RESCIND_INVERSE_OFFER && e.GetRescindInverseOffer().GetInverseOfferId().GetValue() == id
	})
}

// drainingStatuses are the inverse offer statuses GET_MAINTENANCE_STATUS
// shows for the one draining machine.
func drainingStatuses(t *testing.T, tm *testMaster) []*allocatorpb.InverseOfferStatus {
	t.Helper()
	st := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_MAINTENANCE_STATUS)).GetGetMaintenanceStatus().GetStatus()
	if len(st.GetDrainingMachines()) != 1 {
		t.Fatalf("GET_MAINTENANCE_STATUS %v", st)
	}
	return st.GetDrainingMachines()[0].GetStatuses()
}

// TestInverseOffers: with the built-in allocator, a scheduled machine
// makes inverse offers to the framework holding resources on its agent;
// offers from it carry the unavailability; answers are recorded and shown
// by the maintenance status (protobuf and /maintenance/status JSON); a
// declined inverse offer comes back after its filter; a schedule change,
// a framework's disconnection and the offer timeout rescind them.
func TestInverseOffers(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		c.Allocator = hierarchical.New()
		c.OfferTimeout = time.Hour
	})
	agent := registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.JSON, &mesospb.FrameworkInfo{User: proto.String("u"), Name: proto.String("io")})
	first := s.nextOffer()
	if first.Unavailability != nil {
		t.Fatalf("offer of an unscheduled agent has unavailability %v", first.Unavailability)
	}

	start := time.Now().Add(time.Hour).Truncate(time.Second)
	u := scheduleMachine(t, tm, start)
	// The outstanding offer is rescinded; the new one says when the agent
	// goes away, and the framework holding it gets an inverse offer.
	s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	o := s.nextOffer()
	if !proto.Equal(o.GetUnavailability(), u) {
		t.Errorf("offer unavailability %v, want %v", o.GetUnavailability(), u)
	}
	io := s.nextInverseOffer()
	if io.GetAgentId().GetValue() != agent.id || io.GetFrameworkId().GetValue() != s.id || !proto.Equal(io.GetUnavailability(), u) ||
		len(io.GetResources()) != 0 || io.GetUrl().GetAddress().GetIp() != "127.0.0.1" || io.GetId().GetValue() == "" {
		t.Fatalf("inverse offer %v", io)
	}
	fws := mustGet(t, tm, httpapi.Protobuf, callOf(masterpb.Call_GET_FRAMEWORKS)).GetGetFrameworks().GetFrameworks()
	if len(fws) != 1 || len(fws[0].GetInverseOffers()) != 1 || len(fws[0].GetOffers()) != 1 ||
		!proto.Equal(fws[0].GetOffers()[0].GetUnavailability(), u) {
		t.Errorf("GET_FRAMEWORKS %v", fws)
	}
	if sts := drainingStatuses(t, tm); len(sts) != 0 {
		t.Errorf("statuses before any answer: %v", sts)
	}

	// Declined with a 1 s filter: recorded, and made again after it.
	before := time.Now()
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_DECLINE_INVERSE_OFFERS.Enum(), DeclineInverseOffers: &schedulerpb.Call_DeclineInverseOffers{
		InverseOfferIds: []*mesospb.OfferID{io.GetId()}, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(1)},
	}})
	var sts []*allocatorpb.InverseOfferStatus
	eventually(t, "the DECLINE status", func() bool { sts = drainingStatuses(t, tm); return len(sts) == 1 })
	if sts[0].GetStatus() != allocatorpb.InverseOfferStatus_DECLINE || sts[0].GetFrameworkId().GetValue() != s.id ||
		sts[0].GetTimestamp().GetNanoseconds() < before.Add(-time.Second).UnixNano() {
		t.Errorf("status %v", sts[0])
	}
	again := s.nextInverseOffer()
	if again.GetId().GetValue() == io.GetId().GetValue() {
		t.Errorf("the same inverse offer id twice")
	}
	// An unknown id is ignored; accepting the new one records ACCEPT.
	s.mustSend(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT_INVERSE_OFFERS.Enum(), AcceptInverseOffers: &schedulerpb.Call_AcceptInverseOffers{
		InverseOfferIds: []*mesospb.OfferID{{Value: proto.String("nope")}, again.GetId()},
		Filters:         &mesospb.Filters{RefuseSeconds: proto.Float64(3600)},
	}})
	eventually(t, "the ACCEPT status", func() bool {
		sts = drainingStatuses(t, tm)
		return len(sts) == 1 && sts[0].GetStatus() == allocatorpb.InverseOfferStatus_ACCEPT
	})
	doc := getJSON(t, tm.srv.URL+"/master/maintenance/status")
	if jpath(t, doc, "draining_machines", "0", "statuses", "0", "status") != "ACCEPT" ||
		jpath(t, doc, "draining_machines", "0", "statuses", "0", "framework_id", "value") != s.id {
		t.Errorf("/maintenance/status %v", doc)
	}

	// A new schedule (a later window) forgets the answers, rescinds the
	// offer and makes a new inverse offer with the new unavailability.
	u2 := scheduleMachine(t, tm, start.Add(time.Hour))
	s.events.next(t, "RESCIND", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_RESCIND })
	third := s.nextInverseOffer()
	if !proto.Equal(third.GetUnavailability(), u2) {
		t.Errorf("inverse offer after the schedule change %v, want %v", third.GetUnavailability(), u2)
	}
	if sts := drainingStatuses(t, tm); len(sts) != 0 {
		t.Errorf("statuses survived the schedule change: %v", sts)
	}
	// Changing the schedule again rescinds the outstanding inverse offer.
	scheduleMachine(t, tm, start.Add(2*time.Hour))
	s.nextInverseRescind(third.GetId().GetValue())
	fourth := s.nextInverseOffer()

	// The operator deactivating the agent rescinds it too.
	deactivate := callOf(masterpb.Call_DEACTIVATE_AGENT)
	deactivate.DeactivateAgent = &masterpb.Call_DeactivateAgent{AgentId: agentIDProto(agent.id)}
	mustDo(t, tm, httpapi.JSON, deactivate, http.StatusOK)
	s.nextInverseRescind(fourth.GetId().GetValue())
	onLoop(t, tm, func() {
		if n := len(tm.inverseOffers); n != 0 {
			t.Errorf("%d inverse offers outstanding for an inactive agent", n)
		}
	})
}

// TestInverseOfferTimeoutAndDisconnect: an inverse offer is rescinded
// after --offer_timeout, made again, and rescinded when its framework
// disconnects.
func TestInverseOfferTimeoutAndDisconnect(t *testing.T) {
	tm := startMaster(t, func(c *Config) {
		c.Allocator = hierarchical.New()
		c.OfferTimeout = 500 * time.Millisecond
	})
	registerAgent(t, tm, "cpus:2;mem:512", nil)
	s := subscribe(t, tm, httpapi.Protobuf, &mesospb.FrameworkInfo{User: proto.String("u"), Name: proto.String("io"),
		FailoverTimeout: proto.Float64(3600)})
	s.nextOffer()
	scheduleMachine(t, tm, time.Now().Add(time.Hour))
	io := s.nextInverseOffer()
	s.nextInverseRescind(io.GetId().GetValue())
	next := s.nextInverseOffer()
	if next.GetId().GetValue() == io.GetId().GetValue() {
		t.Fatal("no new inverse offer after the timeout")
	}
	s.events.resp.Body.Close()
	eventually(t, "the inverse offers withdrawn", func() bool {
		var n int
		onLoop(t, tm, func() { n = len(tm.inverseOffers) })
		return n == 0
	})
}
