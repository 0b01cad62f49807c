package master

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/httpapi/httpapitest"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestPumpFlushesQueuedEventsTogether: events already queued when pump
// takes one are written behind it and flushed with it, in order, at most
// httpapi.MaxRecordsPerFlush per flush, for both kinds of subscriber.
func TestPumpFlushesQueuedEventsTogether(t *testing.T) {
	const n = 100
	for name, s := range map[string]*subscriber{"plain": newSubscriber("s"), "spilling": newSpillingSubscriber("s")} {
		t.Run(name, func(t *testing.T) {
			for i := range n {
				if !s.send(numbered(i)) {
					t.Fatalf("event %d refused", i)
				}
			}
			w := httpapitest.NewFlushCounter()
			out, err := httpapi.StartStream(w, httpapi.Protobuf, s.id)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan bool)
			go func() { done <- pump(ctx, out, s, 0, nil) }()
			deadline := time.Now().Add(10 * time.Second)
			for len(httpapitest.RecordValues(t, w.Records(), func() *mesospb.AgentID { return &mesospb.AgentID{} })) < n && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
			<-done
			got := httpapitest.RecordValues(t, w.Records(), func() *mesospb.AgentID { return &mesospb.AgentID{} })
			if len(got) != n {
				t.Fatalf("%d records written, want %d", len(got), n)
			}
			for i, v := range got {
				if v != strconv.Itoa(i) {
					t.Fatalf("record %d is %s", i, v)
				}
			}
			// StartStream's flush of the headers, then 64 + 36 events.
			if want := 1 + (n+httpapi.MaxRecordsPerFlush-1)/httpapi.MaxRecordsPerFlush; w.Flushes() != want {
				t.Errorf("%d flushes for %d queued events, want %d", w.Flushes(), n, want)
			}
		})
	}
}
