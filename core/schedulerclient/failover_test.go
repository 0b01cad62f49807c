package schedulerclient

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
)

// A leader answering 503 (still recovering) twice, reached through a
// follower's 307: SubscribeRetrying retries, follows, and subscribes.
func TestSubscribeRetryingFollowsAndRetries(t *testing.T) {
	var attempts atomic.Int32
	var gotID atomic.Value
	leader := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if attempts.Add(1) <= 2 {
			http.Error(w, "Master has not finished recovery", http.StatusServiceUnavailable)
			return
		}
		call := &schedulerpb.Call{}
		body, _ := io.ReadAll(r.Body)
		if err := httpapi.JSON.Unmarshal(body, call); err != nil {
			t.Errorf("decode: %v", err)
		}
		gotID.Store(call.GetSubscribe().GetFrameworkInfo().GetId().GetValue())
		w.Header().Set(httpapi.StreamIDHeader, "s1")
		w.WriteHeader(http.StatusOK)
		ev := &schedulerpb.Event{Type: schedulerpb.Event_SUBSCRIBED.Enum(), Subscribed: &schedulerpb.Event_Subscribed{
			FrameworkId: &mesospb.FrameworkID{Value: proto.String("fw-1")},
		}}
		data, _ := httpapi.JSON.Marshal(ev)
		_, _ = w.Write(recordio.Append(nil, data))
	}))
	defer leader.Close()
	follower := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "//"+strings.TrimPrefix(leader.URL, "http://")+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer follower.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info := &mesospb.FrameworkInfo{User: proto.String("u"), Name: proto.String("f"), Id: &mesospb.FrameworkID{Value: proto.String("fw-1")}}
	s, err := SubscribeRetrying(ctx, Config{Master: strings.TrimPrefix(follower.URL, "http://")}, info, Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.FrameworkID() != "fw-1" || s.Master() != strings.TrimPrefix(leader.URL, "http://") {
		t.Errorf("subscribed as %s with %s", s.FrameworkID(), s.Master())
	}
	if attempts.Load() != 3 || gotID.Load() != "fw-1" {
		t.Errorf("%d attempts, framework id sent %v", attempts.Load(), gotID.Load())
	}
}

// A refusal other than 503 is not retried.
func TestSubscribeRetryingGivesUpOnRefusal(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad framework", http.StatusBadRequest)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := SubscribeRetrying(ctx, Config{Master: strings.TrimPrefix(srv.URL, "http://")}, &mesospb.FrameworkInfo{}, Backoff{Min: 10 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "400") || ctx.Err() != nil {
		t.Fatalf("err = %v", err)
	}
}
