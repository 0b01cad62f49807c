// Package httpapitest has test helpers for the users of package httpapi.
package httpapitest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/gomesos/mesos/core/recordio"
)

// FlushCounter is an http.ResponseWriter and http.Flusher that records
// what a stream writes and counts its flushes; it can be read while the
// stream writes.
type FlushCounter struct {
	mu      sync.Mutex
	rec     *httptest.ResponseRecorder
	flushes int
}

// NewFlushCounter returns an empty FlushCounter.
func NewFlushCounter() *FlushCounter { return &FlushCounter{rec: httptest.NewRecorder()} }

func (f *FlushCounter) Header() http.Header  { return f.rec.Header() }
func (f *FlushCounter) WriteHeader(code int) { f.rec.WriteHeader(code) }

func (f *FlushCounter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.rec.Write(p)
}

func (f *FlushCounter) Flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flushes++
}

// Flushes is how many times the stream flushed.
func (f *FlushCounter) Flushes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.flushes
}

// Records are the payloads of the RecordIO records written so far (a
// partial last record is left out).
func (f *FlushCounter) Records() [][]byte {
	f.mu.Lock()
	body := append([]byte(nil), f.rec.Body.Bytes()...)
	f.mu.Unlock()
	r := recordio.NewReader(bytes.NewReader(body), 0)
	var out [][]byte
	for {
		data, err := r.ReadRecord()
		if err != nil {
			return out
		}
		out = append(out, data)
	}
}
