package agent

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
)

// countingWriter counts flushes and can be read while pump writes.
type countingWriter struct {
	mu      sync.Mutex
	rec     *httptest.ResponseRecorder
	flushes int
}

func (c *countingWriter) Header() http.Header  { return c.rec.Header() }
func (c *countingWriter) WriteHeader(code int) { c.rec.WriteHeader(code) }
func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rec.Write(p)
}
func (c *countingWriter) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushes++
}

func (c *countingWriter) records(t *testing.T) []string {
	c.mu.Lock()
	body := append([]byte(nil), c.rec.Body.Bytes()...)
	c.mu.Unlock()
	r := recordio.NewReader(bytes.NewReader(body), 0)
	var out []string
	for {
		data, err := r.ReadRecord()
		if err != nil {
			return out
		}
		var id mesospb.TaskID
		if err := proto.Unmarshal(data, &id); err != nil {
			t.Fatalf("record %d: %v", len(out), err)
		}
		out = append(out, id.GetValue())
	}
}

// TestExecutorPumpFlushesQueuedEventsTogether: the events queued for an
// executor when its stream's pump takes one are written in order and
// flushed together, at most maxEventsPerFlush per flush.
func TestExecutorPumpFlushesQueuedEventsTogether(t *testing.T) {
	const n = 70
	c := newExecutorConn()
	for i := range n {
		if !c.send(&mesospb.TaskID{Value: proto.String(strconv.Itoa(i))}) {
			t.Fatalf("event %d refused", i)
		}
	}
	w := &countingWriter{rec: httptest.NewRecorder()}
	out, err := httpapi.StartStream(w, httpapi.Protobuf, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan bool)
	go func() { done <- c.pump(ctx, out, time.Hour) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(w.records(t)) < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	got := w.records(t)
	if len(got) != n {
		t.Fatalf("%d records written, want %d", len(got), n)
	}
	for i, v := range got {
		if v != strconv.Itoa(i) {
			t.Fatalf("record %d is %s", i, v)
		}
	}
	// StartStream's flush of the headers, then 64 + 6 events.
	if want := 1 + (n+maxEventsPerFlush-1)/maxEventsPerFlush; w.flushes != want {
		t.Errorf("%d flushes for %d queued events, want %d", w.flushes, n, want)
	}
}
