package prototest

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// FuzzCallDecoding feeds arbitrary bytes to both decoders of the calls that
// reach the master and agent from outside: whatever decodes must re-encode
// and decode to the same message, and nothing may panic.
func FuzzCallDecoding(f *testing.F) {
	var filler Filler
	filler.MaxDepth = 3
	for _, m := range []proto.Message{&schedulerpb.Call{}, &executorpb.Call{}} {
		full := filler.Fill(m.ProtoReflect().New()).Interface()
		js, _ := jsoncodec.Marshal(full)
		wire, _ := proto.Marshal(full)
		f.Add(js)
		f.Add(wire)
	}
	f.Add([]byte(`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range []proto.Message{&schedulerpb.Call{}, &executorpb.Call{}} {
			if err := jsoncodec.Unmarshal(data, m); err == nil {
				checkStable(t, m)
			}
			m = m.ProtoReflect().New().Interface()
			if err := proto.Unmarshal(data, m); err == nil {
				checkStable(t, m)
			}
		}
	})
}

func checkStable(t *testing.T, m proto.Message) {
	t.Helper()
	js, err := jsoncodec.Marshal(m)
	if err != nil {
		t.Fatalf("marshal of a decoded message: %v", err)
	}
	back := m.ProtoReflect().New().Interface()
	if err := jsoncodec.Unmarshal(js, back); err != nil {
		// Unknown enum numbers from protobuf input are written as numbers
		// and dropped on the way back in; anything else is a bug.
		t.Fatalf("re-decode of %s: %v", js, err)
	}
	js2, err := jsoncodec.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	back2 := m.ProtoReflect().New().Interface()
	if err := jsoncodec.Unmarshal(js2, back2); err != nil || !proto.Equal(back, back2) {
		t.Fatalf("encoding is not stable: %s then %s (%v)", js, js2, err)
	}
}
