package schedulerclient

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
)

// Calls from more goroutines than http.DefaultTransport keeps idle
// connections for (2 per host) reuse the session's connections instead of
// dialing one per call, and Close closes the idle ones.
func TestParallelCallsReuseConnections(t *testing.T) {
	var opened, closed atomic.Int32
	var calls atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		call := &schedulerpb.Call{}
		body, _ := io.ReadAll(r.Body)
		if err := httpapi.JSON.Unmarshal(body, call); err != nil {
			t.Errorf("decode: %v", err)
		}
		if call.GetType() != schedulerpb.Call_SUBSCRIBE {
			calls.Add(1)
			time.Sleep(time.Millisecond) // keep the goroutines' calls overlapping
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set(httpapi.StreamIDHeader, "s1")
		w.WriteHeader(http.StatusOK)
		ev := &schedulerpb.Event{Type: schedulerpb.Event_SUBSCRIBED.Enum(), Subscribed: &schedulerpb.Event_Subscribed{
			FrameworkId: &mesospb.FrameworkID{Value: proto.String("fw-1")},
		}}
		data, _ := httpapi.JSON.Marshal(ev)
		_, _ = w.Write(recordio.Append(nil, data))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			opened.Add(1)
		case http.StateClosed, http.StateHijacked:
			closed.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	info := &mesospb.FrameworkInfo{User: proto.String("u"), Name: proto.String("f")}
	s, err := Subscribe(ctx, Config{Master: strings.TrimPrefix(srv.URL, "http://")}, info)
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, perGoroutine = 8, 25
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range perGoroutine {
				// Bursts with pauses, as a framework's acknowledgements
				// come: the connections are idle between them.
				time.Sleep(2 * time.Millisecond)
				if err := s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_REVIVE.Enum()}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if calls.Load() != goroutines*perGoroutine {
		t.Fatalf("%d calls reached the master, want %d", calls.Load(), goroutines*perGoroutine)
	}
	// The stream's connection plus at most one per calling goroutine.
	if n := opened.Load(); n > 1+goroutines {
		t.Errorf("%d connections opened for %d calls from %d goroutines, want at most %d", n, goroutines*perGoroutine, goroutines, 1+goroutines)
	}
	t.Logf("%d connections for %d calls", opened.Load(), calls.Load())
	s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for closed.Load() < opened.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if closed.Load() != opened.Load() {
		t.Errorf("after Close %d of %d connections are closed", closed.Load(), opened.Load())
	}
}
