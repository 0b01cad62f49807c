package master

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// largeMaster builds a master holding a big cluster directly in its
// records, as the loop would have built it: agents with attributes and
// ports, frameworks, and running tasks with a status each (an IP, labels).
func largeMaster(tb testing.TB, agents, frameworks, tasks int) *Master {
	tb.Helper()
	m, err := New(Config{
		IP: "10.0.0.1", Port: 5050, Version: "1.11.0", Allocator: newFirstFit(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Flags:  map[string]string{"zk": "zk://10.0.0.1:2181/mesos", "quorum": "1"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	now := time.Now()
	m.startTime, m.electedTime = now, now
	attrs, _ := resources.ParseAttributes("rack:r1;zone:2;os:linux")
	total := resources.MustParse("cpus:64;mem:262144;disk:1048576;ports:[31000-32000]")
	as := make([]*agent, agents)
	for i := range as {
		id := fmt.Sprintf("%s-S%d", m.id, i)
		a := &agent{
			id: id, regTime: now, version: "1.11.0", active: true,
			info: &mesospb.AgentInfo{
				Id: agentIDProto(id), Hostname: proto.String(fmt.Sprintf("host-%d.example.com", i)),
				Attributes: attrs, Resources: total.Protos(),
			},
			address: &mesospb.Address{Ip: proto.String(fmt.Sprintf("10.1.%d.%d", i/256, i%256)), Port: proto.Int32(5051)},
			total:   total,
			used:    map[string]resources.Resources{}, tasks: map[string]map[string]*task{},
			executors: map[string]map[string]*mesospb.ExecutorInfo{},
		}
		a.pid = "slave(1)@" + a.address.GetIp() + ":5051"
		m.agents[id] = a
		as[i] = a
	}
	fws := make([]*framework, frameworks)
	for i := range fws {
		id := fmt.Sprintf("%s-%04d", m.id, i)
		fws[i] = &framework{
			id: id, active: true, registeredTime: now,
			info: &mesospb.FrameworkInfo{Id: frameworkIDProto(id), Name: proto.String(fmt.Sprintf("framework-%d", i)),
				User: proto.String("root"), Hostname: proto.String("scheduler.example.com")},
			offers: map[string]*offer{}, tasks: map[string]*task{}, executors: map[string]map[string]*mesospb.ExecutorInfo{},
		}
		m.frameworks[id] = fws[i]
	}
	taskRes := resources.MustParse("cpus:0.5;mem:256;ports:[31000-31000]").Allocate("*")
	taskProtos := taskRes.Protos()
	for i := range tasks {
		fw, a := fws[i%frameworks], as[i%agents]
		id := fmt.Sprintf("task-%d", i)
		info := &mesospb.Task{
			Name: proto.String(id), TaskId: &mesospb.TaskID{Value: proto.String(id)},
			FrameworkId: frameworkIDProto(fw.id), AgentId: agentIDProto(a.id),
			State: mesospb.TaskState_TASK_RUNNING.Enum(), Resources: taskProtos, User: proto.String("root"),
			Labels: &mesospb.Labels{Labels: []*mesospb.Label{{Key: proto.String("app"), Value: proto.String("web")}}},
			Statuses: []*mesospb.TaskStatus{{
				TaskId: &mesospb.TaskID{Value: proto.String(id)}, State: mesospb.TaskState_TASK_RUNNING.Enum(),
				Timestamp: proto.Float64(float64(now.Unix()) + float64(i)/1000),
				ContainerStatus: &mesospb.ContainerStatus{NetworkInfos: []*mesospb.NetworkInfo{{
					IpAddresses: []*mesospb.NetworkInfo_IPAddress{{IpAddress: a.address.Ip}},
				}}},
			}},
		}
		m.addTask(fw, a, &task{id: id, agentID: a.id, info: info, resources: taskRes})
	}
	return m
}

// BenchmarkStateJSON writes /master/state for 10k agents and 100k tasks:
// the time the loop is busy with one request.
func BenchmarkStateJSON(b *testing.B) {
	m := largeMaster(b, 10000, 10, 100000)
	// Warm up the size hint, as the endpoint does after its first request.
	w := jsonWriter{}
	m.writeState(&w)
	size := len(w.buf)
	b.ReportAllocs()
	cpu := processCPU()
	buf := make([]byte, 0, size+size/8)
	for b.Loop() {
		// The buffer is reused, as the endpoint reuses it.
		w := jsonWriter{buf: buf[:0]}
		m.writeState(&w)
		size, buf = len(w.buf), w.buf
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(size), "bytes/doc")
}

// processCPU is the CPU time the process has used (user and system, every
// thread, the garbage collector's included): on a shared machine, wall
// time says more about the neighbours than about the code.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkStateEndpoint serves /master/state through the handler and the
// running loop, as a client asks for it (without the network).
func BenchmarkStateEndpoint(b *testing.B) {
	m := largeMaster(b, 10000, 10, 100000)
	// The allocator has nobody to offer to: its cycles would only add
	// their own work to what is measured.
	m.cfg.Allocator = idleAllocator{}
	benchmarkStateEndpoint(b, m)
}

// benchmarkStateEndpoint runs m and measures GET /master/state on it.
func benchmarkStateEndpoint(b *testing.B, m *Master) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = m.Run(ctx)
	}()
	defer func() { cancel(); <-done }()
	h := m.Handler()
	var size int
	get := func() {
		out := &countingWriter{header: http.Header{}}
		h.ServeHTTP(out, httptest.NewRequest("GET", "/master/state", nil))
		if out.code != 200 {
			b.Fatalf("status %d", out.code)
		}
		size = out.n
	}
	// The first requests size the kept buffer and render every task.
	get()
	get()
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		get()
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(size), "bytes/doc")
}

// BenchmarkStateJSONCold is BenchmarkStateJSON when every task changed
// since the last request: each has a new status (a health check's, say),
// as on a busy cluster between two polls.
func BenchmarkStateJSONCold(b *testing.B) {
	m := largeMaster(b, 10000, 10, 100000)
	benchmarkStateAfter(b, m, func(n int) {
		for _, fw := range m.frameworks {
			for _, t := range fw.tasks {
				// The first status stays; the second is replaced each
				// time, so the document keeps its size.
				t.info.Statuses = append(t.info.Statuses[:1], &mesospb.TaskStatus{
					TaskId: t.info.TaskId, State: mesospb.TaskState_TASK_RUNNING.Enum(),
					Timestamp: proto.Float64(float64(time.Now().Unix()) + float64(n)),
					Healthy:   proto.Bool(n%2 == 0),
				})
				t.json.stale = true
			}
		}
	})
}

// BenchmarkStateJSONFirst is the first request after the master started
// or was elected: no task has kept JSON.
func BenchmarkStateJSONFirst(b *testing.B) {
	m := largeMaster(b, 10000, 10, 100000)
	benchmarkStateAfter(b, m, func(int) {
		for _, fw := range m.frameworks {
			for _, t := range fw.tasks {
				t.json = taskJSONCache{}
			}
		}
	})
}

// benchmarkStateAfter writes /master/state, calling change (off the
// clock) before each request.
func benchmarkStateAfter(b *testing.B, m *Master, change func(n int)) {
	w := jsonWriter{}
	m.writeState(&w)
	size := len(w.buf)
	b.ReportAllocs()
	buf := make([]byte, 0, 2*size)
	var cpu time.Duration
	n := 0
	for b.Loop() {
		b.StopTimer()
		change(n)
		n++
		start := processCPU()
		b.StartTimer()
		w := jsonWriter{buf: buf[:0]}
		m.writeState(&w)
		size, buf = len(w.buf), w.buf
		cpu += processCPU() - start
	}
	b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(size), "bytes/doc")
}

// idleAllocator allocates nothing.
type idleAllocator struct{}

func (idleAllocator) Initialize(context.Context, *allocator.InitializeRequest) (*allocator.InitializeResponse, error) {
	return &allocator.InitializeResponse{}, nil
}

func (idleAllocator) Allocate(context.Context, *allocator.AllocateRequest) (*allocator.AllocateResponse, error) {
	return &allocator.AllocateResponse{}, nil
}

// countingWriter is a ResponseWriter that only counts, as a socket costs
// nothing here.
type countingWriter struct {
	header http.Header
	code   int
	n      int
}

func (c *countingWriter) Header() http.Header  { return c.header }
func (c *countingWriter) WriteHeader(code int) { c.code = code }
func (c *countingWriter) Write(p []byte) (int, error) {
	if c.code == 0 {
		c.code = 200
	}
	c.n += len(p)
	return len(p), nil
}

// TestLargeStateIsValidJSON checks the benchmark's document on a smaller
// cluster: valid JSON with every agent and task.
func TestLargeStateIsValidJSON(t *testing.T) {
	m := largeMaster(t, 100, 3, 1000)
	w := jsonWriter{}
	m.writeState(&w)
	var doc struct {
		Slaves     []map[string]any `json:"slaves"`
		Frameworks []struct {
			Tasks []map[string]any `json:"tasks"`
		} `json:"frameworks"`
	}
	if err := jsonUnmarshal(w.buf, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fw := range doc.Frameworks {
		n += len(fw.Tasks)
	}
	if len(doc.Slaves) != 100 || n != 1000 {
		t.Fatalf("%d agents and %d tasks", len(doc.Slaves), n)
	}
}
