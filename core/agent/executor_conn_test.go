package agent

import (
	"context"
	"strconv"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/httpapi/httpapitest"
	"github.com/gomesos/mesos/core/proto/mesospb"
)

// TestExecutorPumpFlushesQueuedEventsTogether: the events queued for an
// executor when its stream's pump takes one are written in order and
// flushed together, at most httpapi.MaxRecordsPerFlush per flush.
func TestExecutorPumpFlushesQueuedEventsTogether(t *testing.T) {
	const n = 70
	c := newExecutorConn()
	for i := range n {
		if !c.send(&mesospb.TaskID{Value: proto.String(strconv.Itoa(i))}) {
			t.Fatalf("event %d refused", i)
		}
	}
	w := httpapitest.NewFlushCounter()
	out, err := httpapi.StartStream(w, httpapi.Protobuf, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan bool)
	go func() { done <- c.pump(ctx, out, time.Hour) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(httpapitest.RecordValues(t, w.Records(), func() *mesospb.TaskID { return &mesospb.TaskID{} })) < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	got := httpapitest.RecordValues(t, w.Records(), func() *mesospb.TaskID { return &mesospb.TaskID{} })
	if len(got) != n {
		t.Fatalf("%d records written, want %d", len(got), n)
	}
	for i, v := range got {
		if v != strconv.Itoa(i) {
			t.Fatalf("record %d is %s", i, v)
		}
	}
	// StartStream's flush of the headers, then 64 + 6 events.
	if want := 1 + (n+httpapi.MaxRecordsPerFlush-1)/httpapi.MaxRecordsPerFlush; w.Flushes() != want {
		t.Errorf("%d flushes for %d queued events, want %d", w.Flushes(), n, want)
	}
}
