package prototest

import (
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
)

// offersEvent is an OFFERS event with 100 offers populated to depth 4: the
// shape of the largest message a scheduler stream carries.
func offersEvent() *schedulerpb.Event {
	f := Filler{MaxDepth: 4}
	offers := &schedulerpb.Event_Offers{}
	for i := 0; i < 100; i++ {
		offers.Offers = append(offers.Offers, f.Fill((&mesospb.Offer{}).ProtoReflect()).Interface().(*mesospb.Offer))
	}
	return &schedulerpb.Event{Type: schedulerpb.Event_OFFERS.Enum(), Offers: offers}
}

// The encoders side by side on one message: ours (Mesos's JSON dialect),
// protojson (the canonical mapping, for reference), and binary protobuf.
func BenchmarkEncodeOffersEvent(b *testing.B) {
	ev := offersEvent()
	size := func(out []byte, err error) {
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(out)))
	}
	b.Run("jsoncodec", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			var err error
			buf, err = jsoncodec.AppendMarshal(buf[:0], ev)
			size(buf, err)
		}
	})
	b.Run("protojson", func(b *testing.B) {
		opts := protojson.MarshalOptions{UseProtoNames: true}
		for b.Loop() {
			size(opts.Marshal(ev))
		}
	})
	b.Run("protobuf", func(b *testing.B) {
		for b.Loop() {
			size(proto.Marshal(ev))
		}
	})
}

func BenchmarkDecodeOffersEvent(b *testing.B) {
	ev := offersEvent()
	js, err := jsoncodec.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	wire, err := proto.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("jsoncodec", func(b *testing.B) {
		b.SetBytes(int64(len(js)))
		for b.Loop() {
			if err := jsoncodec.Unmarshal(js, &schedulerpb.Event{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("protojson", func(b *testing.B) {
		b.SetBytes(int64(len(js)))
		opts := protojson.UnmarshalOptions{DiscardUnknown: true}
		for b.Loop() {
			if err := opts.Unmarshal(js, &schedulerpb.Event{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("protobuf", func(b *testing.B) {
		b.SetBytes(int64(len(wire)))
		for b.Loop() {
			if err := proto.Unmarshal(wire, &schedulerpb.Event{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
