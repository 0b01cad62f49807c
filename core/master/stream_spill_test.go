package master

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strconv"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
)

func numbered(i int) proto.Message { return &mesospb.AgentID{Value: proto.String(strconv.Itoa(i))} }

// TestSpillingSubscriberKeepsOrderAndBound: an agent's stream queue takes
// events beyond its small channel in order, up to the same bound as any
// stream, and closes the stream past it.
func TestSpillingSubscriberKeepsOrderAndBound(t *testing.T) {
	s := newSpillingSubscriber("s")
	for i := range streamQueueSize {
		if !s.send(numbered(i)) {
			t.Fatalf("event %d refused below the bound", i)
		}
	}
	if s.send(numbered(streamQueueSize)) {
		t.Fatal("an event past the bound was queued")
	}
	select {
	case <-s.closed:
	default:
		t.Fatal("the stream is not closed past the bound")
	}
	for i := range streamQueueSize {
		ev := <-s.events
		s.refill()
		if got := ev.(*mesospb.AgentID).GetValue(); got != strconv.Itoa(i) {
			t.Fatalf("event %d is %s", i, got)
		}
	}
	if len(s.events) != 0 || len(s.spill) != 0 {
		t.Fatalf("left over: %d in the channel, %d spilled", len(s.events), len(s.spill))
	}
}

// TestPumpWritesSpilledEvents: pump writes every queued event of a spilling
// subscriber in order, those queued before the master closed it included.
func TestPumpWritesSpilledEvents(t *testing.T) {
	const n = 500
	s := newSpillingSubscriber("s")
	for i := range n {
		s.send(numbered(i))
	}
	s.close()
	rec := httptest.NewRecorder()
	out, err := httpapi.StartStream(rec, httpapi.Protobuf, s.id)
	if err != nil {
		t.Fatal(err)
	}
	if !pump(context.Background(), out, s, 0, nil) {
		t.Fatal("pump says the client ended the stream")
	}
	r := recordio.NewReader(bytes.NewReader(rec.Body.Bytes()), 0)
	for i := range n {
		data, err := r.ReadRecord()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		var id mesospb.AgentID
		if err := proto.Unmarshal(data, &id); err != nil || id.GetValue() != strconv.Itoa(i) {
			t.Fatalf("record %d is %q (%v)", i, id.GetValue(), err)
		}
	}
	if _, err := r.ReadRecord(); err == nil {
		t.Fatal("more records than events")
	}
}
