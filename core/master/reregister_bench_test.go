package master

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/builtin/allocator/hierarchical"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/agentmasterpb"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/registrypb"
	"github.com/gomesos/mesos/core/recordio"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/resources"
)

// BenchmarkReregisterAfterRecovery is the new leader's side of a failover,
// in one process: a master recovers a registry that admits N agents and
// the N agents re-register at once (each keeps its stream open, as agents
// do), with the built-in HierarchicalDRF allocator and the master logging
// at INFO, as bin/mesos-master does. Per iteration a fresh master
// recovers the same registry; the time runs from the first SUBSCRIBE sent
// to the last SUBSCRIBED read.
//
//	go test -run '^$' -bench ReregisterAfterRecovery -benchtime=5x ./core/master
//
// via=http: over HTTP on loopback, the agents' HTTP clients in this
// process too (so cpu-µs/agent counts both ends). via=handler: each
// SUBSCRIBE goes to the master's handler directly, without a network or
// net/http's server: what the master's own code costs per agent.
// ns/agent is wall time per agent; cpu-µs/agent the process's CPU time
// (user+system, garbage collection included) per agent; registry-ops must
// stay 0 (an unchanged agent costs the registrar nothing).
func BenchmarkReregisterAfterRecovery(b *testing.B) {
	sizes := []int{100, 1000, 5000} // 5,000 streams need 10,000 descriptors over HTTP
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, via := range []string{"http", "handler"} {
		for _, n := range sizes {
			b.Run("via="+via+"/agents="+strconv.Itoa(n), func(b *testing.B) {
				store, infos := benchRegistryStore(b, n)
				var wall, cpu time.Duration
				var ops uint64
				for range b.N {
					w, c, o := reregisterOnce(b, store, infos, via == "http")
					wall, cpu, ops = wall+w, cpu+c, ops+o
				}
				perAgent := float64(b.N * n)
				b.ReportMetric(float64(wall.Nanoseconds())/perAgent, "ns/agent")
				b.ReportMetric(float64(cpu.Microseconds())/perAgent, "cpu-µs/agent")
				b.ReportMetric(float64(ops)/float64(b.N), "registry-ops")
			})
		}
	}
}

// benchRegistryStore is an in-memory store holding a registry that admits n
// agents, and their AgentInfos as they re-register.
func benchRegistryStore(b *testing.B, n int) (*registry.MemoryStore, []*mesospb.AgentInfo) {
	rs, err := resources.ParseList("cpus:4;mem:8192;disk:100000;ports:[31000-32000]", "*")
	if err != nil {
		b.Fatal(err)
	}
	reg := &registrypb.Registry{Agents: &registrypb.Registry_Agents{}}
	var infos []*mesospb.AgentInfo
	for i := range n {
		host := fmt.Sprintf("agent-%05d.bench", i)
		info := &mesospb.AgentInfo{
			Id: agentIDProto(fmt.Sprintf("previous-master-S%d", i)), Hostname: proto.String(host),
			Port: proto.Int32(5051), Resources: rs,
		}
		infos = append(infos, info)
		reg.Agents.Agents = append(reg.Agents.Agents, &registrypb.Registry_Agent{Info: info})
	}
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(reg)
	if err != nil {
		b.Fatal(err)
	}
	store := registry.NewMemoryStore()
	if err := store.Set(context.Background(), data, 0); err != nil {
		b.Fatal(err)
	}
	return store, infos
}

// reregisterOnce starts a master on store and has every agent re-register;
// it returns the wall and CPU time that took, and the registry operations
// applied meanwhile.
func reregisterOnce(b *testing.B, store *registry.MemoryStore, infos []*mesospb.AgentInfo, overHTTP bool) (wall, cpu time.Duration, ops uint64) {
	b.StopTimer()
	srv := httptest.NewUnstartedServer(nil)
	host, portText, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)
	registrar := registry.New(registry.Config{Store: store})
	defer registrar.Close()
	m, err := New(Config{
		IP: host, Port: port, Version: "1.11.0",
		AllocationInterval: time.Second,
		Allocator:          hierarchical.New(),
		Registrar:          registrar,
		Logger:             slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})),
	})
	if err != nil {
		b.Fatal(err)
	}
	srv.Config.Handler = m.Handler()
	srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, DisableCompression: true}}
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("master: %v", err)
		}
		client.CloseIdleConnections()
		srv.CloseClientConnections()
		srv.Close()
	}()
	deadline := time.Now().Add(time.Minute)
	for !registrar.Stats().Recovered || m.currentRole() != roleLeading {
		if time.Now().After(deadline) {
			b.Fatal("the master did not recover within a minute")
		}
		time.Sleep(time.Millisecond)
	}
	opsBefore := registrar.Stats().Operations

	streams := make([]io.Closer, len(infos))
	errs := make(chan error, len(infos))
	var wg sync.WaitGroup
	cpuBefore := processCPU()
	start := time.Now()
	b.StartTimer()
	for i, info := range infos {
		wg.Go(func() {
			var body io.Closer
			var err error
			if overHTTP {
				body, err = benchReregister(ctx, client, srv.URL, info)
			} else {
				body, err = benchReregisterDirect(ctx, srv.Config.Handler, info)
			}
			streams[i] = body
			if err != nil {
				errs <- fmt.Errorf("agent %s: %w", info.GetId().GetValue(), err)
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	wall, cpu = time.Since(start), processCPU()-cpuBefore
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	ops = registrar.Stats().Operations - opsBefore
	for _, s := range streams {
		if s != nil {
			s.Close()
		}
	}
	return wall, cpu, ops
}

// benchReregister subscribes as a recovered agent over HTTP and reads
// SUBSCRIBED; it returns the open stream, which the caller closes.
func benchReregister(ctx context.Context, client *http.Client, base string, info *mesospb.AgentInfo) (io.Closer, error) {
	body, err := benchSubscribeBody(info)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+AgentAPIPath, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", httpapi.MediaProtobuf)
	req.Header.Set("Accept", httpapi.MediaProtobuf)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		text, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		return nil, fmt.Errorf("SUBSCRIBE: %s: %s", resp.Status, text)
	}
	return resp.Body, checkSubscribed(bufio.NewReader(resp.Body), info)
}

// benchReregisterDirect hands the SUBSCRIBE to the master's handler
// itself and waits for SUBSCRIBED; closing the result ends the stream.
func benchReregisterDirect(ctx context.Context, h http.Handler, info *mesospb.AgentInfo) (io.Closer, error) {
	body, err := benchSubscribeBody(info)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	req := httptest.NewRequestWithContext(rctx, http.MethodPost, AgentAPIPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", httpapi.MediaProtobuf)
	req.Header.Set("Accept", httpapi.MediaProtobuf)
	w := &streamRecorder{header: http.Header{}, first: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(w, req)
		w.once.Do(func() { close(w.first) })
	}()
	<-w.first
	end := closerFunc(func() error { cancel(); <-done; return nil })
	w.mu.Lock()
	status, data := w.status, bytes.Clone(w.body)
	w.mu.Unlock()
	if status != http.StatusOK {
		return end, fmt.Errorf("SUBSCRIBE: %d: %s", status, data)
	}
	return end, checkSubscribed(bytes.NewReader(data), info)
}

// streamRecorder is the ResponseWriter of benchReregisterDirect: it keeps
// what the handler writes and says when the first write came.
type streamRecorder struct {
	header http.Header
	mu     sync.Mutex
	status int
	body   []byte
	first  chan struct{}
	once   sync.Once
}

func (w *streamRecorder) Header() http.Header { return w.header }

func (w *streamRecorder) WriteHeader(status int) {
	w.mu.Lock()
	if w.status == 0 {
		w.status = status
	}
	w.mu.Unlock()
}

func (w *streamRecorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.mu.Lock()
	w.body = append(w.body, p...)
	w.mu.Unlock()
	w.once.Do(func() { close(w.first) })
	return len(p), nil
}

func (w *streamRecorder) Flush() {}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// benchSubscribeBody is a recovered agent's SUBSCRIBE, encoded.
func benchSubscribeBody(info *mesospb.AgentInfo) ([]byte, error) {
	call := &agentmasterpb.AgentCall{Type: agentmasterpb.AgentCall_SUBSCRIBE.Enum(), Subscribe: &agentmasterpb.AgentCall_Subscribe{
		AgentInfo: info,
		Version:   proto.String("1.11.0"),
		Address:   &mesospb.Address{Hostname: info.Hostname, Ip: proto.String("127.0.0.1"), Port: proto.Int32(5051)},
		Capabilities: []*mesospb.AgentInfo_Capability{
			{Type: mesospb.AgentInfo_Capability_MULTI_ROLE.Enum()},
			{Type: mesospb.AgentInfo_Capability_HIERARCHICAL_ROLE.Enum()},
			{Type: mesospb.AgentInfo_Capability_RESERVATION_REFINEMENT.Enum()},
		},
	}}
	return proto.Marshal(call)
}

// checkSubscribed reads the stream's first record: SUBSCRIBED with the
// agent's own id.
func checkSubscribed(r io.Reader, info *mesospb.AgentInfo) error {
	rec, err := recordio.NewReader(r, 0).ReadRecord()
	if err != nil {
		return fmt.Errorf("read SUBSCRIBED: %w", err)
	}
	ev := &agentmasterpb.AgentEvent{}
	if err := proto.Unmarshal(rec, ev); err != nil || ev.GetType() != agentmasterpb.AgentEvent_SUBSCRIBED {
		return fmt.Errorf("first event %v (%v), want SUBSCRIBED", ev.GetType(), err)
	}
	if got := ev.GetSubscribed().GetAgentId().GetValue(); got != info.GetId().GetValue() {
		return fmt.Errorf("re-registered as %s", got)
	}
	return nil
}
