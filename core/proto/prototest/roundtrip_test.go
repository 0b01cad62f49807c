package prototest

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/agentpb"
	_ "github.com/gomesos/mesos/core/proto/allocatorpb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	_ "github.com/gomesos/mesos/core/proto/maintenancepb"
	"github.com/gomesos/mesos/core/proto/masterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	_ "github.com/gomesos/mesos/core/proto/quotapb"
	_ "github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	_ "github.com/gomesos/mesos/modules/kinds/allocator"
)

// mesosMessages lists every message type (nested ones included, map entries
// excluded) of the mesos.v1 packages and of our own protocols (gomesos.*)
// linked into this test.
func mesosMessages(t *testing.T) []protoreflect.MessageType {
	var out []protoreflect.MessageType
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		d := mt.Descriptor()
		name := string(d.FullName())
		if (strings.HasPrefix(name, "mesos.v1.") || strings.HasPrefix(name, "gomesos.")) && !d.IsMapEntry() {
			out = append(out, mt)
		}
		return true
	})
	if len(out) < 300 {
		t.Fatalf("only %d mesos.v1 message types registered; are the generated packages linked?", len(out))
	}
	return out
}

// roundTrip checks both encodings, and each against the other.
func roundTrip(t *testing.T, m proto.Message) {
	t.Helper()
	name := m.ProtoReflect().Descriptor().FullName()

	wire, err := proto.Marshal(m)
	if err != nil {
		t.Fatalf("%s: protobuf marshal: %v", name, err)
	}
	fromWire := m.ProtoReflect().New().Interface()
	if err := proto.Unmarshal(wire, fromWire); err != nil {
		t.Fatalf("%s: protobuf unmarshal: %v", name, err)
	}
	if !proto.Equal(m, fromWire) {
		t.Fatalf("%s: protobuf round trip changed the message", name)
	}

	js, err := jsoncodec.Marshal(m)
	if err != nil {
		t.Fatalf("%s: JSON marshal: %v", name, err)
	}
	fromJSON := m.ProtoReflect().New().Interface()
	if err := jsoncodec.Unmarshal(js, fromJSON); err != nil {
		t.Fatalf("%s: JSON unmarshal: %v\n%s", name, err, js)
	}
	want := WithMesosDefaults(m)
	if !proto.Equal(want, fromJSON) {
		t.Fatalf("%s: JSON round trip changed the message\n%s", name, js)
	}

	// JSON in, protobuf out, protobuf in, JSON out: the same document.
	rewire, err := proto.Marshal(fromJSON)
	if err != nil {
		t.Fatalf("%s: protobuf marshal of the JSON-decoded message: %v", name, err)
	}
	again := m.ProtoReflect().New().Interface()
	if err := proto.Unmarshal(rewire, again); err != nil {
		t.Fatal(err)
	}
	js2, err := jsoncodec.Marshal(again)
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != string(js2) {
		t.Fatalf("%s: JSON differs after a trip through protobuf:\n%s\n%s", name, js, js2)
	}
}

func TestEveryMessageRoundTrips(t *testing.T) {
	types := mesosMessages(t)
	var f Filler
	for _, mt := range types {
		m := f.Fill(mt.New()).Interface()
		roundTrip(t, m)
		// The empty message too, where it has no required fields.
		if empty := mt.New().Interface(); proto.CheckInitialized(empty) == nil {
			roundTrip(t, empty)
		}
	}
	t.Logf("%d message types round-tripped in both encodings", len(types))
}

// TestEveryCallAndEventType builds, for each value of each Call.Type and
// Event.Type enum, the message with that type and its matching payload field
// (SUBSCRIBE -> subscribe), and round-trips it.
func TestEveryCallAndEventType(t *testing.T) {
	tops := []proto.Message{
		&schedulerpb.Call{}, &schedulerpb.Event{},
		&executorpb.Call{}, &executorpb.Event{},
		&masterpb.Call{}, &masterpb.Event{}, &masterpb.Response{},
		&agentpb.Call{}, &agentpb.Response{},
	}
	var f Filler
	total := 0
	for _, top := range tops {
		desc := top.ProtoReflect().Descriptor()
		typeField := desc.Fields().ByName("type")
		if typeField == nil || typeField.Enum() == nil {
			t.Fatalf("%s has no type enum", desc.FullName())
		}
		values := typeField.Enum().Values()
		withPayload := 0
		for i := 0; i < values.Len(); i++ {
			v := values.Get(i)
			m := f.FillRequired(top.ProtoReflect().New())
			m.Set(typeField, protoreflect.ValueOfEnum(v.Number()))
			if payload := desc.Fields().ByName(protoreflect.Name(strings.ToLower(string(v.Name())))); payload != nil && payload.Message() != nil {
				f.Fill(m.Mutable(payload).Message())
				withPayload++
			}
			if err := proto.CheckInitialized(m.Interface()); err != nil {
				t.Fatalf("%s %s: %v", desc.FullName(), v.Name(), err)
			}
			roundTrip(t, m.Interface())
			total++
		}
		t.Logf("%s: %d types, %d with a payload message", desc.FullName(), values.Len(), withPayload)
	}
	t.Logf("%d call/event/response types round-tripped", total)
}

// TestMesosClientJSON decodes documents as Mesos's own documentation and
// clients write them.
func TestMesosClientJSON(t *testing.T) {
	subscribe := `{
	  "type": "SUBSCRIBE",
	  "subscribe": {
	    "framework_info": {
	      "user": "foo",
	      "name": "Example HTTP Framework",
	      "roles": ["test"],
	      "capabilities": [{"type": "MULTI_ROLE"}]
	    }
	  }
	}`
	call := &schedulerpb.Call{}
	if err := jsoncodec.Unmarshal([]byte(subscribe), call); err != nil {
		t.Fatal(err)
	}
	fi := call.GetSubscribe().GetFrameworkInfo()
	if call.GetType() != schedulerpb.Call_SUBSCRIBE || fi.GetName() != "Example HTTP Framework" || fi.GetRoles()[0] != "test" {
		t.Fatalf("decoded %v", call)
	}
	// Mesos writes unset fields with defaults: failover_timeout, checkpoint, role.
	out, err := jsoncodec.Marshal(fi)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"failover_timeout":0`, `"checkpoint":false`, `"capabilities":[{"type":"MULTI_ROLE"}]`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("FrameworkInfo JSON lacks %s: %s", want, out)
		}
	}
	// role is deprecated: Mesos does not write its default.
	if strings.Contains(string(out), `"role"`) {
		t.Errorf("deprecated role default written: %s", out)
	}

	accept := `{
	  "framework_id": {"value": "12220-3440-12532-2345"},
	  "type": "ACCEPT",
	  "accept": {
	    "offer_ids": [{"value": "12220-3440-12532-O12"}],
	    "operations": [{
	      "type": "LAUNCH",
	      "launch": {"task_infos": [{
	        "name": "My Task",
	        "task_id": {"value": "12220-3440-12532-my-task"},
	        "agent_id": {"value": "12220-3440-12532-S1233"},
	        "command": {"shell": true, "value": "sleep 1000"},
	        "resources": [
	          {"name": "cpus", "role": "*", "type": "SCALAR", "scalar": {"value": 1.0}},
	          {"name": "mem", "role": "*", "type": "SCALAR", "scalar": {"value": 128.0}},
	          {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 31000, "end": 31005}]}}
	        ]
	      }]}
	    }],
	    "filters": {"refuse_seconds": 5.0}
	  }
	}`
	call = &schedulerpb.Call{}
	if err := jsoncodec.Unmarshal([]byte(accept), call); err != nil {
		t.Fatal(err)
	}
	task := call.GetAccept().GetOperations()[0].GetLaunch().GetTaskInfos()[0]
	if task.GetCommand().GetValue() != "sleep 1000" || task.GetResources()[2].GetRanges().GetRange()[0].GetEnd() != 31005 {
		t.Fatalf("decoded %v", call)
	}
	roundTrip(t, call)
}

func TestRequiredEnumUnknownNameIsAnError(t *testing.T) {
	// Resource.type is a required enum: an unknown name cannot be dropped.
	err := jsoncodec.Unmarshal([]byte(`{"name":"cpus","type":"VECTOR"}`), &mesospb.Resource{})
	if err == nil || !strings.Contains(err.Error(), "VECTOR") {
		t.Fatalf("got %v, want an error naming VECTOR", err)
	}
}
