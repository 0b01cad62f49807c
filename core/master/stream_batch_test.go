package master

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

// flushCounter is a ResponseWriter that counts flushes and can be read
// while pump writes.
type flushCounter struct {
	mu      sync.Mutex
	rec     *httptest.ResponseRecorder
	flushes int
}

func (f *flushCounter) Header() http.Header  { return f.rec.Header() }
func (f *flushCounter) WriteHeader(code int) { f.rec.WriteHeader(code) }
func (f *flushCounter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rec.Write(p)
}
func (f *flushCounter) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flushes++
}

// records decodes what was written so far.
func (f *flushCounter) records(t *testing.T) []string {
	f.mu.Lock()
	body := append([]byte(nil), f.rec.Body.Bytes()...)
	f.mu.Unlock()
	r := recordio.NewReader(bytes.NewReader(body), 0)
	var out []string
	for {
		data, err := r.ReadRecord()
		if err != nil {
			return out
		}
		var id mesospb.AgentID
		if err := proto.Unmarshal(data, &id); err != nil {
			t.Fatalf("record %d: %v", len(out), err)
		}
		out = append(out, id.GetValue())
	}
}

// TestPumpFlushesQueuedEventsTogether: events already queued when pump
// takes one are written behind it and flushed with it, in order, at most
// maxEventsPerFlush per flush, for both kinds of subscriber.
func TestPumpFlushesQueuedEventsTogether(t *testing.T) {
	const n = 100
	for name, s := range map[string]*subscriber{"plain": newSubscriber("s"), "spilling": newSpillingSubscriber("s")} {
		t.Run(name, func(t *testing.T) {
			for i := range n {
				if !s.send(numbered(i)) {
					t.Fatalf("event %d refused", i)
				}
			}
			w := &flushCounter{rec: httptest.NewRecorder()}
			out, err := httpapi.StartStream(w, httpapi.Protobuf, s.id)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan bool)
			go func() { done <- pump(ctx, out, s, 0, nil) }()
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
			// StartStream's flush of the headers, then 64 + 36 events.
			if want := 1 + (n+maxEventsPerFlush-1)/maxEventsPerFlush; w.flushes != want {
				t.Errorf("%d flushes for %d queued events, want %d", w.flushes, n, want)
			}
		})
	}
}
