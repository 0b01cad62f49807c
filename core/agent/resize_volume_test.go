package agent

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/checkpoint"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
)

// webDisk is disk reserved for role web by ops, allocated to web.
func webDisk(size float64) *mesospb.Resource {
	return &mesospb.Resource{
		Name: proto.String("disk"), Type: mesospb.Value_SCALAR.Enum(),
		Scalar:         &mesospb.Value_Scalar{Value: proto.Float64(size)},
		Reservations:   []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("web"), Principal: proto.String("ops")}},
		AllocationInfo: &mesospb.Resource_AllocationInfo{Role: proto.String("web")},
	}
}

// webVolume is the persistent volume vol1 on webDisk.
func webVolume(size float64) *mesospb.Resource {
	v := webDisk(size)
	v.Disk = &mesospb.Resource_DiskInfo{
		Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String("vol1"), Principal: proto.String("ops")},
		Volume:      &mesospb.Volume{ContainerPath: proto.String("data"), Mode: mesospb.Volume_RW.Enum()},
	}
	return v
}

func unallocated(p *mesospb.Resource) *mesospb.Resource {
	c := proto.CloneOf(p)
	c.AllocationInfo = nil
	return c
}

// volumeSizes is the size of vol1 and of the plain web disk in r.
func volumeSizes(r resources.Resources) (volume, disk float64) {
	web := r.ReservedTo("web")
	volume, _ = web.PersistentVolumes().Disk()
	disk, _ = web.Filter(func(x resources.Resource) bool { return !x.IsPersistentVolume() }).Disk()
	return volume, disk
}

// offerWithVolume waits for an offer holding vol1 of the given size.
func (s *testScheduler) offerWithVolume(size float64) *mesospb.Offer {
	s.t.Helper()
	return s.next("an offer with vol1 of "+resources.ScalarFromFloat(size).String(), isOfferWithVolume(size)).GetOffers().GetOffers()[0]
}

func isOfferWithVolume(size float64) func(*schedulerpb.Event) bool {
	return func(e *schedulerpb.Event) bool {
		if e.GetType() != schedulerpb.Event_OFFERS {
			return false
		}
		vol, _ := volumeSizes(resources.New(e.GetOffers().GetOffers()[0].GetResources()...))
		return vol == size
	}
}

func isOperationUpdate(opID string) func(*schedulerpb.Event) bool {
	return func(e *schedulerpb.Event) bool {
		return e.GetType() == schedulerpb.Event_UPDATE_OPERATION_STATUS && e.GetUpdateOperationStatus().GetStatus().GetOperationId().GetValue() == opID
	}
}

// awaitAll reads events until each matcher has matched one, in any order.
func (s *testScheduler) awaitAll(what string, matchers map[string]func(*schedulerpb.Event) bool) map[string]*schedulerpb.Event {
	s.t.Helper()
	got := map[string]*schedulerpb.Event{}
	s.next(what, func(e *schedulerpb.Event) bool {
		for name, match := range matchers {
			if got[name] == nil && match(e) {
				got[name] = e
				break
			}
		}
		return len(got) == len(matchers)
	})
	return got
}

// acceptNow accepts an offer with operations; what is left comes back at
// once (no refusal filter).
func (s *testScheduler) acceptNow(o *mesospb.Offer, ops ...*mesospb.Offer_Operation) {
	s.t.Helper()
	s.send(&schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
		OfferIds: []*mesospb.OfferID{o.GetId()}, Operations: ops,
		Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(0)},
	}})
}

func growOp(id string, volume, addition *mesospb.Resource) *mesospb.Offer_Operation {
	op := &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_GROW_VOLUME.Enum(),
		GrowVolume: &mesospb.Offer_Operation_GrowVolume{Volume: volume, Addition: addition}}
	if id != "" {
		op.Id = &mesospb.OperationID{Value: proto.String(id)}
	}
	return op
}

func shrinkOp(volume *mesospb.Resource, subtract float64) *mesospb.Offer_Operation {
	return &mesospb.Offer_Operation{Type: mesospb.Offer_Operation_SHRINK_VOLUME.Enum(),
		ShrinkVolume: &mesospb.Offer_Operation_ShrinkVolume{Volume: volume, Subtract: &mesospb.Value_Scalar{Value: proto.Float64(subtract)}}}
}

// operatorCall posts an operator call to the master and returns its
// status and body.
func operatorCall(t *testing.T, masterAddr string, call *masterpb.Call) (int, string) {
	t.Helper()
	resp := postProto(t, "http://"+masterAddr+"/api/v1", call, nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// masterAgentTotal is the agent's total in the master's GET_AGENTS.
func masterAgentTotal(t *testing.T, masterAddr string) resources.Resources {
	t.Helper()
	resp := postProto(t, "http://"+masterAddr+"/api/v1", &masterpb.Call{Type: masterpb.Call_GET_AGENTS.Enum()}, nil)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r masterpb.Response
	if resp.StatusCode != http.StatusOK || proto.Unmarshal(body, &r) != nil || len(r.GetGetAgents().GetAgents()) != 1 {
		t.Fatalf("GET_AGENTS: %s %s", resp.Status, body)
	}
	return resources.New(r.GetGetAgents().GetAgents()[0].GetTotalResources()...)
}

// slavesVolumeSize is vol1's size in the master's /master/slaves (the
// agent's reserved_resources_full for web), 0 if absent.
func slavesVolumeSize(t *testing.T, masterAddr string) float64 {
	t.Helper()
	var state struct {
		Slaves []struct {
			Reserved map[string][]struct {
				Scalar struct{ Value float64 } `json:"scalar"`
				Disk   *struct {
					Persistence struct{ ID string } `json:"persistence"`
				} `json:"disk"`
			} `json:"reserved_resources_full"`
		} `json:"slaves"`
	}
	getJSON(t, "http://"+masterAddr+"/master/slaves", &state)
	for _, s := range state.Slaves {
		for _, r := range s.Reserved["web"] {
			if r.Disk != nil && r.Disk.Persistence.ID == "vol1" {
				return r.Scalar.Value
			}
		}
	}
	return 0
}

// checkpointedSizes is what the agent has checkpointed on disk.
func checkpointedSizes(t *testing.T, a *testAgent) (volume, disk float64) {
	t.Helper()
	var msg agentmasterpb.AgentEvent_ApplyOperations
	if err := checkpoint.Read(a.layout.ResourcesInfoPath(), &msg); err != nil {
		t.Fatalf("reading the resources checkpoint: %v", err)
	}
	return volumeSizes(resources.New(msg.GetCheckpointedResources()...))
}

// TestResizeVolume: a real master and agent. A framework creates vol1,
// grows it (with operation feedback) and shrinks it through ACCEPT; the
// operator grows and shrinks it through the v1 API; each new size is in
// the next offer, GET_AGENTS, /master/state and the agent's checkpoint,
// and survives an agent restart. Invalid resizes are refused with
// Mesos's texts.
func TestResizeVolume(t *testing.T) {
	work := t.TempDir()
	m := startMaster(t)
	cfg := agentConfig(t, m.addr, work)
	a := startAgent(t, cfg)
	info := frameworkInfo("resize", false)
	info.Roles = []string{"web"}
	info.Principal = proto.String("ops")
	s := subscribeScheduler(t, m.addr, info)

	o := s.offer()
	agentID := o.GetAgentId()
	s.acceptNow(o,
		&mesospb.Offer_Operation{Type: mesospb.Offer_Operation_RESERVE.Enum(), Reserve: &mesospb.Offer_Operation_Reserve{Resources: []*mesospb.Resource{webDisk(500)}}},
		&mesospb.Offer_Operation{Type: mesospb.Offer_Operation_CREATE.Enum(), Create: &mesospb.Offer_Operation_Create{Volumes: []*mesospb.Resource{webVolume(300)}}},
	)

	// Grow by 100 with feedback; a shared volume cannot grow.
	o = s.offerWithVolume(300)
	shared := webVolume(300)
	shared.Shared = &mesospb.Resource_SharedInfo{}
	s.acceptNow(o, growOp("bad", shared, webDisk(100)), growOp("grow", webVolume(300), webDisk(100)))
	// The next offer may come before the operations' statuses: wait for
	// all three in any order (next drops what it does not match).
	got := s.awaitAll("the two operation statuses and an offer with vol1 of 400", map[string]func(*schedulerpb.Event) bool{
		"bad":   isOperationUpdate("bad"),
		"grow":  isOperationUpdate("grow"),
		"offer": isOfferWithVolume(400),
	})
	if st := got["bad"].GetUpdateOperationStatus().GetStatus(); st.GetState() != mesospb.OperationState_OPERATION_ERROR ||
		st.GetMessage() != "Invalid GROW_VOLUME operation: Growing a shared persistent volume is not supported" {
		t.Errorf("growing a shared volume: %v", st)
	}
	if st := got["grow"].GetUpdateOperationStatus().GetStatus(); st.GetState() != mesospb.OperationState_OPERATION_FINISHED || st.GetAgentId().GetValue() != agentID.GetValue() {
		t.Fatalf("GROW_VOLUME with feedback: %v", st)
	}
	o = got["offer"].GetOffers().GetOffers()[0]
	if vol, disk := volumeSizes(resources.New(o.GetResources()...)); vol != 400 || disk != 100 {
		t.Fatalf("offer after growing: vol1 %v, reserved disk %v; want 400 and 100", vol, disk)
	}

	// Shrink by 150: the disk comes back reserved.
	s.acceptNow(o, shrinkOp(webVolume(400), 150))
	o = s.offerWithVolume(250)
	if vol, disk := volumeSizes(resources.New(o.GetResources()...)); vol != 250 || disk != 250 {
		t.Fatalf("offer after shrinking: vol1 %v, reserved disk %v; want 250 and 250", vol, disk)
	}
	// The master offers the result when it applies the operation; the
	// agent checkpoints it when the master's message reaches it.
	eventually(t, "the shrunk volume checkpointed", func() bool {
		vol, disk := checkpointedSizes(t, a)
		return vol == 250 && disk == 250
	})

	// The operator: the outstanding offer is rescinded for the operation.
	grow := &masterpb.Call{Type: masterpb.Call_GROW_VOLUME.Enum(), GrowVolume: &masterpb.Call_GrowVolume{
		AgentId: agentID, Volume: unallocated(webVolume(250)), Addition: unallocated(webDisk(50)),
	}}
	if code, body := operatorCall(t, m.addr, grow); code != http.StatusAccepted {
		t.Fatalf("operator GROW_VOLUME: %d %s", code, body)
	}
	if vol, disk := volumeSizes(masterAgentTotal(t, m.addr)); vol != 300 || disk != 200 {
		t.Errorf("GET_AGENTS after the operator's grow: vol1 %v, reserved disk %v", vol, disk)
	}
	if size := slavesVolumeSize(t, m.addr); size != 300 {
		t.Errorf("/master/slaves vol1 %v, want 300", size)
	}
	// /master/state shows reservations flat: resizing moves disk within
	// the reservation, so web still holds 500.
	var state struct {
		Slaves []struct {
			Reserved map[string]map[string]any `json:"reserved_resources"`
		} `json:"slaves"`
	}
	getJSON(t, "http://"+m.addr+"/master/state", &state)
	if len(state.Slaves) != 1 || state.Slaves[0].Reserved["web"]["disk"] != 500.0 {
		t.Errorf("/master/state reserved_resources %v, want web's disk 500", state.Slaves)
	}
	shrink := &masterpb.Call{Type: masterpb.Call_SHRINK_VOLUME.Enum(), ShrinkVolume: &masterpb.Call_ShrinkVolume{
		AgentId: agentID, Volume: unallocated(webVolume(300)), Subtract: &mesospb.Value_Scalar{Value: proto.Float64(20)},
	}}
	if code, body := operatorCall(t, m.addr, shrink); code != http.StatusAccepted {
		t.Fatalf("operator SHRINK_VOLUME: %d %s", code, body)
	}
	eventually(t, "the agent checkpointing vol1 at 280", func() bool {
		vol, disk := checkpointedSizes(t, a)
		return vol == 280 && disk == 220
	})

	// Refused by the operator API with Mesos's texts.
	for _, c := range []struct {
		call *masterpb.Call
		want string
	}{
		{&masterpb.Call{Type: masterpb.Call_SHRINK_VOLUME.Enum(), ShrinkVolume: &masterpb.Call_ShrinkVolume{
			AgentId: agentID, Volume: unallocated(webVolume(280)), Subtract: &mesospb.Value_Scalar{Value: proto.Float64(280)},
		}}, "Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'"},
		{&masterpb.Call{Type: masterpb.Call_GROW_VOLUME.Enum(), GrowVolume: &masterpb.Call_GrowVolume{
			AgentId: agentID, Volume: unallocated(webVolume(280)), Addition: mustResources("disk:10")[0],
		}}, "Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields"},
	} {
		code, body := operatorCall(t, m.addr, c.call)
		if code != http.StatusBadRequest || !strings.Contains(body, "operation on agent "+agentID.GetValue()) || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %q, want 400 with %q", c.call.GetType(), code, body, c.want)
		}
	}

	// The new size survives an agent restart.
	b := restartAgent(t, a, cfg)
	var total resources.Resources
	_ = b.call(t.Context(), func() { total = b.totalResources() })
	if vol, disk := volumeSizes(total); vol != 280 || disk != 220 {
		t.Errorf("agent total after restart: vol1 %v, reserved disk %v (%s)", vol, disk, total)
	}
	if d, _ := total.Disk(); d != 4096 {
		t.Errorf("agent total disk after restart %v, want 4096", d)
	}
	if vol, _ := volumeSizes(masterAgentTotal(t, m.addr)); vol != 280 {
		t.Errorf("GET_AGENTS after the agent restart: vol1 %v", vol)
	}
	s.offerWithVolume(280)
}
