package jsoncodec

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

func FuzzUnmarshal(f *testing.F) {
	f.Add([]byte(`{"name":"f.proto","message_type":[{"name":"M","field":[{"name":"f","number":1,"type":"TYPE_INT64"}]}],"options":{"optimize_for":"SPEED"}}`))
	f.Add([]byte(`{"public_dependency": [1, 2e3, "3"], "weak_dependency": null}`))
	f.Add([]byte(`{"source_code_info": {"location": [{"path": [1, 2], "span": [3]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m := &descriptorpb.FileDescriptorProto{}
		if err := Unmarshal(data, m); err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same message.
		out, err := Marshal(m)
		if err != nil {
			t.Fatalf("marshal of a decoded message failed: %v", err)
		}
		back := &descriptorpb.FileDescriptorProto{}
		if err := Unmarshal(out, back); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if !proto.Equal(withDefaults(m), back) {
			t.Fatalf("round trip changed the message: %s", out)
		}
	})
}
