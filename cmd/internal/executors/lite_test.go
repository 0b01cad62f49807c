package executors

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/gomesos/mesos/core/proto/executorlitepb"
	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

const litePackage = "gomesos.v1.executorlite."

// fullName is the mesos.v1 or mesos.v1.executor name of a small type.
func fullName(lite protoreflect.FullName) protoreflect.FullName {
	rel := strings.TrimPrefix(string(lite), litePackage)
	if rel == "Event" || rel == "Call" || strings.HasPrefix(rel, "Event.") || strings.HasPrefix(rel, "Call.") {
		return protoreflect.FullName("mesos.v1.executor." + rel)
	}
	return protoreflect.FullName("mesos.v1." + rel)
}

// Every field of the small types is the full types' field of the same
// name: number, kind, repetition, default and type; every enum has the
// full enum's values. This is what makes them wire-compatible.
func TestLiteTypesMatchMesosProto(t *testing.T) {
	file := executorlitepb.File_gomesos_v1_executorlite_proto
	var checkMessages func(protoreflect.MessageDescriptors)
	checkEnums := func(enums protoreflect.EnumDescriptors) {
		for i := 0; i < enums.Len(); i++ {
			compareEnum(t, enums.Get(i))
		}
	}
	checkMessages = func(msgs protoreflect.MessageDescriptors) {
		for i := 0; i < msgs.Len(); i++ {
			m := msgs.Get(i)
			compareMessage(t, m)
			checkMessages(m.Messages())
			checkEnums(m.Enums())
		}
	}
	checkMessages(file.Messages())
	checkEnums(file.Enums())
}

func compareMessage(t *testing.T, lite protoreflect.MessageDescriptor) {
	t.Helper()
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(fullName(lite.FullName()))
	if err != nil {
		t.Errorf("%s: no full type %s: %v", lite.FullName(), fullName(lite.FullName()), err)
		return
	}
	full, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		t.Errorf("%s: %s is not a message", lite.FullName(), d.FullName())
		return
	}
	for i := 0; i < lite.Fields().Len(); i++ {
		lf := lite.Fields().Get(i)
		ff := full.Fields().ByName(lf.Name())
		if ff == nil {
			t.Errorf("%s: no field %s in %s", lite.FullName(), lf.Name(), full.FullName())
			continue
		}
		if lf.Number() != ff.Number() || lf.Kind() != ff.Kind() || lf.IsList() != ff.IsList() || lf.IsMap() != ff.IsMap() {
			t.Errorf("%s: number/kind/repetition %d %s %v, full %d %s %v", lf.FullName(), lf.Number(), lf.Kind(), lf.IsList(), ff.Number(), ff.Kind(), ff.IsList())
		}
		if lf.HasDefault() != ff.HasDefault() || lf.HasDefault() && lf.Default().String() != ff.Default().String() {
			t.Errorf("%s: default %v (%v), full %v (%v)", lf.FullName(), lf.Default(), lf.HasDefault(), ff.Default(), ff.HasDefault())
		}
		switch {
		case lf.Message() != nil && fullName(lf.Message().FullName()) != ff.Message().FullName():
			t.Errorf("%s: type %s, full %s", lf.FullName(), lf.Message().FullName(), ff.Message().FullName())
		case lf.Enum() != nil && fullName(lf.Enum().FullName()) != ff.Enum().FullName():
			t.Errorf("%s: type %s, full %s", lf.FullName(), lf.Enum().FullName(), ff.Enum().FullName())
		}
	}
}

func compareEnum(t *testing.T, lite protoreflect.EnumDescriptor) {
	t.Helper()
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(fullName(lite.FullName()))
	if err != nil {
		t.Errorf("%s: no full enum: %v", lite.FullName(), err)
		return
	}
	full, ok := d.(protoreflect.EnumDescriptor)
	if !ok {
		t.Errorf("%s: %s is not an enum", lite.FullName(), d.FullName())
		return
	}
	if lite.Values().Len() != full.Values().Len() {
		t.Errorf("%s: %d values, full %d", lite.FullName(), lite.Values().Len(), full.Values().Len())
	}
	for i := 0; i < full.Values().Len(); i++ {
		fv := full.Values().Get(i)
		if lv := lite.Values().ByName(fv.Name()); lv == nil || lv.Number() != fv.Number() {
			t.Errorf("%s: value %s = %d missing or renumbered", lite.FullName(), fv.Name(), fv.Number())
		}
	}
}

// fullTask is a task with fields the small types leave out.
func fullTask() *mesospb.TaskInfo {
	return &mesospb.TaskInfo{
		Name: proto.String("t"), TaskId: &mesospb.TaskID{Value: proto.String("t")}, AgentId: &mesospb.AgentID{Value: proto.String("a")},
		Resources: []*mesospb.Resource{{Name: proto.String("cpus"), Type: mesospb.Value_SCALAR.Enum(), Scalar: &mesospb.Value_Scalar{Value: proto.Float64(0.5)}}},
		Command: &mesospb.CommandInfo{
			Value: proto.String("true"), User: proto.String("nobody"),
			Uris:        []*mesospb.CommandInfo_URI{{Value: proto.String("http://example.com/a.tgz")}},
			Environment: &mesospb.Environment{Variables: []*mesospb.Environment_Variable{{Name: proto.String("A"), Value: proto.String("1")}}},
		},
		Labels:      &mesospb.Labels{Labels: []*mesospb.Label{{Key: proto.String("k"), Value: proto.String("v")}}},
		HealthCheck: &mesospb.HealthCheck{Type: mesospb.HealthCheck_TCP.Enum(), Tcp: &mesospb.HealthCheck_TCPCheckInfo{Port: proto.Uint32(80), Protocol: mesospb.NetworkInfo_IPv6.Enum()}},
		KillPolicy:  &mesospb.KillPolicy{GracePeriod: &mesospb.DurationInfo{Nanoseconds: proto.Int64(5)}},
		Limits:      map[string]*mesospb.Value_Scalar{"cpus": {Value: proto.Float64(1)}},
	}
}

// An event read with the small types and written again (as the client
// does with unacknowledged tasks on SUBSCRIBE) is the agent's event.
func TestLiteRoundTripKeepsUnknownFields(t *testing.T) {
	want := &executorpb.Event{Type: executorpb.Event_LAUNCH.Enum(), Launch: &executorpb.Event_Launch{Task: fullTask()}}
	b, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	lite := &executorlitepb.Event{}
	if err := proto.Unmarshal(b, lite); err != nil {
		t.Fatal(err)
	}
	task := lite.GetLaunch().GetTask()
	if task.GetCommand().GetValue() != "true" || task.GetCommand().GetUser() != "nobody" ||
		task.GetHealthCheck().GetTcp().GetProtocol() != executorlitepb.NetworkInfo_IPv6 ||
		task.GetKillPolicy().GetGracePeriod().GetNanoseconds() != 5 || !task.GetCommand().GetShell() {
		t.Errorf("small task reads %v", task)
	}
	got, err := toFullEvent(lite)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(got, want) {
		t.Errorf("round trip:\n got %v\nwant %v", got, want)
	}

	// The docker executor's statuses keep what the small TaskStatus leaves out.
	status := &mesospb.TaskStatus{TaskId: &mesospb.TaskID{Value: proto.String("t")}, State: mesospb.TaskState_TASK_RUNNING.Enum(),
		ContainerStatus: &mesospb.ContainerStatus{NetworkInfos: []*mesospb.NetworkInfo{{IpAddresses: []*mesospb.NetworkInfo_IPAddress{{IpAddress: proto.String("10.0.0.1")}}}}}}
	ls, err := toLiteStatus(status)
	if err != nil {
		t.Fatal(err)
	}
	call := &executorlitepb.Call{Type: executorlitepb.Call_UPDATE.Enum(), Update: &executorlitepb.Call_Update{Status: ls},
		ExecutorId: &executorlitepb.ExecutorID{Value: proto.String("e")}, FrameworkId: &executorlitepb.FrameworkID{Value: proto.String("f")}}
	cb, err := proto.Marshal(call)
	if err != nil {
		t.Fatal(err)
	}
	var fullCall executorpb.Call
	if err := proto.Unmarshal(cb, &fullCall); err != nil {
		t.Fatalf("the agent's types do not read the call: %v", err)
	}
	if !proto.Equal(fullCall.GetUpdate().GetStatus(), status) {
		t.Errorf("status through the small types:\n got %v\nwant %v", fullCall.GetUpdate().GetStatus(), status)
	}
}
