package master

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/resources"
)

// The master's latencies on loopback, with the built-in HierarchicalDRF
// allocator and the allocation interval as a parameter:
//
//	go test -run '^$' -bench 'OfferRoundTrip|SubscribeToFirstOffer' -benchtime=200x ./core/master
//
// Each event stream is read by its own goroutine that stamps an event the
// moment it is decoded, so a latency is the time from the request being
// sent to the event being read by the client.

var benchIntervals = []time.Duration{time.Millisecond, 5 * time.Millisecond, 50 * time.Millisecond, time.Second}

type benchEvent[E any] struct {
	ev E
	at time.Time
}

type benchMaster struct {
	srv    *httptest.Server
	cancel context.CancelFunc
	done   chan struct{}
	bodies []io.Closer
}

func startBenchMaster(b *testing.B, interval time.Duration) *benchMaster {
	srv := httptest.NewUnstartedServer(nil)
	host, portText, _ := splitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)
	m, err := New(Config{
		IP: host, Port: port, Version: "1.11.0",
		AllocationInterval: interval,
		Allocator:          hierarchical.New(),
		Logger:             slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	srv.Config.Handler = m.Handler()
	srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	bm := &benchMaster{srv: srv, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(bm.done)
		if err := m.Run(ctx); err != nil {
			b.Errorf("master: %v", err)
		}
	}()
	b.Cleanup(func() {
		for _, c := range bm.bodies {
			c.Close()
		}
		cancel()
		<-bm.done
		srv.CloseClientConnections()
		srv.Close()
	})
	return bm
}

func (bm *benchMaster) post(b *testing.B, path string, msg proto.Message, streamID string) *http.Response {
	body, err := httpapi.Protobuf.Marshal(msg)
	if err != nil {
		b.Fatal(err)
	}
	req, _ := http.NewRequest("POST", bm.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", httpapi.Protobuf.MediaType())
	req.Header.Set("Accept", httpapi.Protobuf.MediaType())
	if streamID != "" {
		req.Header.Set(httpapi.StreamIDHeader, streamID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	return resp
}

// benchStream reads a RecordIO stream, stamping each event when decoded.
func benchStream[E proto.Message](b *testing.B, bm *benchMaster, resp *http.Response, newEvent func() E) <-chan benchEvent[E] {
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		b.Fatalf("subscribe: %d %s", resp.StatusCode, body)
	}
	bm.bodies = append(bm.bodies, resp.Body)
	out := make(chan benchEvent[E], 1024)
	go func() {
		defer close(out)
		r := recordio.NewReader(bufio.NewReader(resp.Body), 0)
		for {
			rec, err := r.ReadRecord()
			if err != nil {
				return
			}
			ev := newEvent()
			if err := httpapi.Protobuf.Unmarshal(rec, ev); err != nil {
				return
			}
			out <- benchEvent[E]{ev: ev, at: time.Now()}
		}
	}()
	return out
}

func benchNext[E any](b *testing.B, ch <-chan benchEvent[E], what string, match func(E) bool) benchEvent[E] {
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				b.Fatalf("stream ended waiting for %s", what)
			}
			if match(e.ev) {
				return e
			}
		case <-timeout:
			b.Fatalf("timed out waiting for %s", what)
		}
	}
}

type benchFramework struct {
	id, streamID string
	events       <-chan benchEvent[*schedulerpb.Event]
	resp         *http.Response
}

func benchSubscribe(b *testing.B, bm *benchMaster, name string) (*benchFramework, time.Time) {
	info := &mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String(name),
		Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}},
		Roles:        []string{"*"}}
	start := time.Now()
	resp := bm.post(b, "/api/v1/scheduler", &schedulerpb.Call{Type: schedulerpb.Call_SUBSCRIBE.Enum(),
		Subscribe: &schedulerpb.Call_Subscribe{FrameworkInfo: info}}, "")
	f := &benchFramework{streamID: resp.Header.Get(httpapi.StreamIDHeader), resp: resp}
	f.events = benchStream(b, bm, resp, func() *schedulerpb.Event { return &schedulerpb.Event{} })
	ev := benchNext(b, f.events, "SUBSCRIBED", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_SUBSCRIBED })
	f.id = ev.ev.GetSubscribed().GetFrameworkId().GetValue()
	return f, start
}

func benchAgent(b *testing.B, bm *benchMaster, i int) (string, <-chan benchEvent[*agentmasterpb.AgentEvent]) {
	rs, err := resources.ParseList("cpus:8;mem:16384;disk:65536;ports:[31000-32000]", "*")
	if err != nil {
		b.Fatal(err)
	}
	host := fmt.Sprintf("agent-%d", i)
	call := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: &mesospb.AgentInfo{Hostname: proto.String(host), Resources: rs},
		Version:   proto.String("1.11.0"),
		Address:   &mesospb.Address{Hostname: proto.String(host), Ip: proto.String("127.0.0.1"), Port: proto.Int32(int32(10000 + i))},
		// As the agent says: a MULTI_ROLE framework gets no offers from
		// agents without MULTI_ROLE.
		Capabilities: []*mesospb.AgentInfo_Capability{
			{Type: mesospb.AgentInfo_Capability_MULTI_ROLE.Enum()},
			{Type: mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE.Enum()},
			{Type: mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT.Enum()},
		},
	}}
	resp := bm.post(b, AgentAPIPath, call, "")
	events := benchStream(b, bm, resp, func() *agentmasterpb.AgentEvent { return &agentmasterpb.AgentEvent{} })
	ev := benchNext(b, events, "agent SUBSCRIBED", func(e *agentmasterpb.AgentEvent) bool {
		return e.GetType() == agentmasterpb.AgentEvent_SUBSCRIBED
	})
	return ev.ev.GetSubscribed().GetAgentId().GetValue(), events
}

func reportLatencies(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
}

// BenchmarkOfferRoundTrip: one subscribed framework; each iteration a new
// agent subscribes and the time runs until the framework reads the OFFERS
// event that holds that agent's resources. The framework keeps its offers,
// so each cycle offers only the newcomer.
func BenchmarkOfferRoundTrip(b *testing.B) {
	for _, interval := range benchIntervals {
		b.Run("interval="+interval.String(), func(b *testing.B) {
			bm := startBenchMaster(b, interval)
			f, _ := benchSubscribe(b, bm, "offers")
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				id, _ := benchAgent(b, bm, i)
				ev := benchNext(b, f.events, "OFFERS for "+id, func(e *schedulerpb.Event) bool {
					if e.GetType() != schedulerpb.Event_OFFERS {
						return false
					}
					for _, o := range e.GetOffers().GetOffers() {
						if o.GetAgentId().GetValue() == id {
							return true
						}
					}
					return false
				})
				lat = append(lat, ev.at.Sub(start))
			}
			b.StopTimer()
			reportLatencies(b, lat)
		})
	}
}

// BenchmarkSubscribeToFirstOffer: one agent; each iteration a new framework
// subscribes and the time runs from sending SUBSCRIBE until it reads its
// first OFFERS event. The framework is then torn down (untimed), which
// gives the agent's resources back for the next.
func BenchmarkSubscribeToFirstOffer(b *testing.B) {
	for _, interval := range benchIntervals {
		b.Run("interval="+interval.String(), func(b *testing.B) {
			bm := startBenchMaster(b, interval)
			benchAgent(b, bm, 0)
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f, start := benchSubscribe(b, bm, fmt.Sprintf("fw-%d", i))
				ev := benchNext(b, f.events, "first OFFERS", func(e *schedulerpb.Event) bool { return e.GetType() == schedulerpb.Event_OFFERS })
				lat = append(lat, ev.at.Sub(start))
				b.StopTimer()
				resp := bm.post(b, "/api/v1/scheduler", &schedulerpb.Call{Type: schedulerpb.Call_TEARDOWN.Enum(),
					FrameworkId: frameworkIDProto(f.id)}, f.streamID)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					b.Fatalf("TEARDOWN: %d", resp.StatusCode)
				}
				f.resp.Body.Close()
				for range f.events {
				}
				b.StartTimer()
			}
			b.StopTimer()
			reportLatencies(b, lat)
		})
	}
}
