package master

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
)

// engDisk is disk dynamically reserved for role eng by ops.
func engDisk(size float64) *mesospb.Resource {
	return &mesospb.Resource{
		Name: proto.String("disk"), Type: mesospb.Value_SCALAR.Enum(),
		Scalar:       &mesospb.Value_Scalar{Value: proto.Float64(size)},
		Reservations: []*mesospb.Resource_ReservationInfo{{Type: mesospb.Resource_ReservationInfo_DYNAMIC.Enum(), Role: proto.String("eng"), Principal: proto.String("ops")}},
	}
}

// engVolume is a persistent volume on engDisk.
func engVolume(id string, size float64) *mesospb.Resource {
	v := engDisk(size)
	v.Disk = &mesospb.Resource_DiskInfo{
		Persistence: &mesospb.Resource_DiskInfo_Persistence{Id: proto.String(id), Principal: proto.String("ops")},
		Volume:      &mesospb.Volume{ContainerPath: proto.String("data"), Mode: mesospb.Volume_RW.Enum()},
	}
	return v
}

func growCall(agentID string, volume, addition *mesospb.Resource) *masterpb.Call {
	c := callOf(masterpb.Call_GROW_VOLUME)
	c.GrowVolume = &masterpb.Call_GrowVolume{AgentId: agentIDProto(agentID), Volume: volume, Addition: addition}
	return c
}

func shrinkCall(agentID string, volume *mesospb.Resource, subtract float64) *masterpb.Call {
	c := callOf(masterpb.Call_SHRINK_VOLUME)
	c.ShrinkVolume = &masterpb.Call_ShrinkVolume{AgentId: agentIDProto(agentID), Volume: volume, Subtract: &mesospb.Value_Scalar{Value: proto.Float64(subtract)}}
	return c
}

// agentWithVolume registers an agent with 1000 disk, reserves 600 of it
// for eng and creates the 200 volume vol1 there, through the operator API.
func agentWithVolume(t *testing.T, tm *testMaster, caps ...mesospb.AgentInfo_Capability_Type) *testAgent {
	t.Helper()
	a := registerAgent(t, tm, "cpus:2;mem:512;disk:1000", withAgentCapabilities(caps...))
	reserve := callOf(masterpb.Call_RESERVE_RESOURCES)
	reserve.ReserveResources = &masterpb.Call_ReserveResources{AgentId: agentIDProto(a.id), Resources: []*mesospb.Resource{engDisk(600)}}
	mustDo(t, tm, httpapi.Protobuf, reserve, http.StatusAccepted)
	create := callOf(masterpb.Call_CREATE_VOLUMES)
	create.CreateVolumes = &masterpb.Call_CreateVolumes{AgentId: agentIDProto(a.id), Volumes: []*mesospb.Resource{engVolume("vol1", 200)}}
	mustDo(t, tm, httpapi.Protobuf, create, http.StatusAccepted)
	a.next("APPLY_OPERATIONS of the reservation", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	a.next("APPLY_OPERATIONS of the volume", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	return a
}

// checkpointedVolume is the size of vol1 and of the plain eng disk in the
// checkpointed resources the master sends the agent.
func checkpointedSizes(t *testing.T, ev *agentmasterpb.AgentEvent) (volume, disk float64) {
	t.Helper()
	cp := resources.New(ev.GetApplyOperations().GetCheckpointedResources()...)
	volume, _ = cp.PersistentVolumes().Disk()
	disk, _ = cp.Filter(func(r resources.Resource) bool { return !r.IsPersistentVolume() }).Disk()
	return volume, disk
}

// TestOperatorResizeVolume grows and shrinks a volume through the operator
// API: 202, the agent is sent the new checkpointed resources, and the
// agent's total in GET_AGENTS has the new size.
func TestOperatorResizeVolume(t *testing.T) {
	tm := startMaster(t, nil)
	a := agentWithVolume(t, tm, mesospb.AgentInfo_Capability_RESIZE_VOLUME)

	mustDo(t, tm, httpapi.JSON, growCall(a.id, engVolume("vol1", 200), engDisk(150)), http.StatusAccepted)
	ev := a.next("APPLY_OPERATIONS of the grow", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	if op := ev.GetApplyOperations().GetOperations()[0]; op.GetType() != mesospb.Offer_Operation_GROW_VOLUME {
		t.Fatalf("applied %v", op)
	}
	if vol, disk := checkpointedSizes(t, ev); vol != 350 || disk != 250 {
		t.Fatalf("after growing: volume %v and reserved disk %v, want 350 and 250", vol, disk)
	}

	mustDo(t, tm, httpapi.Protobuf, shrinkCall(a.id, engVolume("vol1", 350), 100), http.StatusAccepted)
	ev = a.next("APPLY_OPERATIONS of the shrink", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
	if vol, disk := checkpointedSizes(t, ev); vol != 250 || disk != 350 {
		t.Fatalf("after shrinking: volume %v and reserved disk %v, want 250 and 350", vol, disk)
	}

	resp := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_AGENTS))
	total := resources.New(resp.GetGetAgents().GetAgents()[0].GetTotalResources()...)
	if !total.Contains(resources.New(engVolume("vol1", 250), engDisk(350))) {
		t.Errorf("GET_AGENTS total %s, want vol1 at 250 and 350 reserved disk", total)
	}
	if d, _ := total.Disk(); d != 1000 {
		t.Errorf("GET_AGENTS total disk %v, want 1000 (resizing moves disk, it makes none)", d)
	}
}

// TestResizeVolumeValidation: each of Mesos's checks answers 400 with its
// text, prefixed as Mesos's operator API does; what the agent does not
// have free is a conflict.
func TestResizeVolumeValidation(t *testing.T) {
	tm := startMaster(t, nil)
	a := agentWithVolume(t, tm, mesospb.AgentInfo_Capability_RESIZE_VOLUME)
	old := agentWithVolume(t, tm)

	shared := engVolume("vol1", 200)
	shared.Shared = &mesospb.Resource_SharedInfo{}
	readOnly := engVolume("vol1", 200)
	readOnly.Disk.Volume.Mode = mesospb.Volume_RO.Enum()
	negative := engVolume("vol1", 200)
	negative.Scalar.Value = proto.Float64(-1)
	mountVolume := engVolume("vol1", 200)
	mountVolume.Disk.Source = &mesospb.Resource_DiskInfo_Source{Type: mesospb.Resource_DiskInfo_Source_MOUNT.Enum(), Mount: &mesospb.Resource_DiskInfo_Source_Mount{Root: proto.String("/mnt/a")}}
	mountDisk := engDisk(100)
	mountDisk.Disk = &mesospb.Resource_DiskInfo{Source: mountVolume.Disk.Source}
	pathDisk := engDisk(200)
	pathDisk.Disk = &mesospb.Resource_DiskInfo{Source: &mesospb.Resource_DiskInfo_Source{Type: mesospb.Resource_DiskInfo_Source_PATH.Enum(), Path: &mesospb.Resource_DiskInfo_Source_Path{Root: proto.String("/p")}}}
	unreserved := &mesospb.Resource{Name: proto.String("disk"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(10)}}
	cpus := engDisk(1)
	cpus.Name = proto.String("cpus")
	onAgent := "Invalid GROW_VOLUME operation on agent " + a.id + " at "
	shrinkOnAgent := "Invalid SHRINK_VOLUME operation on agent " + a.id + " at "

	for _, c := range []struct {
		name string
		call *masterpb.Call
		code int
		want []string
	}{
		{"unknown agent", growCall("nope", engVolume("vol1", 200), engDisk(10)), 400, []string{"No agent found with specified ID"}},
		{"invalid volume", growCall(a.id, negative, engDisk(10)), 400, []string{onAgent, "(agent-host): Invalid resource in the 'GrowVolume.volume' field: Invalid scalar resource: value < 0"}},
		{"no addition", growCall(a.id, engVolume("vol1", 200), nil), 400, []string{"required field mesos.v1.master.Call.GrowVolume.addition not set"}},
		{"invalid addition", growCall(a.id, engVolume("vol1", 200), negative), 400, []string{onAgent, "Invalid resource in the 'GrowVolume.addition' field: Invalid scalar resource: value < 0"}},
		{"zero addition", growCall(a.id, engVolume("vol1", 200), engDisk(0)), 400, []string{onAgent, "The size of 'GrowVolume.addition' field must be greater than zero"}},
		{"not a volume", growCall(a.id, engDisk(200), engDisk(10)), 400, []string{onAgent, "Invalid persistent volume in the 'GrowVolume.volume' field: Resource disk", "does not have DiskInfo"}},
		{"read-only", growCall(a.id, readOnly, engDisk(10)), 400, []string{onAgent, "Invalid persistent volume in the 'GrowVolume.volume' field: Read-only persistent volume not supported"}},
		{"shared", growCall(a.id, shared, engDisk(10)), 400, []string{onAgent, "Growing a shared persistent volume is not supported"}},
		{"unreserved addition", growCall(a.id, engVolume("vol1", 200), unreserved), 400, []string{onAgent, "Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields"}},
		{"cpus addition", growCall(a.id, engVolume("vol1", 200), cpus), 400, []string{"Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields"}},
		{"MOUNT volume", growCall(a.id, mountVolume, mountDisk), 400, []string{"Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields"}},
		{"agent without RESIZE_VOLUME", growCall(old.id, engVolume("vol1", 200), engDisk(10)), 400, []string{"Invalid GROW_VOLUME operation on agent " + old.id, "cannot be grown on an agent without RESIZE_VOLUME capability"}},
		{"more than free", growCall(a.id, engVolume("vol1", 200), engDisk(500)), 409, nil},
		{"unknown volume", growCall(a.id, engVolume("vol2", 200), engDisk(10)), 409, nil},

		{"no shrink agent", &masterpb.Call{Type: masterpb.Call_SHRINK_VOLUME.Enum(), ShrinkVolume: &masterpb.Call_ShrinkVolume{Volume: engVolume("vol1", 200), Subtract: &mesospb.Value_Scalar{Value: proto.Float64(1)}}}, 400,
			[]string{"Expecting 'agent_id' to be present; only agent default resources are supported right now"}},
		{"invalid shrink volume", shrinkCall(a.id, negative, 10), 400, []string{shrinkOnAgent, "Invalid resource in the 'ShrinkVolume.volume' field"}},
		{"zero subtract", shrinkCall(a.id, engVolume("vol1", 200), 0), 400, []string{shrinkOnAgent, "Value of 'ShrinkVolume.subtract' must be greater than zero"}},
		{"subtract everything", shrinkCall(a.id, engVolume("vol1", 200), 200), 400, []string{shrinkOnAgent, "Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'"}},
		{"shrink MOUNT", shrinkCall(a.id, mountVolume, 10), 400, []string{shrinkOnAgent, "Shrinking a volume on a MOUNT disk is not supported"}},
		{"shrink not a volume", shrinkCall(a.id, pathDisk, 10), 400, []string{shrinkOnAgent, "Invalid persistent volume in the 'ShrinkVolume.volume' field: 'persistence' is not set in DiskInfo"}},
		{"shrink shared", shrinkCall(a.id, shared, 10), 400, []string{shrinkOnAgent, "Shrinking a shared persistent volume is not supported"}},
		{"shrink without RESIZE_VOLUME", shrinkCall(old.id, engVolume("vol1", 200), 10), 400, []string{"Invalid SHRINK_VOLUME operation on agent " + old.id, "cannot be shrunk on an agent without RESIZE_VOLUME capability"}},
		{"shrink unknown volume", shrinkCall(a.id, engVolume("vol2", 200), 10), 409, nil},
	} {
		code, body := operatorStatus(t, tm, httpapi.JSON, c.call)
		if code != c.code {
			t.Errorf("%s: %d %q, want %d", c.name, code, body, c.code)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: %q, want it to contain %q", c.name, body, w)
			}
		}
	}

	// Nothing was applied: the agent's total still has vol1 at 200.
	resp := mustGet(t, tm, httpapi.JSON, callOf(masterpb.Call_GET_AGENTS))
	for _, ag := range resp.GetGetAgents().GetAgents() {
		total := resources.New(ag.GetTotalResources()...)
		if vol, _ := total.PersistentVolumes().Disk(); vol != 200 {
			t.Errorf("agent %s: volumes %v after refused operations, want 200", ag.GetAgentInfo().GetId().GetValue(), vol)
		}
	}
}

// FuzzResizeConversion: any GROW_VOLUME or SHRINK_VOLUME (as decoded from
// a client's bytes) is either refused or converts resources without
// creating or losing disk.
func FuzzResizeConversion(f *testing.F) {
	grow, _ := proto.Marshal(&mesospb.Offer_Operation{Type: mesospb.Offer_Operation_GROW_VOLUME.Enum(),
		GrowVolume: &mesospb.Offer_Operation_GrowVolume{Volume: engVolume("v", 10), Addition: engDisk(5)}})
	shrink, _ := proto.Marshal(&mesospb.Offer_Operation{Type: mesospb.Offer_Operation_SHRINK_VOLUME.Enum(),
		ShrinkVolume: &mesospb.Offer_Operation_ShrinkVolume{Volume: engVolume("v", 10), Subtract: &mesospb.Value_Scalar{Value: proto.Float64(3)}}})
	f.Add(grow)
	f.Add(shrink)
	f.Add([]byte{})
	m := &Master{}
	a := &agent{id: "a", info: &mesospb.AgentInfo{}, capabilities: []*mesospb.AgentInfo_Capability{{Type: mesospb.AgentInfo_Capability_RESIZE_VOLUME.Enum()}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var op mesospb.Offer_Operation
		if proto.Unmarshal(data, &op) != nil {
			return
		}
		if op.GetType() != mesospb.Offer_Operation_GROW_VOLUME && op.GetType() != mesospb.Offer_Operation_SHRINK_VOLUME {
			return
		}
		consumed, converted, err := m.resizeConversion(&op, operationChecks{agent: a})
		if err != nil {
			return
		}
		in, _ := consumed.Disk()
		out, _ := converted.Disk()
		if resources.ScalarFromFloat(in) != resources.ScalarFromFloat(out) {
			t.Fatalf("%v: consumed %s, converted %s", &op, consumed, converted)
		}
	})
}

// TestOperatorResizeVolumeAuthorization: with an authorizer, the operator
// calls are held to RESIZE_VOLUME ("resize_volumes" by role): 403 for a
// principal the ACLs do not allow, 202 for one they do.
func TestOperatorResizeVolumeAuthorization(t *testing.T) {
	tm := authMasterWith(t, `{
  "permissive": false,
  "register_agents": [{"principals": {"type": "ANY"}, "agents": {"type": "ANY"}}],
  "reserve_resources": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "create_volumes": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "resize_volumes": [{"principals": {"values": ["ops"]}, "roles": {"values": ["eng"]}}]
}`, nil)
	a := registerAgent(t, tm, "cpus:2;mem:512;disk:1000", withAgentCapabilities(mesospb.AgentInfo_Capability_RESIZE_VOLUME))
	as := func(user string, call *masterpb.Call) (int, string) {
		return status(t, post(t, tm.srv.URL+"/api/v1", httpapi.JSON, call, basicHeader(user)))
	}
	reserve := callOf(masterpb.Call_RESERVE_RESOURCES)
	reserve.ReserveResources = &masterpb.Call_ReserveResources{AgentId: agentIDProto(a.id), Resources: []*mesospb.Resource{engDisk(600)}}
	create := callOf(masterpb.Call_CREATE_VOLUMES)
	create.CreateVolumes = &masterpb.Call_CreateVolumes{AgentId: agentIDProto(a.id), Volumes: []*mesospb.Resource{engVolume("vol1", 200)}}
	for _, c := range []*masterpb.Call{reserve, create} {
		if code, body := as("ops", c); code != http.StatusAccepted {
			t.Fatalf("%s: %d %s", c.GetType(), code, body)
		}
	}
	if code, _ := as("eve", growCall(a.id, engVolume("vol1", 200), engDisk(100))); code != http.StatusForbidden {
		t.Errorf("GROW_VOLUME by eve: %d, want 403", code)
	}
	if code, _ := as("eve", shrinkCall(a.id, engVolume("vol1", 200), 50)); code != http.StatusForbidden {
		t.Errorf("SHRINK_VOLUME by eve: %d, want 403", code)
	}
	if code, body := as("ops", growCall(a.id, engVolume("vol1", 200), engDisk(100))); code != http.StatusAccepted {
		t.Errorf("GROW_VOLUME by ops: %d %s, want 202", code, body)
	}
	if code, body := as("ops", shrinkCall(a.id, engVolume("vol1", 300), 50)); code != http.StatusAccepted {
		t.Errorf("SHRINK_VOLUME by ops: %d %s, want 202", code, body)
	}
}

// TestSchedulerResizeVolumeAuthorization: a framework's GROW_VOLUME in an
// ACCEPT is checked against resize_volumes like the operator's: refused
// for the framework's principal, it is dropped and the volume keeps its
// size; the same ACCEPT by a permitted principal grows it.
func TestSchedulerResizeVolumeAuthorization(t *testing.T) {
	for _, tc := range []struct {
		principal string
		grows     bool
	}{{"web", false}, {"ops", true}} {
		t.Run(tc.principal, func(t *testing.T) {
			tm := authMasterWith(t, `{
  "permissive": false,
  "register_agents": [{"principals": {"type": "ANY"}, "agents": {"type": "ANY"}}],
  "register_frameworks": [{"principals": {"type": "ANY"}, "roles": {"type": "ANY"}}],
  "reserve_resources": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "create_volumes": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
  "resize_volumes": [{"principals": {"values": ["ops"]}, "roles": {"values": ["eng"]}}]
}`, func(c *Config) {
				// The built-in allocator: it follows the operation's
				// conversion, which the tests' first-fit fake does not.
				c.Allocator = hierarchical.New()
			})
			a := registerAgent(t, tm, "cpus:2;mem:512;disk:1000", withAgentCapabilities(mesospb.AgentInfo_Capability_RESIZE_VOLUME))
			reserve := callOf(masterpb.Call_RESERVE_RESOURCES)
			reserve.ReserveResources = &masterpb.Call_ReserveResources{AgentId: agentIDProto(a.id), Resources: []*mesospb.Resource{engDisk(600)}}
			create := callOf(masterpb.Call_CREATE_VOLUMES)
			create.CreateVolumes = &masterpb.Call_CreateVolumes{AgentId: agentIDProto(a.id), Volumes: []*mesospb.Resource{engVolume("vol1", 200)}}
			for _, c := range []*masterpb.Call{reserve, create} {
				if code, body := status(t, post(t, tm.srv.URL+"/api/v1", httpapi.JSON, c, basicHeader("ops"))); code != http.StatusAccepted {
					t.Fatalf("%s: %d %s", c.GetType(), code, body)
				}
				a.next("APPLY_OPERATIONS", agentmasterpb.AgentEvent_APPLY_OPERATIONS)
			}

			info := frameworkInfo("resizer")
			info.User, info.Role, info.Principal = proto.String("nobody"), proto.String("eng"), proto.String(tc.principal)
			resp := subscribeAs(t, tm, tc.principal, info)
			if resp.StatusCode != http.StatusOK {
				code, body := status(t, resp)
				t.Fatalf("SUBSCRIBE: %d %s", code, body)
			}
			s := &testScheduler{t: t, tm: tm, codec: httpapi.JSON, streamID: resp.Header.Get(httpapi.StreamIDHeader)}
			s.events = readStream(t, resp, httpapi.JSON, func() *schedulerpb.Event { return &schedulerpb.Event{} })
			s.id = s.events.next(t, "SUBSCRIBED", func(e *schedulerpb.Event) bool {
				return e.GetType() == schedulerpb.Event_SUBSCRIBED
			}).GetSubscribed().GetFrameworkId().GetValue()

			offer := s.nextOffer()
			var volume, addition *mesospb.Resource
			for _, r := range offer.GetResources() {
				switch {
				case r.GetDisk().GetPersistence().GetId() == "vol1":
					volume = r
				case r.GetName() == "disk" && (r.GetRole() == "eng" || len(r.GetReservations()) > 0) && r.GetDisk() == nil:
					addition = proto.CloneOf(r)
					addition.Scalar = &mesospb.Value_Scalar{Value: proto.Float64(100)}
				}
			}
			if volume == nil || addition == nil {
				t.Fatalf("offer without vol1 and eng disk: %v", offer.GetResources())
			}
			code, body := s.sendAs(tc.principal, &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
				OfferIds: []*mesospb.OfferID{offer.GetId()},
				Operations: []*mesospb.Offer_Operation{{
					Type:       mesospb.Offer_Operation_GROW_VOLUME.Enum(),
					GrowVolume: &mesospb.Offer_Operation_GrowVolume{Volume: volume, Addition: addition},
				}},
				Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(0)},
			}})
			if code != http.StatusAccepted {
				t.Fatalf("ACCEPT: %d %s", code, body)
			}
			// The next offer tells what happened to the volume.
			var size float64
			for _, r := range s.nextOffer().GetResources() {
				if r.GetDisk().GetPersistence().GetId() == "vol1" {
					size = r.GetScalar().GetValue()
				}
			}
			if want := map[bool]float64{false: 200, true: 300}[tc.grows]; size != want {
				t.Fatalf("vol1 offered at %v after a GROW_VOLUME by %s, want %v", size, tc.principal, want)
			}
		})
	}
}
