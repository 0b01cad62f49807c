package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/agent/sandbox"
	"github.com/gomesos/mesos/core/httpapi"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/schedulerpb"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/core/schedulerclient"
)

// go test -run '^$' -bench TaskThroughput -benchtime=1x ./cmd/mesos-local -args -bench.tasks=10000 -bench.inflight=16
var (
	benchTasks    = flag.Int("bench.tasks", 1000, "tasks per timed run of BenchmarkTaskThroughput")
	benchInflight = flag.Int("bench.inflight", 16, "most tasks launched and not yet finished at once (and the spawn-rate parallelism)")
	benchRunning  = flag.Int("bench.running", 100, "long-running tasks held by BenchmarkAgentMemory")
	benchWorkDir  = flag.String("bench.workdir", "", "where mesos-local's --work_dir and the sandbox floor's sandboxes go (default: the test's temporary directory, under $TMPDIR); e.g. /dev/shm to measure on tmpfs")
	benchHelpers  = flag.String("bench.helpers", "built", "the agent's helper programs: built (mesos-containerizer and mesos-executor built into --launcher_dir, as make build installs them), self (the agent re-executes its own binary, this test binary), or dir:PATH (prebuilt helpers in PATH, e.g. another revision's, to compare builds)")
)

// benchSize is a size flag's value, or short under -short when the flag
// was not given: make bench runs every benchmark at a small size.
func benchSize(name string, value, short int) int {
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	if testing.Short() && !given {
		return short
	}
	return value
}

// benchLauncherDir builds the helper programs for --launcher_dir, or
// returns "" for -bench.helpers=self, or the directory of dir:PATH.
func benchLauncherDir(b *testing.B) string {
	if dir, ok := strings.CutPrefix(*benchHelpers, "dir:"); ok {
		if _, err := os.Stat(filepath.Join(dir, "mesos-executor")); err != nil {
			b.Fatalf("-bench.helpers=%q: %v", *benchHelpers, err)
		}
		return dir
	}
	switch *benchHelpers {
	case "self":
		return ""
	case "built":
	default:
		b.Fatalf("-bench.helpers=%q: want built, self or dir:PATH", *benchHelpers)
	}
	return buildHelpers(b)
}

// buildHelpers builds mesos-containerizer and mesos-executor into a
// directory for --launcher_dir, as make build puts them beside the daemons:
// linked statically (CGO_ENABLED=0), as the Makefile links them.
func buildHelpers(tb testing.TB) string {
	dir := tb.TempDir()
	cmd := exec.Command("go", "build", "-o", dir+"/",
		"github.com/gomesos/mesos/cmd/mesos-containerizer", "github.com/gomesos/mesos/cmd/mesos-executor")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build the helper programs: %v\n%s", err, out)
	}
	return dir
}

// benchCluster is mesos-local (one agent) running in this process, with a
// subscribed framework.
type benchCluster struct {
	s      *schedulerclient.Session
	ctx    context.Context
	cancel context.CancelFunc
	done   chan int
	stderr *lockedBuffer
}

func benchFreePorts(b testing.TB, n int) int {
	for attempt := 0; attempt < 50; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		base := l.Addr().(*net.TCPAddr).Port
		l.Close()
		ok := true
		for i := 1; i < n && ok; i++ {
			if l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+i)); err != nil {
				ok = false
			} else {
				l2.Close()
			}
		}
		if ok {
			return base
		}
	}
	b.Fatal("no run of free ports")
	return 0
}

func startBenchCluster(b testing.TB, launcherDir string) *benchCluster {
	port := benchFreePorts(b, 2)
	ctx, cancel := context.WithCancel(context.Background())
	c := &benchCluster{ctx: ctx, cancel: cancel, done: make(chan int, 1), stderr: &lockedBuffer{}}
	var stdout lockedBuffer
	args := []string{"--port=" + strconv.Itoa(port), "--num_slaves=1", "--work_dir=" + benchDir(b), "--quiet"}
	if launcherDir != "" {
		args = append(args, "--launcher_dir="+launcherDir)
	}
	env := []string{"MESOS_ALLOCATION_INTERVAL=50ms", "MESOS_RESOURCES=cpus:64;mem:65536;disk:65536"}
	go func() { c.done <- run(ctx, args, env, &stdout, c.stderr) }()
	b.Cleanup(func() {
		if c.s != nil {
			c.s.Close()
		}
		cancel()
		select {
		case <-c.done:
		case <-time.After(60 * time.Second):
			b.Error("mesos-local did not stop")
		}
	})
	info := &mesospb.FrameworkInfo{User: proto.String("root"), Name: proto.String("bench"),
		Capabilities: []*mesospb.FrameworkInfo_Capability{{Type: mesospb.FrameworkInfo_Capability_MULTI_ROLE.Enum()}},
		Roles:        []string{"*"}}
	master := "127.0.0.1:" + strconv.Itoa(port)
	var err error
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c.s, err = schedulerclient.Subscribe(ctx, schedulerclient.Config{Master: master, Codec: httpapi.Protobuf}, info); err == nil {
			break
		}
	}
	if err != nil {
		b.Fatalf("subscribe: %v\nstderr: %s", err, c.stderr.String())
	}
	return c
}

// runResult is one batch of tasks.
type runResult struct {
	start, lastRunning, lastFinished time.Time
	toRunning, toFinished            []time.Duration
	failed                           int
}

// runTasks launches n command tasks (at most inflight unfinished at once)
// and waits for every one to end. Offers are held while the window is full
// and used as tasks finish.
func (c *benchCluster) runTasks(b testing.TB, prefix, command string, n, inflight int, waitFor mesospb.TaskState) *runResult {
	ctx := c.ctx
	taskRes, _ := resources.Parse("cpus:0.01;mem:32", "*")
	acks := make(chan *mesospb.TaskStatus, 4096)
	var ackWG sync.WaitGroup
	for i := 0; i < 4; i++ {
		ackWG.Add(1)
		go func() {
			defer ackWG.Done()
			for st := range acks {
				_ = c.s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
					AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid}})
			}
		}()
	}
	defer func() { close(acks); ackWG.Wait() }()

	r := &runResult{start: time.Now()}
	accepted := map[string]time.Time{}
	running := map[string]bool{}
	var held []*mesospb.Offer
	launched, ended, active := 0, 0, 0
	fits := func(o *mesospb.Offer) int {
		var cpus, mem float64
		for _, res := range o.GetResources() {
			switch res.GetName() {
			case "cpus":
				cpus += res.GetScalar().GetValue()
			case "mem":
				mem += res.GetScalar().GetValue()
			}
		}
		return min(int(cpus/0.01+1e-6), int(mem/32))
	}
	launch := func() {
		for active < inflight && launched < n && len(held) > 0 {
			o := held[0]
			held = held[1:]
			k := min(fits(o), inflight-active, n-launched)
			if k <= 0 {
				_ = c.s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_DECLINE.Enum(), Decline: &schedulerpb.Call_Decline{
					OfferIds: []*mesospb.OfferID{o.GetId()}, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(0)}}})
				continue
			}
			tasks := make([]*mesospb.TaskInfo, k)
			now := time.Now()
			for i := range tasks {
				id := fmt.Sprintf("%s-%d", prefix, launched+i)
				tasks[i] = &mesospb.TaskInfo{Name: proto.String(id), TaskId: &mesospb.TaskID{Value: proto.String(id)},
					AgentId: o.GetAgentId(), Resources: taskRes.Allocate("*").Protos(),
					Command: &mesospb.CommandInfo{Value: proto.String(command)}}
				accepted[id] = now
			}
			launched += k
			active += k
			if err := c.s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACCEPT.Enum(), Accept: &schedulerpb.Call_Accept{
				OfferIds:   []*mesospb.OfferID{o.GetId()},
				Operations: []*mesospb.Offer_Operation{{Type: mesospb.Offer_Operation_LAUNCH.Enum(), Launch: &mesospb.Offer_Operation_Launch{TaskInfos: tasks}}},
				Filters:    &mesospb.Filters{RefuseSeconds: proto.Float64(0)},
			}}); err != nil {
				b.Fatalf("ACCEPT: %v", err)
			}
		}
	}
	timeout := time.After(time.Duration(n)*100*time.Millisecond + 60*time.Second)
	for ended < n {
		select {
		case <-timeout:
			b.Fatalf("%d of %d tasks ended (launched %d, active %d)\nstderr: %s", ended, n, launched, active, c.stderr.String())
		case ev, ok := <-c.s.Events():
			if !ok {
				b.Fatalf("stream ended: %v", c.s.Err())
			}
			switch ev.GetType() {
			case schedulerpb.Event_OFFERS:
				held = append(held, ev.GetOffers().GetOffers()...)
			case schedulerpb.Event_RESCIND:
				id := ev.GetRescind().GetOfferId().GetValue()
				for i, o := range held {
					if o.GetId().GetValue() == id {
						held = append(held[:i], held[i+1:]...)
						break
					}
				}
			case schedulerpb.Event_UPDATE:
				now := time.Now()
				st := ev.GetUpdate().GetStatus()
				if len(st.GetUuid()) > 0 {
					acks <- st
				}
				id := st.GetTaskId().GetValue()
				t0, mine := accepted[id]
				if !mine {
					continue
				}
				switch st.GetState() {
				case mesospb.TaskState_TASK_RUNNING:
					if !running[id] {
						running[id] = true
						r.toRunning = append(r.toRunning, now.Sub(t0))
						r.lastRunning = now
						if waitFor == mesospb.TaskState_TASK_RUNNING {
							ended++
						}
					}
				case mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_ERROR,
					mesospb.TaskState_TASK_LOST, mesospb.TaskState_TASK_DROPPED, mesospb.TaskState_TASK_KILLED:
					if st.GetState() != mesospb.TaskState_TASK_FINISHED {
						r.failed++
						if r.failed <= 3 {
							b.Logf("task %s ended %s: %s", id, st.GetState(), st.GetMessage())
						}
					} else {
						r.toFinished = append(r.toFinished, now.Sub(t0))
					}
					r.lastFinished = now
					delete(accepted, id)
					active--
					if waitFor != mesospb.TaskState_TASK_RUNNING {
						ended++
					}
				}
			}
			launch()
		}
	}
	// Give the held offers back so the next batch starts from fresh ones.
	for _, o := range held {
		_ = c.s.Call(ctx, &schedulerpb.Call{Type: schedulerpb.Call_DECLINE.Enum(), Decline: &schedulerpb.Call_Decline{
			OfferIds: []*mesospb.OfferID{o.GetId()}, Filters: &mesospb.Filters{RefuseSeconds: proto.Float64(0)}}})
	}
	return r
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p * float64(len(s)-1))
	return s[i]
}

// cpuTime is this process's CPU time and its waited-for descendants'.
func cpuTime() (self, children time.Duration) {
	var s, c syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &s)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &c)
	tv := func(t syscall.Timeval) time.Duration {
		return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
	}
	return tv(s.Utime) + tv(s.Stime), tv(c.Utime) + tv(c.Stime)
}

// spawnRate is fork/exec+wait of `true` per second with p goroutines.
func spawnRate(b testing.TB, total, p int) float64 {
	return parallelRate(b, total, p, func(int, int) error { return exec.Command("true").Run() })
}

// parallelRate runs op total times (rounded down to a multiple of p) on p
// goroutines, as op(goroutine, i), and returns the runs per second.
func parallelRate(b testing.TB, total, p int, op func(g, i int) error) float64 {
	var wg sync.WaitGroup
	start := time.Now()
	per := total / p
	for g := 0; g < p; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				if err := op(g, i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(per*p) / time.Since(start).Seconds()
}

// benchDir is a new directory for a work_dir: under -bench.workdir when
// given, else the test's temporary directory.
func benchDir(b testing.TB) string {
	if *benchWorkDir == "" {
		return b.TempDir()
	}
	dir, err := os.MkdirTemp(*benchWorkDir, "gomesos-bench-")
	if err != nil {
		b.Fatalf("-bench.workdir: %v", err)
	}
	b.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// sandboxFloorRate is the per-task work no design of a Mesos agent can
// skip, per second with p goroutines, with no master, framework, executor
// or bookkeeping: the run's sandbox as the agent makes it (the directory
// chain, mode, runs/latest link; sandbox.CreateRun), its stdout and
// stderr files, and `sh -c true` (what a command task's `true` is) forked
// into it with those as its output, waited for. It puts the fork/exec rate
// of `true` in proportion: on a disk-backed work_dir the file system work
// alone can cost more than the fork.
func sandboxFloorRate(b testing.TB, workDir string, total, p int) float64 {
	tree := sandbox.Layout{WorkDir: workDir}.Sandboxes()
	return parallelRate(b, total, p, func(g, i int) error { return floorTask(tree, fmt.Sprintf("floor-%d-%d", g, i)) })
}

func floorTask(tree sandbox.Tree, id string) error {
	run, err := sandbox.CreateRun(tree, sandbox.Run{AgentID: "floor-S0", FrameworkID: "floor-0000", ExecutorID: id, ContainerID: id}, "")
	if err != nil {
		return err
	}
	stdout, err := os.Create(filepath.Join(run.Path(), "stdout"))
	if err != nil {
		return err
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(run.Path(), "stderr"))
	if err != nil {
		return err
	}
	defer stderr.Close()
	cmd := exec.Command("/bin/sh", "-c", "true")
	cmd.Dir, cmd.Stdout, cmd.Stderr = run.Path(), stdout, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.Run()
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// descendantsRSS sums the resident memory of every process below this
// one (supervisors, executors, task commands), in bytes.
func descendantsRSS() (uint64, int) {
	total, count, _ := descendantsRSSByName()
	return total, count
}

// descendantsRSSByName also sums the resident memory by executable name.
func descendantsRSSByName() (uint64, int, map[string]uint64) {
	names := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	rss := map[int]uint64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(fields) < 22 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		names[pid] = s[strings.IndexByte(s, '(')+1 : strings.LastIndexByte(s, ')')]
		pages, _ := strconv.ParseUint(fields[21], 10, 64)
		parent[pid] = ppid
		rss[pid] = pages * uint64(os.Getpagesize())
	}
	self := os.Getpid()
	var total uint64
	count := 0
	byName := map[string]uint64{}
	for pid := range parent {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == self {
				total += rss[pid]
				byName[names[pid]] += rss[pid]
				count++
				break
			}
		}
	}
	return total, count, byName
}

// BenchmarkTaskThroughput runs -bench.tasks command tasks (`true`) per
// iteration through the v1 scheduler API on mesos-local with one agent,
// at most -bench.inflight unfinished at once, and measures in the same
// run the machine's fork/exec rate of `true` at that parallelism.
// It also measures the sandbox floor (sandboxFloorRate): the fork/exec of
// `sh -c true` into a sandbox made as the agent makes it, nothing else.
func BenchmarkTaskThroughput(b *testing.B) {
	n, p := benchSize("bench.tasks", *benchTasks, 100), *benchInflight
	c := startBenchCluster(b, benchLauncherDir(b))
	// A warm-up batch: executor paths, sandboxes, connections.
	c.runTasks(b, "warmup", "true", min(2*p, n), p, mesospb.TaskState_TASK_FINISHED)
	spawn := spawnRate(b, max(1000, 100*p), p)
	heap0 := heapAfterGC()
	b.ResetTimer()
	var all runResult
	var wallRunning, wallFinished time.Duration
	self0, child0 := cpuTime()
	for i := 0; i < b.N; i++ {
		r := c.runTasks(b, fmt.Sprintf("run%d", i), "true", n, p, mesospb.TaskState_TASK_FINISHED)
		wallRunning += r.lastRunning.Sub(r.start)
		wallFinished += r.lastFinished.Sub(r.start)
		all.toRunning = append(all.toRunning, r.toRunning...)
		all.toFinished = append(all.toFinished, r.toFinished...)
		all.failed += r.failed
	}
	self1, child1 := cpuTime()
	b.StopTimer()
	heap1 := heapAfterGC()
	spawnAfter := spawnRate(b, max(1000, 100*p), p)
	floor := sandboxFloorRate(b, benchDir(b), max(1000, 100*p), p)
	tasks := float64(n * b.N)
	finishedRate := tasks / wallFinished.Seconds()
	b.ReportMetric(tasks/wallRunning.Seconds(), "running/s")
	b.ReportMetric(finishedRate, "finished/s")
	b.ReportMetric(float64(percentile(all.toRunning, 0.5).Microseconds())/1000, "p50-running-ms")
	b.ReportMetric(float64(percentile(all.toRunning, 0.99).Microseconds())/1000, "p99-running-ms")
	b.ReportMetric(float64(percentile(all.toFinished, 0.5).Microseconds())/1000, "p50-finished-ms")
	b.ReportMetric(float64(percentile(all.toFinished, 0.99).Microseconds())/1000, "p99-finished-ms")
	b.ReportMetric(spawn, "spawn/s")
	b.ReportMetric(spawnAfter, "spawn-after/s")
	b.ReportMetric(finishedRate/((spawn+spawnAfter)/2), "fraction-of-spawn")
	b.ReportMetric(floor, "floor/s")
	b.ReportMetric(floor/((spawn+spawnAfter)/2), "floor-fraction-of-spawn")
	b.ReportMetric(float64((self1-self0).Microseconds())/1000/tasks, "cpu-ms/task-in-process")
	b.ReportMetric(float64((child1-child0).Microseconds())/1000/tasks, "cpu-ms/task-children")
	b.ReportMetric((float64(heap1)-float64(heap0))/1024/(tasks/1000), "heap-KiB/1k-completed")
	b.ReportMetric(float64(all.failed), "failed")
}

// BenchmarkAgentMemory holds -bench.running long tasks (`sleep`) running
// on mesos-local and reports what each costs: Go heap after GC of this
// process (master, agent and framework together) and the resident memory
// of the processes below it (each task's supervisor, executor and command).
func BenchmarkAgentMemory(b *testing.B) {
	n := benchSize("bench.running", *benchRunning, 20)
	c := startBenchCluster(b, benchLauncherDir(b))
	c.runTasks(b, "warmup", "true", 8, 8, mesospb.TaskState_TASK_FINISHED)
	for i := 0; i < b.N; i++ {
		heap0 := heapAfterGC()
		rss0, procs0 := descendantsRSS()
		prefix := fmt.Sprintf("sleep%d", i)
		c.runTasks(b, prefix, "sleep 600", n, n, mesospb.TaskState_TASK_RUNNING)
		time.Sleep(time.Second) // let the executors settle after RUNNING
		heap1 := heapAfterGC()
		rss1, procs1, byName := descendantsRSSByName()
		for name, bytes := range byName {
			b.Logf("%s: %.0f KiB per running task", name, float64(bytes)/1024/float64(n))
		}
		b.ReportMetric((float64(heap1)-float64(heap0))/1024/float64(n), "heap-KiB/running-task")
		b.ReportMetric((float64(rss1)-float64(rss0))/1024/float64(n), "child-RSS-KiB/running-task")
		b.ReportMetric(float64(procs1-procs0)/float64(n), "processes/running-task")
		// Kill them and wait for the ends, untimed.
		b.StopTimer()
		for j := 0; j < n; j++ {
			id := fmt.Sprintf("%s-%d", prefix, j)
			_ = c.s.Call(c.ctx, &schedulerpb.Call{Type: schedulerpb.Call_KILL.Enum(), Kill: &schedulerpb.Call_Kill{
				TaskId: &mesospb.TaskID{Value: proto.String(id)}}})
		}
		waitTerminal(b, c, n)
		b.StartTimer()
	}
}

func waitTerminal(b testing.TB, c *benchCluster, n int) {
	timeout := time.After(2 * time.Minute)
	for ended := 0; ended < n; {
		select {
		case <-timeout:
			b.Fatalf("only %d of %d killed tasks ended", ended, n)
		case ev, ok := <-c.s.Events():
			if !ok {
				b.Fatalf("stream ended: %v", c.s.Err())
			}
			if ev.GetType() != schedulerpb.Event_UPDATE {
				continue
			}
			st := ev.GetUpdate().GetStatus()
			if len(st.GetUuid()) > 0 {
				_ = c.s.Call(c.ctx, &schedulerpb.Call{Type: schedulerpb.Call_ACKNOWLEDGE.Enum(), Acknowledge: &schedulerpb.Call_Acknowledge{
					AgentId: st.AgentId, TaskId: st.TaskId, Uuid: st.Uuid}})
			}
			switch st.GetState() {
			case mesospb.TaskState_TASK_KILLED, mesospb.TaskState_TASK_FINISHED, mesospb.TaskState_TASK_FAILED, mesospb.TaskState_TASK_LOST:
				ended++
			}
		}
	}
}
